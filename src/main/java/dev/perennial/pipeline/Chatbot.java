package dev.perennial.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.UserError;
import dev.perennial.generate.GenerationConfig;
import dev.perennial.generate.Generator;
import dev.perennial.generate.Seq2SeqGeneration;
import dev.perennial.io.Json;
import dev.perennial.model.BartModel;
import dev.perennial.tensor.Tensors;
import dev.perennial.tokenizer.HfTokenizer;
import org.bytedeco.javacpp.PointerScope;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * An encoder-decoder chat model with its tokenizer, for the conversational task as transformers ran it for
 * Blenderbot: the conversation joined as its tokenizer does ({@link ConversationPrompt}), generated from with the
 * checkpoint's generation config (or a caller's), the reply decoded with the special tokens left out and no clean-up
 * of spaces. One conversation at a time.
 */
public final class Chatbot implements Encoder {

    private final Path dir;
    private final String modelType;
    private final BartModel model;
    private final HfTokenizer tokenizer;
    private final GenerationConfig config;
    private final int maxInputTokens;

    private Chatbot(Path dir, String modelType, BartModel model, HfTokenizer tokenizer, GenerationConfig config,
                    int maxInputTokens) {
        this.dir = dir;
        this.modelType = modelType;
        this.model = model;
        this.tokenizer = tokenizer;
        this.config = config;
        this.maxInputTokens = maxInputTokens;
    }

    static Chatbot load(Path dir, PipelineOptions options) {
        GenerationConfig config = GenerationConfig.read(dir, null);
        BartModel model = BartModel.load(dir, options.dtype().scalarType());
        return Resources.builtOver(model, m -> new Chatbot(dir, ModelFolders.modelType(dir), m,
                HfTokenizer.load(dir), config, maxInputTokens(dir, m.config().maxPositions())));
    }

    /** tokenizer_config.json's model_max_length (Blenderbot's 128), at most the encoder's positions. */
    private static int maxInputTokens(Path dir, int positions) {
        Path file = dir.resolve("tokenizer_config.json");
        if (!Files.isRegularFile(file)) {
            return positions;
        }
        JsonNode max = Json.readModelFile(file, "no such file").path("model_max_length");
        if (max.isMissingNode() || max.isNull()) {
            return positions;
        }
        if (!max.isIntegralNumber() || max.asLong() < 2) {
            throw new UserError(file + ": model_max_length is " + max + ", not a whole number of tokens above 1");
        }
        return (int) Math.min(positions, max.asLong());
    }

    @Override
    public Path dir() {
        return dir;
    }

    @Override
    public String modelType() {
        return modelType;
    }

    /** The checkpoint's generation settings (generation_config.json, else config.json's). */
    public GenerationConfig generationConfig() {
        return config;
    }

    /** The reply to a conversation with the checkpoint's generation settings, as the pipeline gives it. */
    Outputs.Reply reply(Inputs.Conversation conversation) {
        ConversationPrompt prompt = prompt(conversation);
        Generator.Result result = reply(prompt, config, List.of(), 0, (text, tokens) -> true);
        return new Outputs.Reply(result.text(), prompt.ids().length, prompt.truncated());
    }

    /**
     * The reply to {@code conversation} generated with {@code settings}: {@code listener} sees the text as it grows
     * (whole at the end with beam search), generation stops at the first of {@code stops} (cut off), and
     * {@code seed} fixes a sample. The result counts the encoder's input tokens as the prompt's.
     */
    public Generator.Result reply(Inputs.Conversation conversation, GenerationConfig settings, List<String> stops,
                                  long seed, Generator.TextListener listener) {
        return reply(prompt(conversation), settings, stops, seed, listener);
    }

    /** The most tokens a reply may have: the decoder's positions less the start token. */
    public int maxReplyTokens() {
        return model.maxDecoderPositions() - 1;
    }

    /** The encoder's input for a conversation: its last {@code maxInputTokens} ids. */
    ConversationPrompt prompt(Inputs.Conversation conversation) {
        return ConversationPrompt.of(conversation.messages(), tokenizer, config.eosTokenId(), maxInputTokens);
    }

    private Generator.Result reply(ConversationPrompt prompt, GenerationConfig settings, List<String> stops,
                                   long seed, Generator.TextListener listener) {
        long[] ids = Arrays.stream(prompt.ids()).asLongStream().toArray();
        try (PointerScope scope = new PointerScope()) {
            return new Seq2SeqGeneration(model, settings, List.of(prompt.ids())).text(model.encode(Tensors.fromLongs(ids, 1, ids.length),
                    null), tokenizer, t -> tokenizer.decode(t, true), stops, seed, ids.length, listener);
        }
    }

    @Override
    public void close() {
        model.close();
        tokenizer.close();
    }
}

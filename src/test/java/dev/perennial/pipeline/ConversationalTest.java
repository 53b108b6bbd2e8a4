package dev.perennial.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.generate.GenerationConfig;
import dev.perennial.generate.Generator;
import dev.perennial.io.Json;
import dev.perennial.model.ExpectedFiles;
import dev.perennial.tensor.DType;
import dev.perennial.tensor.Safetensors;
import dev.perennial.tokenizer.HfTokenizer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The conversational task on the tiny random Blenderbot against tools/reference/conversational.py: the conversation's
 * encoder ids as Blenderbot's tokenizer builds them (the last one cut to model_max_length, at most the encoder's 64
 * positions), and the replies of the generation config's beam search and of greedy decoding, both with its
 * encoder_no_repeat_ngram_size 3.
 */
public class ConversationalTest {

    public static final Path MODEL = Path.of("src/test/resources/reference/blenderbot");
    static final Path EXPECTED = Path.of("src/test/resources/reference/conversational/expected.safetensors");

    /** The reference's conversations. */
    public static List<Inputs.Conversation> conversations() throws Exception {
        List<Inputs.Conversation> out = new ArrayList<>();
        for (JsonNode conversation : ExpectedFiles.metadata(EXPECTED, "conversations")) {
            List<Inputs.Message> messages = new ArrayList<>();
            conversation.forEach(m -> messages.add(new Inputs.Message(m.get("role").asText(),
                    m.get("content").asText())));
            out.add(new Inputs.Conversation(messages));
        }
        return out;
    }

    /** The reference's replies with the generation config's settings, decoded without special tokens. */
    public static List<String> replies() throws Exception {
        return ExpectedFiles.metadataList(EXPECTED, "replies");
    }

    @Test
    void turnsAreJoinedAsBlenderbotsTokenizerDoes() {
        List<Inputs.Message> turns = List.of(new Inputs.Message("user", "Hi there."),
                new Inputs.Message("assistant", " Hello!"), new Inputs.Message("user", "Bye."));
        assertThat(ConversationPrompt.joined(turns)).isEqualTo(" Hi there.   Hello!   Bye.");
    }

    @Test
    void promptIdsEqualTheReferenceAndTheLongestIsCut() throws Exception {
        Map<String, Tensor> expected = Safetensors.read(EXPECTED, torch.ScalarType.Double);
        List<Inputs.Conversation> conversations = conversations();
        List<Boolean> truncated = Arrays.asList(Json.MAPPER.treeToValue(ExpectedFiles.metadata(EXPECTED,
                "truncated"), Boolean[].class));
        try (HfTokenizer tokenizer = HfTokenizer.load(MODEL)) {
            for (int i = 0; i < conversations.size(); i++) {
                ConversationPrompt prompt = ConversationPrompt.of(conversations.get(i).messages(), tokenizer, 2, 64);
                assertThat(prompt.ids()).as("conversation " + i).containsExactly(row(expected.get("prompt_ids"), i));
                assertThat(prompt.truncated()).as("conversation " + i + " cut").isEqualTo(truncated.get(i));
            }
        }
    }

    @Test
    void repliesEqualTheReferenceWithTheGenerationConfigAndGreedily() throws Exception {
        Map<String, Tensor> expected = Safetensors.read(EXPECTED, torch.ScalarType.Double);
        List<Inputs.Conversation> conversations = conversations();
        List<String> replies = replies();
        try (var chat = Pipeline.forTask(Task.CONVERSATIONAL, MODEL.toString())) {
            Chatbot bot = (Chatbot) chat.encoder();
            for (int i = 0; i < conversations.size(); i++) {
                Outputs.Reply reply = chat.run(conversations.get(i));
                assertThat(reply.generatedText()).as("reply " + i).isEqualTo(replies.get(i));
                assertThat(reply.inputTokens()).isEqualTo(row(expected.get("prompt_ids"), i).length);
                Generator.Result greedy = bot.reply(conversations.get(i), bot.generationConfig().withNumBeams(1),
                        List.of(), 0, (text, tokens) -> true);
                assertThat(withoutEos(greedy)).as("greedy reply " + i).containsExactly(row(expected.get("greedy_ids"), i));
            }
        }
    }

    @Test
    void encoderNoRepeatNgramSizeOffOrTwoGivesTheReferenceIds() throws Exception {
        Map<String, Tensor> expected = Safetensors.read(EXPECTED, torch.ScalarType.Double);
        List<Inputs.Conversation> conversations = conversations();
        ObjectNode json = (ObjectNode) Json.MAPPER.readTree(MODEL.resolve(GenerationConfig.FILE).toFile());
        GenerationConfig beam = GenerationConfig.parse(json.deepCopy().put("encoder_no_repeat_ngram_size", 0), "beam");
        GenerationConfig greedy = GenerationConfig.parse(json.deepCopy().put("encoder_no_repeat_ngram_size", 2)
                .put("num_beams", 1), "greedy");
        try (var chat = Pipeline.forTask(Task.CONVERSATIONAL, MODEL.toString())) {
            Chatbot bot = (Chatbot) chat.encoder();
            for (int i = 0; i < conversations.size(); i++) {
                assertThat(withoutEos(bot.reply(conversations.get(i), beam, List.of(), 0, (text, tokens) -> true)))
                        .as("beam " + i).containsExactly(row(expected.get("unbanned_beam_ids"), i));
                assertThat(withoutEos(bot.reply(conversations.get(i), greedy, List.of(), 0, (text, tokens) -> true)))
                        .as("greedy " + i).containsExactly(row(expected.get("encoder_bigram_greedy_ids"), i));
            }
        }
    }

    private static int[] withoutEos(Generator.Result result) {
        return result.finish() == Generator.Finish.EOS
                ? Arrays.copyOf(result.tokens(), result.tokens().length - 1) : result.tokens();
    }

    @Test
    void aStreamedReplyGrowsToTheWholeOneAndStopsAtAStopText() throws Exception {
        Inputs.Conversation conversation = conversations().getFirst();
        try (Chatbot bot = Chatbot.load(MODEL, new PipelineOptions(DType.F32, 1, null))) {
            var greedy = bot.generationConfig().withNumBeams(1);
            StringBuilder streamed = new StringBuilder();
            Generator.Result whole = bot.reply(conversation, greedy, List.of(), 0, (text, tokens) -> {
                streamed.append(text);
                return true;
            });
            assertThat(streamed.toString()).isEqualTo(whole.text());
            assertThat(whole.text()).hasSizeGreaterThan(3);
            String stop = whole.text().substring(2, 4);
            Generator.Result cut = bot.reply(conversation, greedy, List.of(stop), 0, (text, tokens) -> true);
            assertThat(cut.text()).isEqualTo(whole.text().substring(0, whole.text().indexOf(stop)));
            assertThat(cut.finish()).isEqualTo(Generator.Finish.STOP);
        }
    }

    @Test
    void badMessagesAreRefusedNamingTheField() {
        assertThatThrownBy(() -> new Inputs.Conversation(List.of())).isInstanceOf(PipelineInputError.class)
                .hasMessageContaining("messages");
        assertThatThrownBy(() -> Requests.parse(Task.CONVERSATIONAL, Json.MAPPER.readTree(
                "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}, {\"role\": \"robot\", \"content\": \"x\"}]}"),
                Requests.INLINE)).isInstanceOf(PipelineInputError.class).hasMessageContaining("messages[1]")
                .hasMessageContaining("robot");
    }

    private static int[] row(Tensor padded, int i) {
        return Arrays.stream(ExpectedFiles.longs(padded.get(i))).takeWhile(t -> t >= 0).mapToInt(t -> (int) t)
                .toArray();
    }
}

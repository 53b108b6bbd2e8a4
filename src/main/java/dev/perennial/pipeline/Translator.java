package dev.perennial.pipeline;

import dev.perennial.generate.GenerationConfig;
import dev.perennial.generate.Seq2SeqGeneration;
import dev.perennial.model.BartModel;
import dev.perennial.tensor.Tensors;
import dev.perennial.tokenizer.HfTokenizer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * NLLB (model_type m2m_100) with its tokenizer, for translation as transformers' TranslationPipeline runs it: the
 * text encoded as NllbTokenizer does for its src_lang ({@code [src_lang] text </s>}, or {@code text </s> [src_lang]}
 * when tokenizer_config.json sets legacy_behaviour; cut to the model's positions, which transformers would refuse),
 * generated with the checkpoint's generation settings and the target language forced as the first token
 * (_build_translation_inputs' forced_bos_token_id), decoded with the special tokens left out and no clean-up of
 * spaces. One text at a time, as the pipeline's default batch size of 1 does.
 */
final class Translator implements Encoder {

    static final String TASK = "translation";

    private final Path dir;
    private final BartModel model;
    private final HfTokenizer tokenizer;
    private final TranslationLanguages languages;
    private final GenerationConfig config;

    private Translator(Path dir, BartModel model, HfTokenizer tokenizer, TranslationLanguages languages,
                       GenerationConfig config) {
        this.dir = dir;
        this.model = model;
        this.tokenizer = tokenizer;
        this.languages = languages;
        this.config = config;
    }

    static Translator load(Path dir, PipelineOptions options) {
        GenerationConfig config = GenerationConfig.read(dir, TASK);
        TranslationLanguages languages = TranslationLanguages.read(dir);
        BartModel model = BartModel.load(dir, options.dtype().scalarType());
        return Resources.builtOver(model, m -> new Translator(dir, m, HfTokenizer.load(dir), languages, config));
    }

    @Override
    public Path dir() {
        return dir;
    }

    @Override
    public String modelType() {
        return model.config().family().modelType();
    }

    Outputs.Translation translate(Inputs.Translation input) {
        int source = languages.id("src_lang", input.srcLang());
        int target = languages.id("tgt_lang", input.tgtLang());
        int[] text = tokenizer.encode(input.text());
        int room = model.config().maxPositions() - 2;
        boolean truncated = text.length > room;
        long[] ids = sourceIds(truncated ? Arrays.copyOf(text, room) : text, source);
        int[] generated;
        try (PointerScope scope = new PointerScope()) {
            Tensor tokens = Tensors.fromLongs(ids, 1, ids.length);
            generated = new Seq2SeqGeneration(model, config.withForcedBosTokenId(target))
                    .generate(model.encode(tokens, null), null).getFirst();
        }
        return new Outputs.Translation(tokenizer.decode(generated, true), ids.length, truncated);
    }

    /** NllbTokenizer's special tokens around the text: the language code first, or last in the legacy layout. */
    private long[] sourceIds(int[] text, int language) {
        long[] ids = new long[text.length + 2];
        boolean legacy = languages.legacyLayout();
        int offset = legacy ? 0 : 1;
        for (int i = 0; i < text.length; i++) {
            ids[offset + i] = text[i];
        }
        int eos = model.config().eosTokenId();
        if (legacy) {
            ids[text.length] = eos;
            ids[text.length + 1] = language;
        } else {
            ids[0] = language;
            ids[text.length + 1] = eos;
        }
        return ids;
    }

    @Override
    public void close() {
        model.close();
        tokenizer.close();
    }
}

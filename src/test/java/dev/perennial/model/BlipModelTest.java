package dev.perennial.model;

import dev.perennial.UserError;
import dev.perennial.tensor.Safetensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * BLIP against tools/reference/blip.py, a float64 reference written from transformers' modeling_blip.py and
 * modeling_blip_text.py: tiny random BlipForConditionalGeneration, BlipForQuestionAnswering and
 * BlipForImageTextRetrieval folders under the real checkpoints' names, two random images.
 */
class BlipModelTest {

    static final Path CAPTION = Path.of("src/test/resources/reference/blip/caption");
    static final Path VQA = Path.of("src/test/resources/reference/blip/vqa");
    static final Path ITM = Path.of("src/test/resources/reference/blip/itm");

    @TempDir
    Path tmp;

    @Test
    void imageEmbedsAndCaptionLogitsMatchTheReference() {
        inBothPrecisions(CAPTION, (model, expected, dtype, tolerance) -> {
            Tensor image = model.imageEmbeds(expected.get("pixel_values"));
            assertThat(image.scalar_type().value).isEqualTo(dtype.value);
            assertClose("image_embeds", image, expected.get("image_embeds"), tolerance);
            Tensor ids = expected.get("decoder_input_ids").to(torch.ScalarType.Long);
            Tensor want = expected.get("logits");
            EncoderDecoder decoder = model.textDecoder();
            assertClose("logits", decoder.decode(ids, decoder.newCache(image, null, 1, 8)), want, tolerance);
            DecoderCache stepwise = decoder.newCache(image, null, 1, 8);
            for (int t = 0; t < ids.size(1); t++) {
                assertClose("logits at " + t, decoder.decode(ids.narrow(1, t, 1), stepwise), want.narrow(1, t, 1),
                        tolerance);
            }
        });
    }

    @Test
    void questionStatesMatchTheReference() {
        inBothPrecisions(VQA, (model, expected, dtype, tolerance) -> {
            Tensor image = model.imageEmbeds(expected.get("pixel_values"));
            assertClose("vqa image_embeds", image, expected.get("image_embeds"), tolerance);
            Tensor question = expected.get("question_ids").to(torch.ScalarType.Long);
            assertClose("question_embeds", model.questionEmbeds(question, null, image),
                    expected.get("question_embeds"), tolerance);
        });
    }

    @Test
    void matchProbabilityAndCosineSimilarityMatchTheReference() {
        inBothPrecisions(ITM, (model, expected, dtype, tolerance) -> {
            Tensor image = model.imageEmbeds(expected.get("pixel_values"));
            Tensor ids = expected.get("text_ids").to(torch.ScalarType.Long);
            Tensor mask = expected.get("text_mask").to(torch.ScalarType.Long);
            assertClose("itm probability", model.matchProbability(ids, mask, image),
                    expected.get("itm_probability"), tolerance);
            assertClose("cosine", model.cosineSimilarity(ids, mask, image), expected.get("cosine"), tolerance);
        });
    }

    /** What a check needs: the model in one precision, the reference's tensors, that precision and its tolerance. */
    interface Check {
        void run(BlipModel model, Map<String, Tensor> expected, torch.ScalarType dtype, double tolerance);
    }

    /** {@code check} on {@code dir} loaded in float32 (within 1e-5) and float64 (within 1e-9). */
    private static void inBothPrecisions(Path dir, Check check) {
        for (torch.ScalarType dtype : new torch.ScalarType[] {torch.ScalarType.Float, torch.ScalarType.Double}) {
            try (BlipModel model = BlipModel.load(dir, dtype); PointerScope scope = new PointerScope()) {
                check.run(model, expected(dir), dtype, dtype == torch.ScalarType.Float ? 1e-5 : 1e-9);
            }
        }
    }

    @Test
    void aHeadWithoutTheNeededPartSaysSo() {
        try (BlipModel model = BlipModel.load(ITM, torch.ScalarType.Float)) {
            assertThatThrownBy(model::textDecoder).hasMessageContaining("BlipForImageTextRetrieval has no text decoder");
        }
    }

    @Test
    void theDefaultMaxLengthAllowsTwentyTokensAfterThePromptWithinThePositions() throws IOException {
        BlipConfig config = BlipConfig.read(CAPTION);
        assertThat(config.maxLength(1)).isEqualTo(21);
        assertThat(config.maxLength(4)).isEqualTo(24);
        assertThat(config.maxLength(50)).isEqualTo(64);
        Files.writeString(tmp.resolve("config.json"), Files.readString(CAPTION.resolve("config.json"))
                .replace("\"max_length\": 20", "\"max_length\": 30"));
        assertThat(BlipConfig.read(tmp).maxLength(4)).isEqualTo(30);
    }

    @Test
    void anUnknownArchitectureIsRefusedNamingTheKey() throws IOException {
        String config = Files.readString(CAPTION.resolve("config.json")).replace("BlipForConditionalGeneration",
                "BlipModel");
        Files.writeString(tmp.resolve("config.json"), config);
        assertThatThrownBy(() -> BlipConfig.read(tmp)).isInstanceOf(UserError.class)
                .hasMessageContaining("config.json").hasMessageContaining("architectures names BlipModel");
    }

    @Test
    void aCheckpointOfAnotherHeadIsRefusedNamingTheMissingTensors() throws IOException {
        Files.copy(CAPTION.resolve("model.safetensors"), tmp.resolve("model.safetensors"));
        Files.copy(VQA.resolve("config.json"), tmp.resolve("config.json"));
        assertThatThrownBy(() -> BlipModel.load(tmp, torch.ScalarType.Float)).isInstanceOf(UserError.class)
                .hasMessageContaining("text_encoder.embeddings.word_embeddings.weight");
    }

    static Map<String, Tensor> expected(Path dir) {
        return Safetensors.read(dir.resolve("expected.safetensors"), torch.ScalarType.Double);
    }

    static void assertClose(String what, Tensor got, Tensor want, double tolerance) {
        assertThat(got.sizes().vec().get()).as(what + " shape").containsExactly(want.sizes().vec().get());
        double error = got.to(torch.ScalarType.Double).sub(want).abs().max().item_double();
        System.out.printf("BLIP %s (%s): max abs error %.3g%n", what, got.scalar_type(), error);
        assertThat(error).as(what + " max abs error").isLessThan(tolerance);
    }
}

package dev.perennial.model;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.UserError;
import dev.perennial.io.Json;
import dev.perennial.tensor.Safetensors;
import dev.perennial.tensor.Tensors;
import dev.perennial.tokenizer.HfTokenizer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * CLIP against tools/reference/clip.py, a float64 reference written from transformers' modeling_clip.py: the tiny
 * openai-style folder (eos_token_id 2: pooled at argmax of the ids, padded with eos) and the "-eos" folder (a real
 * eos_token_id with an added token above it, padded with id 0: pooled at the first eos, where argmax would not).
 */
class ClipModelTest {

    static final Path REF = Path.of("src/test/resources/reference/clip");
    static final Path REF_EOS = Path.of("src/test/resources/reference/clip-eos");

    @TempDir
    Path tmp;

    @Test
    void embeddingsLogitsAndProbabilitiesMatchTheReferenceInFloat32() {
        assertMatches(REF, torch.ScalarType.Float, 1e-5);
    }

    @Test
    void embeddingsLogitsAndProbabilitiesMatchTheReferenceInFloat64() {
        assertMatches(REF, torch.ScalarType.Double, 1e-10);
    }

    @Test
    void aRealEosTokenIdPoolsAtTheFirstEosNotAtTheLargestId() {
        assertMatches(REF_EOS, torch.ScalarType.Float, 1e-5);
        assertMatches(REF_EOS, torch.ScalarType.Double, 1e-10);
        try (ClipModel model = ClipModel.load(REF_EOS, torch.ScalarType.Double)) {
            assertThat(model.config().text().legacyEosPooling()).isFalse();
        }
    }

    private static void assertMatches(Path dir, torch.ScalarType dtype, double tolerance) {
        Map<String, Tensor> expected = Safetensors.read(dir.resolve("expected.safetensors"), torch.ScalarType.Double);
        try (ClipModel model = ClipModel.load(dir, dtype); PointerScope scope = new PointerScope()) {
            Tensor pixels = expected.get("pixel_values").to(dtype);
            Tensor ids = expected.get("input_ids").to(torch.ScalarType.Long);
            Tensor mask = expected.get("attention_mask").to(torch.ScalarType.Long);
            Tensor image = model.imageEmbeds(pixels);
            Tensor text = model.textEmbeds(ids, mask);
            Tensor logits = model.logitsPerImage(image, text);
            assertThat(image.scalar_type().value).isEqualTo(dtype.value);
            assertClose("image_embeds", image, expected.get("image_embeds"), tolerance);
            assertClose("text_embeds", text, expected.get("text_embeds"), tolerance);
            assertClose("logits_per_image", logits, expected.get("logits_per_image"), tolerance);
            assertClose("logits_per_text", logits.t(), expected.get("logits_per_text"), tolerance);
            assertClose("probs", logits.softmax(1), expected.get("probs"), tolerance);
            assertThat(model.logitScale()).isCloseTo(expected.get("logit_scale").item_double(),
                    org.assertj.core.api.Assertions.within(tolerance));
            // without a mask the padding (right of every eos) changes nothing the pooled rows see
            assertClose("text_embeds without a mask", model.textEmbeds(ids, null), expected.get("text_embeds"),
                    tolerance);
            // one row alone is what it is in the batch
            assertClose("one text", model.textEmbeds(ids.narrow(0, 1, 1), mask.narrow(0, 1, 1)),
                    expected.get("text_embeds").narrow(0, 1, 1), tolerance);
            assertClose("one image", model.imageEmbeds(pixels.narrow(0, 0, 1)),
                    expected.get("image_embeds").narrow(0, 0, 1), tolerance);
        } finally {
            expected.values().forEach(Tensor::close);
        }
    }

    private static void assertClose(String what, Tensor actual, Tensor expected, double tolerance) {
        assertThat(actual.sizes().vec().get()).as(what + " shape").containsExactly(expected.sizes().vec().get());
        double error = actual.to(torch.ScalarType.Double).sub(expected).abs().max().item_double();
        assertThat(error).as("%s: max abs error", what).isLessThanOrEqualTo(tolerance);
    }

    @Test
    void theTokenizerJsonGivesThePythonBpeIdsWithBosAndEos() throws Exception {
        assertThat(HfTokenizer.load(REF).vocabSize()).isEqualTo(572);
        List<String> texts = texts();
        Map<String, Tensor> expected = Safetensors.read(REF.resolve("expected.safetensors"), torch.ScalarType.Double);
        System.setProperty("ai.djl.offline", "true");
        try (HuggingFaceTokenizer full = HuggingFaceTokenizer.newInstance(REF.resolve("tokenizer.json"),
                Map.of("addSpecialTokens", "true", "truncation", "false", "padding", "false",
                        "modelMaxLength", "1000"));
             HuggingFaceTokenizer cut = HuggingFaceTokenizer.newInstance(REF.resolve("tokenizer.json"),
                     Map.of("addSpecialTokens", "true", "truncation", "true", "padding", "false",
                             "maxLength", "16"))) {
            for (int i = 0; i < texts.size(); i++) {
                long[] want = longs(expected.get("token_ids." + i));
                assertThat(full.encode(texts.get(i)).getIds()).as("ids of %s", texts.get(i)).containsExactly(want);
                Encoding truncated = cut.encode(texts.get(i));
                long[] row = longs(expected.get("input_ids").select(0, i));
                long[] rowMask = longs(expected.get("attention_mask").select(0, i));
                int length = (int) Arrays.stream(rowMask).sum();
                assertThat(truncated.getIds()).as("truncated ids of %s", texts.get(i))
                        .containsExactly(Arrays.copyOf(row, length));
            }
        } finally {
            expected.values().forEach(Tensor::close);
        }
    }

    /** The texts the reference tokenized, from expected.safetensors' metadata. */
    private static List<String> texts() throws Exception {
        return ExpectedFiles.metadataList(REF.resolve("expected.safetensors"), "texts");
    }

    private static long[] longs(Tensor t) {
        return ExpectedFiles.longs(t);
    }

    @Test
    void missingKeysTakeTransformersDefaultsAndAConfigDictOverridesItsConfig() throws Exception {
        ClipConfig base = ClipConfig.parse((ObjectNode) Json.MAPPER.readTree("{\"model_type\": \"clip\"}"), "c.json");
        assertThat(base.text()).isEqualTo(new ClipConfig.Text(49408, 512, 2048, 12, 8, 77, Activation.QUICK_GELU,
                1e-5, 49406, 49407, 1));
        assertThat(base.vision()).isEqualTo(new ClipConfig.Vision(768, 3072, 12, 12, 3, 224, 32,
                Activation.QUICK_GELU, 1e-5));
        assertThat(base.projectionDim()).isEqualTo(512);
        assertThat(base.imageSize()).isEqualTo(224);
        assertThat(base.textMaxPositions()).isEqualTo(77);
        // openai/clip-vit-large-patch14's layout: the *_config_dict (completed with defaults) wins
        ClipConfig large = ClipConfig.parse((ObjectNode) Json.MAPPER.readTree("""
                {"model_type": "clip", "projection_dim": 768,
                 "text_config": {"hidden_size": 512, "eos_token_id": 2, "num_hidden_layers": 12},
                 "text_config_dict": {"hidden_size": 768, "intermediate_size": 3072, "num_attention_heads": 12,
                                      "num_hidden_layers": 12},
                 "vision_config": {"hidden_size": 768, "patch_size": 32},
                 "vision_config_dict": {"hidden_size": 1024, "intermediate_size": 4096, "num_attention_heads": 16,
                                        "num_hidden_layers": 24, "patch_size": 14}}
                """), "c.json");
        assertThat(large.text().hiddenSize()).isEqualTo(768);
        assertThat(large.text().eosTokenId()).isEqualTo(49407);
        assertThat(large.vision().patchSize()).isEqualTo(14);
        assertThat(large.vision().positions()).isEqualTo(16 * 16 + 1);
        assertThat(ClipModel.shapes(large)).containsKey("vision_model.encoder.layers.23.mlp.fc2.weight")
                .doesNotContainKey("vision_model.encoder.layers.24.mlp.fc2.weight");
        assertThat(ClipModel.shapes(large).get("vision_model.embeddings.patch_embedding.weight"))
                .containsExactly(1024, 3, 14, 14);
    }

    @Test
    void anotherModelTypeIsRefusedNamingTheFileAndTheSupportedOne() throws Exception {
        Path dir = copy(REF);
        editConfig(dir, c -> c.put("model_type", "clip_vision_model"));
        assertThatThrownBy(() -> ClipModel.load(dir, torch.ScalarType.Float))
                .isInstanceOf(UserError.class)
                .hasMessage(dir.resolve("config.json") + ": model_type 'clip_vision_model' is not supported here; "
                        + "Perennial's CLIP reads model_type 'clip' (the whole CLIPModel; a lone clip_text_model or "
                        + "clip_vision_model is not supported)");
    }

    @Test
    void aBadConfigFieldIsRefusedNamingTheFileTheTowerAndTheKey() throws Exception {
        Path dir = copy(REF);
        editConfig(dir, c -> ((ObjectNode) c.get("vision_config")).put("num_attention_heads", 5));
        assertThatThrownBy(() -> ClipModel.load(dir, torch.ScalarType.Float))
                .isInstanceOf(UserError.class)
                .hasMessage(dir.resolve("config.json") + " (vision_config): hidden_size 48 is not a multiple of "
                        + "num_attention_heads 5");
        editConfig(dir, c -> ((ObjectNode) c.get("text_config")).put("hidden_act", "swiglu"));
        assertThatThrownBy(() -> ClipModel.load(dir, torch.ScalarType.Float))
                .isInstanceOf(UserError.class)
                .hasMessageStartingWith(dir.resolve("config.json") + " (text_config): hidden_act 'swiglu' is not "
                        + "supported");
        editConfig(dir, c -> ((ObjectNode) c.get("text_config")).put("max_position_embeddings", 0));
        assertThatThrownBy(() -> ClipModel.load(dir, torch.ScalarType.Float))
                .isInstanceOf(UserError.class)
                .hasMessage(dir.resolve("config.json") + " (text_config): max_position_embeddings is 0, not a whole "
                        + "number above 0");
    }

    @Test
    void aMissingTensorIsRefusedNamingIt() throws Exception {
        Path dir = copy(REF);
        Map<String, Tensor> tensors = Safetensors.read(REF.resolve("model.safetensors"), null);
        tensors.remove("vision_model.encoder.layers.1.self_attn.q_proj.bias").close();
        Safetensors.write(dir.resolve("model.safetensors"), tensors);
        tensors.values().forEach(Tensor::close);
        assertThatThrownBy(() -> ClipModel.load(dir, torch.ScalarType.Float))
                .isInstanceOf(UserError.class)
                .hasMessage(dir + ": tensor vision_model.encoder.layers.1.self_attn.q_proj.bias is missing");
    }

    @Test
    void aTensorOfTheWrongShapeIsRefusedNamingItAndBothShapes() throws Exception {
        Path dir = copy(REF);
        Map<String, Tensor> tensors = new LinkedHashMap<>(Safetensors.read(REF.resolve("model.safetensors"), null));
        tensors.put("text_projection.weight", torch.zeros(16, 33));
        // older checkpoints carry the position ids as buffers: those are accepted and ignored
        tensors.put("text_model.embeddings.position_ids", torch.arange(new org.bytedeco.pytorch.Scalar(16))
                .view(1, 16));
        Safetensors.write(dir.resolve("model.safetensors"), tensors);
        tensors.values().forEach(Tensor::close);
        assertThatThrownBy(() -> ClipModel.load(dir, torch.ScalarType.Float))
                .isInstanceOf(UserError.class)
                .hasMessage(dir + ": tensor text_projection.weight has shape [16, 33] but config.json implies [16, 32]");
    }

    @Test
    void inputsOfTheWrongShapeOrLengthAreRefusedBeforeCompute() {
        try (ClipModel model = ClipModel.load(REF, torch.ScalarType.Float); PointerScope scope = new PointerScope()) {
            assertThatThrownBy(() -> model.imageEmbeds(torch.zeros(1, 3, 224, 224)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("pixel values have shape [1, 3, 224, 224]; the model takes [batch, 3, 32, 32]");
            long[] ids = new long[17];
            assertThatThrownBy(() -> model.textEmbeds(Tensors.fromLongs(ids, 1, 17), null))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("17 tokens are more than the 16 positions of the text model "
                            + "(max_position_embeddings); truncate to 16");
            assertThatThrownBy(() -> model.textEmbeds(Tensors.fromLongs(new long[] {570, 572}, 1, 2), null))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("input ids range from 570 to 572; the text model's vocabulary has ids 0 to 571");
        }
    }

    private Path copy(Path from) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve(from.getFileName()));
        for (String name : List.of("config.json", "model.safetensors")) {
            Files.copy(from.resolve(name), dir.resolve(name));
        }
        return dir;
    }

    private static void editConfig(Path dir, java.util.function.Consumer<ObjectNode> edit) throws Exception {
        Path file = dir.resolve("config.json");
        ObjectNode config = (ObjectNode) Json.MAPPER.readTree(file.toFile());
        edit.accept(config);
        Files.writeString(file, Json.MAPPER.writeValueAsString(config));
    }
}

package dev.perennial.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.UserError;
import dev.perennial.io.Json;
import dev.perennial.tensor.Safetensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Whisper against tools/reference/whisper.py, a float64 reference written from transformers' modeling_whisper.py: a
 * tiny random WhisperForConditionalGeneration folder under the real checkpoint's names (proj_out tied, absent).
 */
class WhisperModelTest {

    static final Path REF = Path.of("src/test/resources/reference/whisper-model");

    @TempDir
    Path tmp;

    @Test
    void encoderOutputAndLogitsMatchTheReferenceInFloat32() {
        assertMatches(torch.ScalarType.Float, 1e-5);
    }

    @Test
    void encoderOutputAndLogitsMatchTheReferenceInFloat64() {
        assertMatches(torch.ScalarType.Double, 1e-10);
    }

    private static void assertMatches(torch.ScalarType dtype, double tolerance) {
        Map<String, Tensor> expected = Safetensors.read(REF.resolve("expected.safetensors"), torch.ScalarType.Double);
        try (WhisperModel model = WhisperModel.load(REF, dtype); PointerScope scope = new PointerScope()) {
            Tensor encoded = model.encode(expected.get("features").to(torch.ScalarType.Float));
            assertThat(encoded.scalar_type().value).isEqualTo(dtype.value);
            assertClose("encoder", encoded, expected.get("encoder"), tolerance);
            Tensor ids = expected.get("decoder_ids").to(torch.ScalarType.Long);
            Tensor want = expected.get("logits");
            // all tokens at once (causal self-attention over them), and one token per step through the cache
            DecoderCache whole = model.newCache(encoded, 1, 8);
            assertClose("logits", model.decode(ids, whole), want, tolerance);
            DecoderCache stepwise = model.newCache(encoded, 1, 8);
            for (int t = 0; t < ids.size(1); t++) {
                assertClose("logits at " + t, model.decode(ids.narrow(1, t, 1), stepwise), want.narrow(1, t, 1),
                        tolerance);
            }
            assertThat(stepwise.length()).isEqualTo((int) ids.size(1));
        }
    }

    @Test
    void reorderingMovesEachRowsSelfAttentionEntries() {
        Map<String, Tensor> expected = Safetensors.read(REF.resolve("expected.safetensors"), torch.ScalarType.Double);
        try (WhisperModel model = WhisperModel.load(REF, torch.ScalarType.Double);
             PointerScope scope = new PointerScope()) {
            Tensor encoded = model.encode(expected.get("features").narrow(0, 1, 1));
            Tensor ids = expected.get("decoder_ids").to(torch.ScalarType.Long);
            Tensor want = expected.get("logits").narrow(0, 1, 1);
            // two rows of one input: row 0 is fed the reference's second sequence, row 1 other tokens; after the
            // reorder {0, 0} both continue row 0's sequence and must give the reference's logits
            DecoderCache cache = model.newCache(encoded, 2, 8);
            Tensor prefix = torch.cat(new org.bytedeco.pytorch.TensorVector(ids.narrow(0, 1, 1).narrow(1, 0, 3),
                    ids.narrow(0, 0, 1).narrow(1, 0, 3)), 0);
            model.decode(prefix, cache);
            cache.reorder(new long[] {0, 0});
            Tensor next = ids.narrow(0, 1, 1).narrow(1, 3, 2).expand(2, 2).contiguous();
            Tensor logits = model.decode(next, cache);
            assertClose("row 0", logits.narrow(0, 0, 1), want.narrow(1, 3, 2), 1e-10);
            assertClose("row 1", logits.narrow(0, 1, 1), want.narrow(1, 3, 2), 1e-10);
        }
    }

    @Test
    void featuresOfAnotherLengthAreRefused() {
        try (WhisperModel model = WhisperModel.load(REF, torch.ScalarType.Float);
             PointerScope scope = new PointerScope()) {
            assertThatThrownBy(() -> model.encode(torch.zeros(1, 80, 199)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[batch, 80, 200]");
        }
    }

    @Test
    void theConfigIsReadAsTransformersWritesIt() {
        WhisperConfig c = WhisperConfig.read(REF);
        assertThat(c.dModel()).isEqualTo(24);
        assertThat(c.frames()).isEqualTo(200);
        assertThat(c.tieWordEmbeddings()).isTrue();
        assertThat(c.activation()).isEqualTo(Activation.GELU);
        assertThat(WhisperModel.shapes(c)).containsKeys("model.encoder.conv1.weight",
                "model.decoder.layers.0.encoder_attn.q_proj.weight", "model.encoder.embed_positions.weight")
                .doesNotContainKeys("proj_out.weight", "model.decoder.layers.0.self_attn.k_proj.bias");
    }

    @Test
    void aBadConfigKeyIsOneLineNamingFileAndKey() throws IOException {
        Path dir = copyOfReference();
        ObjectNode config = (ObjectNode) Json.MAPPER.readTree(dir.resolve("config.json").toFile());
        config.put("decoder_attention_heads", 5);
        Json.MAPPER.writeValue(dir.resolve("config.json").toFile(), config);
        assertThatThrownBy(() -> WhisperModel.load(dir, torch.ScalarType.Float)).isInstanceOf(UserError.class)
                .hasMessageContaining("config.json").hasMessageContaining("decoder_attention_heads 5");
        config.put("decoder_attention_heads", 4);
        config.put("activation_function", "swiglu");
        Json.MAPPER.writeValue(dir.resolve("config.json").toFile(), config);
        assertThatThrownBy(() -> WhisperConfig.read(dir)).isInstanceOf(UserError.class)
                .hasMessageContaining("activation_function 'swiglu'");
        config.put("activation_function", "gelu");
        config.put("model_type", "bart");
        Json.MAPPER.writeValue(dir.resolve("config.json").toFile(), config);
        assertThatThrownBy(() -> WhisperConfig.read(dir)).isInstanceOf(UserError.class)
                .hasMessageContaining("model_type is 'bart'");
    }

    @Test
    void aMissingTensorIsNamedAndAnUntiedHeadIsRequired() throws IOException {
        Path dir = copyOfReference();
        Map<String, Tensor> tensors = new LinkedHashMap<>(Safetensors.read(dir.resolve("model.safetensors"),
                torch.ScalarType.Float));
        tensors.remove("model.decoder.layers.1.encoder_attn.v_proj.bias");
        Safetensors.write(dir.resolve("model.safetensors"), tensors);
        assertThatThrownBy(() -> WhisperModel.load(dir, torch.ScalarType.Float)).isInstanceOf(UserError.class)
                .hasMessageContaining("model.decoder.layers.1.encoder_attn.v_proj.bias");

        Path untied = copyOfReference();
        ObjectNode config = (ObjectNode) Json.MAPPER.readTree(untied.resolve("config.json").toFile());
        config.put("tie_word_embeddings", false);
        Json.MAPPER.writeValue(untied.resolve("config.json").toFile(), config);
        assertThatThrownBy(() -> WhisperModel.load(untied, torch.ScalarType.Float)).isInstanceOf(UserError.class)
                .hasMessageContaining("proj_out.weight");
    }

    private Path copyOfReference() throws IOException {
        Path dir = Files.createTempDirectory(tmp, "whisper");
        for (String name : new String[] {"config.json", "model.safetensors"}) {
            Files.copy(REF.resolve(name), dir.resolve(name));
        }
        return dir;
    }

    static void assertClose(String what, Tensor actual, Tensor expected, double tolerance) {
        Tensor a = actual.to(torch.ScalarType.Double);
        assertThat(a.sizes().vec().get()).as(what + " shape").containsExactly(expected.sizes().vec().get());
        double err = a.sub(expected).abs().max().item_double();
        assertThat(err).as(what + " max abs error").isLessThanOrEqualTo(tolerance);
    }
}

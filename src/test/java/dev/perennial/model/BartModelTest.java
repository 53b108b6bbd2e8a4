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
 * BART against tools/reference/bart.py, a float64 reference written from transformers' modeling_bart.py: a tiny random
 * BartForConditionalGeneration folder under the real checkpoint's names, two padded inputs.
 */
class BartModelTest {

    static final Path REF = Path.of("src/test/resources/reference/bart");

    @TempDir
    Path tmp;

    @Test
    void encoderOutputAndLogitsMatchTheReferenceInFloat32() {
        assertMatches(torch.ScalarType.Float, 1e-5);
    }

    @Test
    void encoderOutputAndLogitsMatchTheReferenceInFloat64() {
        assertMatches(torch.ScalarType.Double, 1e-9);
    }

    private static void assertMatches(torch.ScalarType dtype, double tolerance) {
        Map<String, Tensor> expected = Safetensors.read(REF.resolve("expected.safetensors"), torch.ScalarType.Double);
        try (BartModel model = BartModel.load(REF, dtype); PointerScope scope = new PointerScope()) {
            Tensor ids = expected.get("input_ids").to(torch.ScalarType.Long);
            Tensor mask = expected.get("attention_mask").to(torch.ScalarType.Long);
            Tensor encoded = model.encode(ids, mask);
            // padded positions' encoder states are garbage in both; only real tokens count
            Tensor real = mask.unsqueeze(-1).to(dtype);
            assertClose("encoder", encoded.mul(real), expected.get("encoder_hidden_state").mul(real.to(
                    torch.ScalarType.Double)), tolerance);
            Tensor decoderIds = expected.get("decoder_input_ids").to(torch.ScalarType.Long);
            Tensor want = expected.get("logits");
            DecoderCache whole = model.newCache(encoded, mask, 1, 8);
            assertClose("logits", model.decode(decoderIds, whole), want, tolerance);
            DecoderCache stepwise = model.newCache(encoded, mask, 1, 8);
            for (int t = 0; t < decoderIds.size(1); t++) {
                assertClose("logits at " + t, model.decode(decoderIds.narrow(1, t, 1), stepwise),
                        want.narrow(1, t, 1), tolerance);
            }
        }
    }

    static void assertClose(String what, Tensor got, Tensor want, double tolerance) {
        assertThat(got.sizes().vec().get()).as(what + " shape").containsExactly(want.sizes().vec().get());
        double error = got.to(torch.ScalarType.Double).sub(want).abs().max().item_double();
        assertThat(error).as(what + " max abs error").isLessThan(tolerance);
    }

    @Test
    void aConfigOfMbartsPreLayerNormIsRefusedNamingTheKey() throws IOException {
        String config = Files.readString(REF.resolve("config.json")).replace("\"normalize_before\": false",
                "\"normalize_before\": true");
        Files.writeString(tmp.resolve("config.json"), config);
        assertThatThrownBy(() -> BartConfig.read(tmp)).isInstanceOf(UserError.class)
                .hasMessageContaining("config.json").hasMessageContaining("normalize_before");
    }

    @Test
    void inputsLongerThanThePositionsAreRefused() {
        try (BartModel model = BartModel.load(REF, torch.ScalarType.Float); PointerScope scope = new PointerScope()) {
            int max = model.config().maxPositions();
            Tensor ids = torch.ones(new long[] {1, max + 1}, new org.bytedeco.pytorch.TensorOptions(
                    torch.ScalarType.Long));
            assertThatThrownBy(() -> model.encode(ids, null)).hasMessageContaining("max_position_embeddings");
        }
    }
}

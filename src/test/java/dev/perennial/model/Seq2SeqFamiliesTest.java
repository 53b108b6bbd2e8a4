package dev.perennial.model;

import dev.perennial.tensor.Safetensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.Map;

import static dev.perennial.model.BartModelTest.assertClose;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pre-LN families that {@link BartModel} computes besides BART, against float64 references written from
 * transformers' modeling code: NLLB (tools/reference/m2m100.py: sinusoidal positions numbered around padding, relu,
 * no logits bias) and Blenderbot (tools/reference/blenderbot.py: learned positions without offset, gelu, a logits
 * bias). Tiny random folders under the real checkpoints' names, two inputs of which one is padded; every encoder
 * position is compared, padding included, since the positions of padding differ between the families.
 */
class Seq2SeqFamiliesTest {

    @ParameterizedTest
    @ValueSource(strings = {"nllb", "blenderbot"})
    void encoderOutputAndLogitsMatchTheReferenceInFloat32(String name) {
        assertMatches(Path.of("src/test/resources/reference", name), torch.ScalarType.Float, 1e-5);
    }

    @ParameterizedTest
    @ValueSource(strings = {"nllb", "blenderbot"})
    void encoderOutputAndLogitsMatchTheReferenceInFloat64(String name) {
        assertMatches(Path.of("src/test/resources/reference", name), torch.ScalarType.Double, 1e-9);
    }

    @ParameterizedTest
    @ValueSource(strings = {"nllb:m2m_100", "blenderbot:blenderbot"})
    void theFamilyIsReadFromModelType(String nameAndType) {
        String[] parts = nameAndType.split(":");
        BartConfig config = BartConfig.read(Path.of("src/test/resources/reference", parts[0]));
        assertThat(config.family().modelType()).isEqualTo(parts[1]);
    }

    private static void assertMatches(Path ref, torch.ScalarType dtype, double tolerance) {
        Map<String, Tensor> expected = Safetensors.read(ref.resolve("expected.safetensors"), torch.ScalarType.Double);
        try (BartModel model = BartModel.load(ref, dtype); PointerScope scope = new PointerScope()) {
            Tensor ids = expected.get("input_ids").to(torch.ScalarType.Long);
            Tensor mask = expected.get("attention_mask").to(torch.ScalarType.Long);
            assertThat(mask.min().item_long()).as("one input is padded").isEqualTo(0);
            Tensor encoded = model.encode(ids, mask);
            assertClose("encoder", encoded, expected.get("encoder_hidden_state"), tolerance);
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
}

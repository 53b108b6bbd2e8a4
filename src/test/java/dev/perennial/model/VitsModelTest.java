package dev.perennial.model;

import dev.perennial.UserError;
import dev.perennial.io.Json;
import dev.perennial.tensor.Safetensors;
import dev.perennial.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * VITS against tools/reference/vits.py, a float64 reference written from transformers' modeling_vits.py, given the
 * same noise: the stochastic duration predictor with weight_g/weight_v names ("vits"), and the deterministic one
 * with speaking_rate 1.5 and parametrizations.weight.original0/1 names ("vits-deterministic").
 */
class VitsModelTest {

    static final Path REF = Path.of("src/test/resources/reference/vits");
    static final Path REF_DETERMINISTIC = Path.of("src/test/resources/reference/vits-deterministic");

    @TempDir
    Path tmp;

    @Test
    void stochasticDurationsAndWaveformMatchTheReferenceInFloat32() {
        assertMatches(REF, torch.ScalarType.Float, 1e-4);
    }

    @Test
    void stochasticDurationsAndWaveformMatchTheReferenceInFloat64() {
        assertMatches(REF, torch.ScalarType.Double, 1e-10);
    }

    @Test
    void deterministicDurationsAndWaveformMatchTheReference() {
        assertMatches(REF_DETERMINISTIC, torch.ScalarType.Float, 1e-4);
        assertMatches(REF_DETERMINISTIC, torch.ScalarType.Double, 1e-10);
    }

    @Test
    void theSeededGeneratorDrawsWhatPyTorchDrawsAfterTheSameSeed() {
        Map<String, Tensor> expected = Safetensors.read(REF.resolve("expected.safetensors"), torch.ScalarType.Double);
        try (PointerScope scope = new PointerScope()) {
            VitsNoise noise = VitsNoise.seeded(555);
            Tensor shortDraw = noise.normal("duration", 1, 2, 5);
            Tensor longDraw = noise.normal("prior", 1, 8, 40);
            assertThat(shortDraw.scalar_type().value).isEqualTo(torch.ScalarType.Float.value);
            assertThat(Tensors.toFloats(shortDraw)).isEqualTo(Tensors.toFloats(expected.get("seeded_555_short")
                    .to(torch.ScalarType.Float)));
            assertThat(Tensors.toFloats(longDraw)).isEqualTo(Tensors.toFloats(expected.get("seeded_555_long")
                    .to(torch.ScalarType.Float)));
        }
    }

    @Test
    void aMultiSpeakerConfigIsRefusedNamingTheKey() throws IOException {
        var json = (com.fasterxml.jackson.databind.node.ObjectNode) Json.MAPPER.readTree(REF.resolve("config.json")
                .toFile());
        json.put("speaker_embedding_size", 16).put("num_speakers", 4);
        Files.writeString(tmp.resolve("config.json"), json.toString());
        assertThatThrownBy(() -> VitsConfig.read(tmp)).isInstanceOf(UserError.class)
                .hasMessageContaining("config.json: speaker_embedding_size is 16").hasMessageContaining("mms-tts-eng");
    }

    @Test
    void anUpsamplerKernelBelowItsRateIsRefusedNamingTheKey() throws IOException {
        var json = (com.fasterxml.jackson.databind.node.ObjectNode) Json.MAPPER.readTree(REF.resolve("config.json")
                .toFile());
        json.putArray("upsample_kernel_sizes").add(8).add(1);
        Files.writeString(tmp.resolve("config.json"), json.toString());
        assertThatThrownBy(() -> VitsConfig.read(tmp)).isInstanceOf(UserError.class)
                .hasMessageContaining("upsample_kernel_sizes[1] is 1, below upsample_rates[1] 2");
    }

    @Test
    void aCheckpointOfAnotherShapeIsRefusedNamingTheTensors() throws IOException {
        var json = (com.fasterxml.jackson.databind.node.ObjectNode) Json.MAPPER.readTree(REF.resolve("config.json")
                .toFile());
        json.put("prior_encoder_num_wavenet_layers", 4);
        Files.writeString(tmp.resolve("config.json"), json.toString());
        Files.copy(REF.resolve("model.safetensors"), tmp.resolve("model.safetensors"));
        assertThatThrownBy(() -> VitsModel.load(tmp, torch.ScalarType.Float)).isInstanceOf(UserError.class)
                .hasMessageContaining("flow.flows.0.wavenet.in_layers.3.weight_g");
    }

    static void assertMatches(Path dir, torch.ScalarType dtype, double tolerance) {
        Map<String, Tensor> expected = Safetensors.read(dir.resolve("expected.safetensors"), torch.ScalarType.Double);
        try (VitsModel model = VitsModel.load(dir, dtype); PointerScope scope = new PointerScope()) {
            Tensor ids = expected.get("input_ids").to(torch.ScalarType.Long);
            VitsNoise fromReference = (what, shape) -> {
                Tensor t = expected.get(what + "_noise");
                assertThat(t.sizes().vec().get()).as(what + " noise shape").isEqualTo(shape);
                return t;
            };
            VitsModel.Speech speech = model.synthesize(ids, 1 / model.config().speakingRate(), fromReference);
            float[] reference = Tensors.toFloats(expected.get("durations").to(torch.ScalarType.Float));
            long[] durations = new long[reference.length];
            Arrays.setAll(durations, i -> (long) reference[i]);
            assertThat(speech.durations()).isEqualTo(durations);
            assertThat(speech.waveform().scalar_type().value).isEqualTo(dtype.value);
            assertClose("spectrogram", speech.spectrogram(), expected.get("spectrogram"), tolerance);
            assertClose("waveform", speech.waveform(), expected.get("waveform"), tolerance);
        }
    }

    static void assertClose(String what, Tensor actual, Tensor expected, double tolerance) {
        assertThat(actual.sizes().vec().get()).as(what + " shape").isEqualTo(expected.sizes().vec().get());
        double error = actual.to(torch.ScalarType.Double).sub(expected).abs().max().item_double();
        System.out.printf("VitsModelTest: %s (%s) max abs error %.3e%n", what, actual.scalar_type(), error);
        assertThat(error).as(what + " max abs error").isLessThan(tolerance);
    }
}

package dev.perennial.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.audio.TestSignals;
import dev.perennial.audio.Waveform;
import dev.perennial.tensor.Safetensors;
import dev.perennial.tensor.Tensors;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The tiny CLAP folder of tools/reference/clap.py and the zero-shot recording and labels its pipeline scored. */
public final class ClapReference {

    public static final Path DIR = Path.of("src/test/resources/reference/clap-model");
    public static final List<String> LABELS = List.of("a dog", "rain", "a car engine", "birds");

    private ClapReference() {
    }

    /** clap_features.signal(33600, 5) at 48 kHz: the 0.7 s recording the reference scored. */
    public static Waveform recording() {
        return new Waveform(TestSignals.signal(33_600, 5), 48_000);
    }

    /** {@link #recording()} as a 16-bit WAV file (its samples are exact in 16 bits). */
    public static byte[] wav() {
        return TestSignals.wav16(recording().samples(), 48_000);
    }

    /** The reference's score of each label in order. */
    public static float[] scores() {
        return scores(DIR);
    }

    /** The pipeline scores of the reference folder {@code dir} (the unfused one, or the fused one). */
    public static float[] scores(Path dir) {
        Map<String, Tensor> expected = Safetensors.read(dir.resolve("expected.safetensors"), torch.ScalarType.Double);
        try {
            return Tensors.toFloats(expected.get("pipeline_scores").to(torch.ScalarType.Float));
        } finally {
            expected.values().forEach(Tensor::close);
        }
    }

    /** A result's JSON "labels" (every label of {@link #LABELS}, best first) against the reference, within 1e-5. */
    public static void assertScores(JsonNode labels) {
        float[] scores = scores();
        assertThat(labels).hasSize(LABELS.size());
        for (int i = 0; i < labels.size(); i++) {
            JsonNode l = labels.get(i);
            assertThat(l.path("score").asDouble()).isCloseTo(scores[LABELS.indexOf(l.path("label").asText())],
                    within(1e-5));
            if (i > 0) {
                assertThat(l.path("score").asDouble()).isLessThanOrEqualTo(labels.get(i - 1).path("score").asDouble());
            }
        }
    }
}

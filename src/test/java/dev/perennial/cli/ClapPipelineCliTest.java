package dev.perennial.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.audio.TestSignals;
import dev.perennial.io.Json;
import dev.perennial.tensor.Safetensors;
import dev.perennial.tensor.Tensors;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** {@code perennial pipeline zero-shot-audio-classification} on the tiny CLAP reference folder. */
class ClapPipelineCliTest {

    static final Path CLAP = Path.of("src/test/resources/reference/clap-model");
    static final List<String> LABELS = List.of("a dog", "rain", "a car engine", "birds");

    @TempDir
    Path dir;

    /** The reference's pipeline recording as a 16-bit WAV file (its samples are exact in 16 bits). */
    private Path recording() throws Exception {
        return Files.write(dir.resolve("clip.wav"), TestSignals.wav16(TestSignals.signal(33_600, 5), 48_000));
    }

    @Test
    void anAudioFileGetsTheReferenceScoresBestFirst() throws Exception {
        Path wav = recording();
        CliTest.Result r = CliTest.run("pipeline", "zero-shot-audio-classification", "--model", CLAP.toString(),
                "--audio", wav.toString(), "--labels", String.join(",", LABELS), "--format", "json");
        assertThat(r.code()).as(r.err()).isZero();
        assertMatchesReference(Json.MAPPER.readTree(r.out()).path("labels"));

        Files.writeString(dir.resolve("inputs.jsonl"), "{\"audio\": \"clip.wav\", \"candidate_labels\": "
                + Json.MAPPER.writeValueAsString(LABELS) + "}\n");
        CliTest.Result file = CliTest.run("pipeline", "zero-shot-audio-classification", "--model", CLAP.toString(),
                "--input", dir.resolve("inputs.jsonl").toString());
        assertThat(file.code()).as(file.err()).isZero();
        assertMatchesReference(Json.MAPPER.readTree(file.out()).path("labels"));

        CliTest.Result text = CliTest.run("pipeline", "zero-shot-audio-classification", "--model", CLAP.toString(),
                "--audio", wav.toString(), "--labels", "a dog,rain");
        assertThat(text.out().lines().toList()).hasSize(2).allMatch(l -> l.matches("0\\.\\d{4}  .+"));
    }

    private static void assertMatchesReference(JsonNode labels) {
        Map<String, Tensor> expected = Safetensors.read(CLAP.resolve("expected.safetensors"), torch.ScalarType.Double);
        try {
            float[] scores = Tensors.toFloats(expected.get("pipeline_scores").to(torch.ScalarType.Float));
            assertThat(labels).hasSize(LABELS.size());
            for (int i = 0; i < labels.size(); i++) {
                JsonNode l = labels.get(i);
                assertThat(l.path("score").asDouble()).isCloseTo(scores[LABELS.indexOf(l.path("label").asText())],
                        within(1e-5));
                if (i > 0) {
                    assertThat(l.path("score").asDouble()).isLessThanOrEqualTo(labels.get(i - 1).path("score")
                            .asDouble());
                }
            }
        } finally {
            expected.values().forEach(Tensor::close);
        }
    }

    @Test
    void aMissingOrUnreadableAudioFileIsOneLineNamingIt() throws Exception {
        Path missing = dir.resolve("missing.wav");
        CliTest.Result r = CliTest.run("pipeline", "zero-shot-audio-classification", "--model", CLAP.toString(),
                "--audio", missing.toString(), "--labels", "a,b");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains(missing + ": no such audio file");
        Path empty = Files.write(dir.resolve("empty.wav"), new byte[0]);
        CliTest.Result e = CliTest.run("pipeline", "zero-shot-audio-classification", "--model", CLAP.toString(),
                "--audio", empty.toString(), "--labels", "a,b");
        assertThat(e.code()).isEqualTo(2);
        assertThat(e.err()).contains(empty + ": the audio file is empty");
        CliTest.Result noAudio = CliTest.run("pipeline", "zero-shot-audio-classification", "--model",
                CLAP.toString(), "--labels", "a,b");
        assertThat(noAudio.code()).isEqualTo(2);
        assertThat(noAudio.err()).contains("zero-shot-audio-classification needs --audio FILE and --labels A,B,…, "
                + "or --input");
    }
}

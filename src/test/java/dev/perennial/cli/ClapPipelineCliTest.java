package dev.perennial.cli;

import dev.perennial.io.Json;
import dev.perennial.pipeline.ClapReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code perennial pipeline zero-shot-audio-classification} on the tiny CLAP reference folder. */
class ClapPipelineCliTest {

    static final Path CLAP = ClapReference.DIR;
    static final List<String> LABELS = ClapReference.LABELS;

    @TempDir
    Path dir;

    private Path recording() throws Exception {
        return Files.write(dir.resolve("clip.wav"), ClapReference.wav());
    }

    @Test
    void anAudioFileGetsTheReferenceScoresBestFirst() throws Exception {
        Path wav = recording();
        CliTest.Result r = CliTest.run("pipeline", "zero-shot-audio-classification", "--model", CLAP.toString(),
                "--audio", wav.toString(), "--labels", String.join(",", LABELS), "--format", "json");
        assertThat(r.code()).as(r.err()).isZero();
        ClapReference.assertScores(Json.MAPPER.readTree(r.out()).path("labels"));

        Files.writeString(dir.resolve("inputs.jsonl"), "{\"audio\": \"clip.wav\", \"candidate_labels\": "
                + Json.MAPPER.writeValueAsString(LABELS) + "}\n");
        CliTest.Result file = CliTest.run("pipeline", "zero-shot-audio-classification", "--model", CLAP.toString(),
                "--input", dir.resolve("inputs.jsonl").toString());
        assertThat(file.code()).as(file.err()).isZero();
        ClapReference.assertScores(Json.MAPPER.readTree(file.out()).path("labels"));

        CliTest.Result text = CliTest.run("pipeline", "zero-shot-audio-classification", "--model", CLAP.toString(),
                "--audio", wav.toString(), "--labels", "a dog,rain");
        assertThat(text.out().lines().toList()).hasSize(2).allMatch(l -> l.matches("0\\.\\d{4}  .+"));
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

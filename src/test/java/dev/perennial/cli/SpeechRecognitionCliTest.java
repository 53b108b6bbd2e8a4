package dev.perennial.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.audio.WavWriter;
import dev.perennial.audio.Waveform;
import dev.perennial.io.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code perennial pipeline automatic-speech-recognition} on the tiny random Whisper: every output format. */
class SpeechRecognitionCliTest {

    static final String MODEL = Path.of("src/test/resources/reference/whisper-model").toString();
    static final double SECONDS = 9;
    private static final Pattern SRT_TIME = Pattern.compile(
            "(\\d\\d):(\\d\\d):(\\d\\d)[,.](\\d\\d\\d) --> (\\d\\d):(\\d\\d):(\\d\\d)[,.](\\d\\d\\d)");

    @TempDir
    Path dir;

    private Path recording() {
        int rate = 22_050;
        float[] samples = new float[(int) (SECONDS * rate)];
        for (int i = 0; i < samples.length; i++) {
            double t = i / (double) rate;
            samples[i] = (float) (0.4 * Math.sin(2 * Math.PI * (200 + 50 * t) * t));
        }
        Path file = dir.resolve("talk.wav");
        WavWriter.write(file, new Waveform(samples, rate));
        return file;
    }

    private CliTest.Result asr(String... more) {
        List<String> args = new ArrayList<>(List.of("pipeline", "automatic-speech-recognition", "--model", MODEL));
        args.addAll(List.of(more));
        return CliTest.run(args.toArray(String[]::new));
    }

    @Test
    void srtVttAndJsonFilesAreWrittenAndReadBack() throws Exception {
        Path wav = recording();
        CliTest.Result json = asr("--audio", wav.toString(), "--timestamps", "--format", "json",
                "--out", dir.resolve("talk.json").toString());
        assertThat(json.code()).as(json.err()).isZero();
        JsonNode printed = Json.MAPPER.readTree(json.out());
        assertThat(Json.MAPPER.readTree(dir.resolve("talk.json").toFile())).isEqualTo(printed);
        assertThat(printed.path("chunks").isArray()).isTrue();
        StringBuilder joined = new StringBuilder();
        double latest = 0;
        for (JsonNode chunk : printed.path("chunks")) {
            joined.append(chunk.path("text").asText());
            assertThat(chunk.path("timestamp")).hasSize(2);
            for (JsonNode time : chunk.path("timestamp")) {
                latest = Math.max(latest, time.asDouble());
            }
        }
        assertThat(printed.path("text").asText()).isEqualTo(joined.toString());

        assertThat(asr("--audio", wav.toString(), "--timestamps", "--out", dir.resolve("talk.srt").toString()).code())
                .isZero();
        assertCues(Files.readString(dir.resolve("talk.srt")), true, latest);
        assertThat(asr("--audio", wav.toString(), "--timestamps", "--out", dir.resolve("talk.vtt").toString()).code())
                .isZero();
        String vtt = Files.readString(dir.resolve("talk.vtt"));
        assertThat(vtt).startsWith("WEBVTT");
        assertCues(vtt, false, latest);

        CliTest.Result text = asr("--audio", wav.toString(), "--timestamps", "--out", dir.resolve("talk.txt").toString());
        assertThat(text.code()).as(text.err()).isZero();
        List<String> lines = text.out().lines().toList();
        assertThat(lines.subList(1, lines.size())).hasSize(printed.path("chunks").size())
                .allMatch(l -> l.matches("\\[(\\d+\\.\\d\\d|\\?) → (\\d+\\.\\d\\d|\\?)\\] .*"));
        assertThat(lines.getFirst()).isEqualTo(printed.path("text").asText().strip());
        assertThat(Files.readString(dir.resolve("talk.txt")).strip()).isEqualTo(printed.path("text").asText().strip());
    }

    /**
     * SRT or WebVTT cues: numbered from 1 in SRT, each ending after it starts, in order, none past the transcript's
     * latest time (not the audio's end: this random model stamps past it, as it does in transformers' own pipeline).
     */
    private static void assertCues(String file, boolean numbered, double latest) {
        Matcher m = SRT_TIME.matcher(file);
        double last = 0;
        int cues = 0;
        while (m.find()) {
            double start = time(m, 1);
            double end = time(m, 5);
            assertThat(start).isGreaterThanOrEqualTo(last);
            assertThat(end).isGreaterThanOrEqualTo(start).isLessThanOrEqualTo(latest);
            last = end;
            cues++;
            if (numbered) {
                String before = file.substring(0, m.start()).stripTrailing();
                assertThat(before.substring(before.lastIndexOf('\n') + 1)).isEqualTo(Integer.toString(cues));
            }
        }
        assertThat(cues).isPositive();
    }

    private static double time(Matcher m, int group) {
        return Integer.parseInt(m.group(group)) * 3600 + Integer.parseInt(m.group(group + 1)) * 60
                + Integer.parseInt(m.group(group + 2)) + Integer.parseInt(m.group(group + 3)) / 1000.0;
    }

    @Test
    void jsonlInputsGiveOneLineEachAndMistakesAreOneLine() throws Exception {
        recording();
        Files.writeString(dir.resolve("in.jsonl"), "{\"audio\": \"talk.wav\"}\n"
                + "{\"audio\": \"talk.wav\", \"return_timestamps\": true, \"chunk_length_s\": 1.5}\n");
        CliTest.Result r = asr("--input", dir.resolve("in.jsonl").toString());
        assertThat(r.code()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(Json.MAPPER.readTree(lines.get(0)).has("chunks")).isFalse();
        assertThat(Json.MAPPER.readTree(lines.get(1)).has("chunks")).isTrue();

        CliTest.Result badOut = asr("--audio", dir.resolve("talk.wav").toString(), "--out",
                dir.resolve("talk.doc").toString());
        assertThat(badOut.code()).isEqualTo(2);
        assertThat(badOut.err()).contains("talk.doc: cannot tell the transcript format");
        assertThat(Files.exists(dir.resolve("talk.doc"))).isFalse();
        CliTest.Result english = asr("--audio", dir.resolve("talk.wav").toString(), "--language", "german");
        assertThat(english.code()).isEqualTo(2);
        assertThat(english.err()).contains("English-only");
        CliTest.Result noAudio = asr();
        assertThat(noAudio.code()).isEqualTo(2);
        assertThat(noAudio.err()).contains("automatic-speech-recognition needs --audio FILE, or --input");
    }
}

package dev.perennial.serve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.audio.WavWriter;
import dev.perennial.audio.Waveform;
import dev.perennial.io.Json;
import dev.perennial.pipeline.Inputs;
import dev.perennial.pipeline.Pipeline;
import dev.perennial.pipeline.Task;
import dev.perennial.speech.TranscriptFormat;
import dev.perennial.speech.Transcription;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Speech recognition over HTTP on the tiny random Whisper: OpenAI's POST /v1/audio/transcriptions through the
 * official openai npm client, and POST /api/pipeline/automatic-speech-recognition; answers are compared with the same
 * pipeline run in process.
 */
class TranscriptionApiTest {

    @TempDir
    static Path models;

    @TempDir
    static Path files;

    static WebServer server;
    static Path wav;

    @BeforeAll
    static void start() throws IOException {
        PipelineApiTest.copy(Path.of("src/test/resources/reference/whisper-model"), models.resolve("whisper"));
        PipelineApiTest.copy(Path.of("src/test/resources/reference/vits"), models.resolve("vits"));
        float[] samples = new float[9 * 22_050];
        for (int i = 0; i < samples.length; i++) {
            double t = i / 22_050.0;
            samples[i] = (float) (0.4 * Math.sin(2 * Math.PI * (200 + 50 * t) * t));
        }
        wav = files.resolve("talk.wav");
        WavWriter.write(wav, new Waveform(samples, 22_050));
        server = WebServer.start(new ServeOptions(List.of(), List.of(models), "127.0.0.1", 0, null,
                ServeOptions.Limits.defaults()));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** JSON equality with numbers compared by value (JavaScript writes 5.0 as 5). */
    static final java.util.Comparator<JsonNode> NUMBERS = (a, b) -> a.isNumber() && b.isNumber()
            ? Double.compare(a.doubleValue(), b.doubleValue()) : a.equals(b) ? 0 : 1;

    /** The pipeline's transcript of the recording; {@code beams} 0 for the pipeline's default, 1 for greedy. */
    static Transcription local(boolean timestamps, int beams) {
        try (var asr = Pipeline.forTask(Task.AUTOMATIC_SPEECH_RECOGNITION, models.resolve("whisper").toString())) {
            return asr.run(new Inputs.Recording(Inputs.Recording.of(wav, timestamps).audio(), timestamps, null, null,
                    0, beams));
        }
    }

    @Test
    void theOpenAiClientGetsEveryResponseFormat() throws Exception {
        Path dir = NodeClient.OPENAI.installed();
        Files.writeString(dir.resolve("transcribe.mjs"), """
                import fs from "node:fs";
                import OpenAI, { toFile } from "openai";
                const client = new OpenAI({ baseURL: process.env.BASE_URL, apiKey: "unused", maxRetries: 0 });
                const file = () => toFile(fs.readFileSync(process.env.WAV), "talk.wav");
                const out = {};
                for (const format of ["json", "text", "srt", "vtt", "verbose_json"]) {
                    out[format] = await client.audio.transcriptions.create({ file: await file(), model: "whisper",
                        response_format: format, timestamp_granularities: format === "verbose_json" ? ["segment"]
                        : undefined, temperature: 0 });
                }
                out.errors = [];
                for (const extra of [{ model: "vits" }, { timestamp_granularities: ["word"] }, { temperature: 0.7 },
                                     { language: "de" }]) {
                    try {
                        await client.audio.transcriptions.create({ file: await file(), model: "whisper", ...extra });
                        out.errors.push(null);
                    } catch (e) {
                        out.errors.push({ status: e.status, param: e.param, message: e.message });
                    }
                }
                console.log(JSON.stringify(out));
                """);
        JsonNode out = Json.MAPPER.readTree(NodeClient.run(dir, "transcribe.mjs", server.url() + "v1",
                "WAV", wav.toString()));
        Transcription plain = local(false, 1);  // greedy, as the OpenAI API decodes at temperature 0
        Transcription timed = local(true, 1);
        assertThat(out.path("json")).isEqualTo(Json.MAPPER.readTree(plain.render(TranscriptFormat.JSON)));
        assertThat(out.path("text").asText()).isEqualTo(plain.render(TranscriptFormat.TEXT));
        assertThat(out.path("srt").asText()).isEqualTo(timed.render(TranscriptFormat.SRT)).contains(" --> ");
        assertThat(out.path("vtt").asText()).isEqualTo(timed.render(TranscriptFormat.VTT)).startsWith("WEBVTT");
        JsonNode verbose = out.path("verbose_json");
        assertThat(verbose.equals(NUMBERS, Json.MAPPER.readTree(timed.render(TranscriptFormat.VERBOSE_JSON))))
                .as(verbose.toString()).isTrue();
        assertThat(verbose.path("segments")).isNotEmpty();
        assertThat(verbose.path("duration").asDouble()).isEqualTo(9.0);
        assertThat(verbose.path("language").asText()).isEqualTo("english");

        JsonNode errors = out.path("errors");
        assertThat(errors.get(0).path("status").asInt()).isEqualTo(400);
        assertThat(errors.get(0).path("param").asText()).isEqualTo("model");
        assertThat(errors.get(1).path("param").asText()).isEqualTo("timestamp_granularities");
        assertThat(errors.get(1).path("message").asText()).contains("only segment timestamps");
        assertThat(errors.get(2).path("param").asText()).isEqualTo("temperature");
        assertThat(errors.get(3).path("status").asInt()).isEqualTo(400);
        assertThat(errors.get(3).path("param").asText()).isEqualTo("language");
        assertThat(errors.get(3).path("message").asText()).contains("English-only");
    }

    @Test
    void theTaskEndpointTakesAFormOrBase64Json() throws Exception {
        JsonNode expected = Json.MAPPER.readTree(local(true, 0).render(TranscriptFormat.PIPELINE));
        HttpResponse<String> form = PipelineApiTest.multipart(server, "/api/pipeline/automatic-speech-recognition",
                PipelineApiTest.fields("model", "whisper", "return_timestamps", "true"), Files.readAllBytes(wav),
                "audio");
        assertThat(form.statusCode()).as(form.body()).isEqualTo(200);
        assertThat(Json.MAPPER.readTree(form.body()).path("results").get(0)).isEqualTo(expected);
        String body = "{\"model\": \"whisper\", \"inputs\": {\"audio\": \""
                + Base64.getEncoder().encodeToString(Files.readAllBytes(wav)) + "\", \"return_timestamps\": true}}";
        HttpResponse<String> json = ServeApiTest.post(server, "/api/pipeline/automatic-speech-recognition", body);
        assertThat(json.statusCode()).as(json.body()).isEqualTo(200);
        assertThat(Json.MAPPER.readTree(json.body()).path("results").get(0)).isEqualTo(expected);
    }

    @Test
    void badFormsAreOpenAiErrorsNamingTheField() throws Exception {
        String path = "/v1/audio/transcriptions";
        byte[] audio = Files.readAllBytes(wav);
        PipelineApiTest.refused(PipelineApiTest.multipart(server, path, PipelineApiTest.fields("model", "whisper"),
                null, "file"), 400, "file", "'file' is missing");
        PipelineApiTest.refused(PipelineApiTest.multipart(server, path, PipelineApiTest.fields("model", "whisper",
                "response_format", "xml"), audio, "file"), 400, "response_format", "json, text, srt, vtt, verbose_json");
        PipelineApiTest.refused(PipelineApiTest.multipart(server, path, PipelineApiTest.fields("model", "whisper",
                "prompt", "hello"), audio, "file"), 400, "prompt", "unknown form field 'prompt'");
        PipelineApiTest.refused(PipelineApiTest.multipart(server, path, PipelineApiTest.fields("model", "nope"),
                audio, "file"), 404, "model");
        PipelineApiTest.refused(PipelineApiTest.multipart(server, path, PipelineApiTest.fields("model", "whisper"),
                "not audio at all".getBytes(), "file"), 400, "file");
        PipelineApiTest.refused(ServeApiTest.post(server, path, "{\"model\": \"whisper\"}"), 400, null,
                "multipart form");
    }
}

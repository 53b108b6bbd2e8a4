package dev.perennial.serve;

import dev.perennial.audio.WavReader;
import dev.perennial.audio.WavWriter;
import dev.perennial.pipeline.Inputs;
import dev.perennial.pipeline.Outputs;
import dev.perennial.pipeline.Pipeline;
import dev.perennial.pipeline.Task;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** OpenAI's POST /v1/audio/speech over real HTTP on the tiny reference VITS. */
class SpeechApiTest {

    @TempDir
    static Path models;

    static WebServer server;

    @BeforeAll
    static void start() throws IOException {
        PipelineApiTest.copy(Path.of("src/test/resources/reference/vits"), models.resolve("vits"));
        server = WebServer.start(new ServeOptions(List.of(), List.of(models), "127.0.0.1", 0, null,
                ServeOptions.Limits.defaults()));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static HttpResponse<byte[]> speech(String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(server.url() + "v1/audio/speech"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return ServeApiTest.HTTP.send(request, HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void wavAndPcmAnswersHoldThePipelinesSpeech() throws Exception {
        Outputs.Speech local;
        try (var tts = Pipeline.forTask(Task.TEXT_TO_SPEECH, models.resolve("vits").toString())) {
            local = tts.run(new Inputs.Speech("Hello there.", 2, 555));
        }
        HttpResponse<byte[]> wav = speech("{\"model\": \"vits\", \"input\": \"Hello there.\", \"voice\": \"alloy\", "
                + "\"speed\": 2}");
        assertThat(wav.statusCode()).as(new String(wav.body())).isEqualTo(200);
        assertThat(wav.headers().firstValue("Content-Type").orElse("")).startsWith("audio/wav");
        assertThat(WavReader.header(wav.body(), "answer").rate()).isEqualTo(16000);
        assertThat(wav.body()).isEqualTo(WavWriter.wav(new dev.perennial.audio.Waveform(local.waveform(), 16000)));
        HttpResponse<byte[]> pcm = speech("{\"model\": \"vits\", \"input\": \"Hello there.\", \"speed\": 2, "
                + "\"response_format\": \"pcm\"}");
        assertThat(pcm.statusCode()).isEqualTo(200);
        assertThat(pcm.headers().firstValue("Content-Type").orElse("")).startsWith("audio/pcm");
        assertThat(pcm.headers().firstValue("X-Sampling-Rate")).contains("16000");
        assertThat(pcm.body()).isEqualTo(WavWriter.pcm16(local.waveform()));
    }

    @Test
    void refusalsAreOpenAiErrorsNamingTheField() throws Exception {
        PipelineApiTest.refused(ServeApiTest.post(server, "/v1/audio/speech", "{\"model\": \"vits\", \"input\": \"hi\", "
                + "\"response_format\": \"mp3\"}"), 400, "response_format", "\"wav\"");
        PipelineApiTest.refused(ServeApiTest.post(server, "/v1/audio/speech", "{\"model\": \"vits\", \"input\": \"hi\", "
                + "\"speed\": 9}"), 400, "speed", "0.25 to 4.0");
        PipelineApiTest.refused(ServeApiTest.post(server, "/v1/audio/speech", "{\"model\": \"vits\"}"), 400, "input");
        PipelineApiTest.refused(ServeApiTest.post(server, "/v1/audio/speech", "{\"model\": \"vits\", \"input\": "
                + "\"¿¡\"}"), 400, "input", "no character the model reads");
        PipelineApiTest.refused(ServeApiTest.post(server, "/v1/audio/speech", "{\"model\": \"nope\", \"input\": "
                + "\"hi\"}"), 404, "model");
    }
}

package dev.perennial.serve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.audio.TestSignals;
import dev.perennial.pipeline.ClapReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

import static dev.perennial.serve.PipelineApiTest.fields;
import static dev.perennial.serve.PipelineApiTest.multipart;
import static dev.perennial.serve.PipelineApiTest.refused;
import static dev.perennial.serve.ServeApiTest.JSON;
import static dev.perennial.serve.ServeApiTest.get;
import static dev.perennial.serve.ServeApiTest.json;
import static dev.perennial.serve.ServeApiTest.post;
import static org.assertj.core.api.Assertions.assertThat;

/** POST /api/pipeline/zero-shot-audio-classification on the tiny CLAP of tools/reference/clap.py. */
class ClapServeTest {

    static final Path CLAP = ClapReference.DIR;
    static final List<String> LABELS = ClapReference.LABELS;

    @TempDir
    static Path models;

    static WebServer server;

    @BeforeAll
    static void start() throws Exception {
        PipelineApiTest.copy(CLAP, models.resolve("clap"));
        ServeOptions.Limits limits = new ServeOptions.Limits(4 << 20, 1024, 4, 32, 2);
        server = WebServer.start(new ServeOptions(List.of(), List.of(models), "127.0.0.1", 0, null, limits));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void theModelIsListedWithTheAudioTask() throws Exception {
        for (JsonNode m : json(get(server, "/v1/models")).path("data")) {
            if (m.path("id").asText().equals("clap")) {
                assertThat(JSON.convertValue(m.path("tasks"), List.class))
                        .containsExactly("zero-shot-audio-classification");
                return;
            }
        }
        throw new AssertionError("clap is not listed by /v1/models");
    }

    @Test
    void base64JsonAndAMultipartUploadGetTheReferenceScores() throws Exception {
        String audio = Base64.getEncoder().encodeToString(ClapReference.wav());
        String input = "{\"audio\": \"" + audio + "\", \"candidate_labels\": " + JSON.writeValueAsString(LABELS) + "}";
        HttpResponse<String> response = post(server, "/api/pipeline/zero-shot-audio-classification",
                "{\"model\": \"clap\", \"inputs\": [" + input + ", " + input.replace(audio, "data:audio/wav;base64,"
                        + audio) + "]}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode results = json(response).path("results");
        assertThat(results).hasSize(2);
        ClapReference.assertScores(results.get(0).path("labels"));
        assertThat(results.get(1)).isEqualTo(results.get(0));

        HttpResponse<String> uploaded = multipart(server, "/api/pipeline/zero-shot-audio-classification",
                fields("model", "clap", "candidate_labels", "a dog, rain", "candidate_labels", "a car engine,birds"),
                ClapReference.wav(), "audio");
        assertThat(uploaded.statusCode()).as(uploaded.body()).isEqualTo(200);
        ClapReference.assertScores(json(uploaded).path("results").get(0).path("labels"));
    }

    @Test
    void tooLongNotAudioOrMisnamedUploadsAreRefusedNamingTheProblem() throws Exception {
        // 601 s at 1 kHz is 1.2 MB: within the request limit, over the duration limit; refused before resampling
        byte[] tooLong = TestSignals.wav16(new float[601_000], 1000);
        refused(multipart(server, "/api/pipeline/zero-shot-audio-classification",
                fields("model", "clap", "candidate_labels", "a,b"), tooLong, "audio"), 400, "inputs",
                "longer than the 600 seconds allowed");
        String notAudio = Base64.getEncoder().encodeToString("not audio at all".getBytes());
        refused(post(server, "/api/pipeline/zero-shot-audio-classification", "{\"model\": \"clap\", \"inputs\": "
                + "{\"audio\": \"" + notAudio + "\", \"candidate_labels\": [\"a\"]}}"), 400, "inputs",
                "the uploaded audio: ");
        refused(multipart(server, "/api/pipeline/zero-shot-audio-classification",
                fields("model", "clap", "candidate_labels", "a,b"), ClapReference.wav(), "image"), 400, "image",
                "unknown form field 'image'; the form has audio, candidate_labels, hypothesis_template, model");
        refused(multipart(server, "/api/pipeline/zero-shot-audio-classification",
                fields("model", "clap"), ClapReference.wav(), "audio"), 400, "inputs", "candidate_labels is missing");
    }

    @Test
    void aBodyOverTheRequestLimitIs413() throws Exception {
        byte[] big = TestSignals.wav16(new float[3 << 20], 48_000); // 6 MB
        refused(multipart(server, "/api/pipeline/zero-shot-audio-classification",
                fields("model", "clap", "candidate_labels", "a,b"), big, "audio"), 413, null,
                "larger than " + (4 << 20) + " bytes");
    }
}

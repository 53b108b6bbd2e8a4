package dev.perennial.serve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.pipeline.ClapReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Gradio apps of {@code perennial serve --app ...} driven by the official Python gradio_client (vendored,
 * {@link PythonClient}) exactly as its documentation shows, on the tiny reference models; answers are compared with
 * the same pipelines run in-process and with /v1/chat/completions.
 */
class GradioPythonClientTest {

    @TempDir
    static Path models;
    @TempDir
    static Path work;

    static WebServer server;

    @BeforeAll
    static void start() throws IOException {
        GradioApiTest.prepareModels(models);
        GradioAudioApiTest.prepareModels(models);
        server = WebServer.start(options(null));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static ServeOptions options(String apiKey) {
        return new ServeOptions(List.of(), List.of(models), "127.0.0.1", 0, apiKey, ServeOptions.Limits.defaults())
                .withApps(List.of(AppSpec.parse("sentence-similarity=minilm"), AppSpec.parse("feature-extraction=minilm"),
                        AppSpec.parse("zero-shot-image-classification=clip"), AppSpec.parse("chat=llm"),
                        AppSpec.parse("zero-shot-audio-classification=clap"), AppSpec.parse("text-to-speech=vits")));
    }

    @Test
    void thePythonClientConnectsViewsTheApiAndPredictsTextAndAnUploadedImage() throws Exception {
        Path image = Files.write(work.resolve("red.png"), PipelineApiTest.png(Color.RED));
        Path notImage = Files.writeString(work.resolve("notes.png"), "not an image at all");
        JsonNode out = PythonClient.run("""
                import json, os
                from gradio_client import Client, handle_file
                from gradio_client.exceptions import AppError
                base = os.environ["BASE_URL"]
                out = {}
                sim = Client(base + "apps/sentence-similarity/")
                out["api"] = sim.view_api(print_info=False, return_format="dict")
                out["usage"] = sim.view_api(print_info=False, return_format="str")
                out["similarity"] = sim.predict("A cat sat on the mat.", "A cat sat on the mat.\\nThe fox runs.\\nZyxqv",
                    api_name="/predict")
                clip = Client(base + "apps/zero-shot-image-classification")
                out["labels"] = clip.predict(image=handle_file(os.environ["IMAGE"]), candidate_labels="red, green, blue",
                    api_name="/predict")
                try:
                    clip.predict(handle_file(os.environ["NOT_IMAGE"]), "red, green", api_name="/predict")
                except AppError as e:
                    out["badImage"] = str(e)
                print(json.dumps(out))
                """, server.url(), work, "IMAGE", image.toString(), "NOT_IMAGE", notImage.toString());

        JsonNode parameters = out.path("api").path("named_endpoints").path("/predict").path("parameters");
        assertThat(parameters.findValuesAsText("parameter_name")).containsExactly("source_sentence", "sentences");
        assertThat(out.path("usage").asText()).contains("api_name=\"/predict\"").contains("source_sentence: str");
        GradioApiTest.assertSimilarities(out.path("similarity"), GradioApiTest.similarities(models));
        // the hypothesis template was not given: the client filled in the default that /info declares
        GradioApiTest.assertLabels(out.path("labels"), GradioApiTest.labels(models, Files.readAllBytes(image)));
        assertThat(out.path("badImage").asText()).startsWith("Image 'notes.png'").contains("not a supported image");
    }

    @Test
    void thePythonClientSendsAWavFileAndDownloadsTheSpeech() throws Exception {
        Path wav = Files.write(work.resolve("clip.wav"), ClapReference.wav());
        String text = "Hello there.";
        Path downloads = Files.createDirectories(work.resolve("audio"));
        JsonNode out = PythonClient.run("""
                import json, os
                from gradio_client import Client, handle_file
                base = os.environ["BASE_URL"]
                out = {}
                clap = Client(base + "apps/zero-shot-audio-classification/")
                out["labels"] = clap.predict(handle_file(os.environ["WAV"]), os.environ["LABELS"], api_name="/predict")
                tts = Client(base + "apps/text-to-speech/")
                out["speech"] = tts.predict(os.environ["TEXT"], api_name="/predict")
                remote = Client(base + "apps/text-to-speech/", download_files=False)
                out["fileData"] = remote.predict(os.environ["TEXT"], api_name="/predict")
                print(json.dumps(out))
                """, server.url(), downloads, "WAV", wav.toString(), "LABELS", GradioAudioApiTest.LABELS,
                "TEXT", text);

        GradioAudioApiTest.assertLabel(out.path("labels"), GradioAudioApiTest.clapLabels(models.resolve("clap"), wav,
                GradioAudioApiTest.LABELS));
        Path speech = Path.of(out.path("speech").asText());
        assertThat(speech).as("the client's download").startsWith(downloads).isRegularFile();
        byte[] downloaded = Files.readAllBytes(speech);
        GradioAudioApiTest.assertSpeech(downloaded, GradioAudioApiTest.speech(models.resolve("vits"), text));
        // without downloading, the client returns the server's FileData, whose url serves the same bytes
        JsonNode fileData = out.path("fileData");
        assertThat(fileData.path("url").asText()).startsWith(server.url() + "apps/text-to-speech/gradio_api/file=");
        assertThat(GradioApiTest.getBytesFrom(server, "/" + fileData.path("url").asText()
                .substring(server.url().length())).body()).isEqualTo(downloaded);
    }

    @Test
    void thePythonClientStreamsTheChatThroughSubmit() throws Exception {
        JsonNode out = PythonClient.run("""
                import json, os
                from gradio_client import Client
                chat = Client(os.environ["BASE_URL"] + "apps/chat/")
                job = chat.submit(message="Hello there", max_new_tokens=16, api_name="/chat")
                out = {"partials": [partial for partial in job]}
                out["result"] = job.result()
                out["status"] = job.status().code.name
                print(json.dumps(out))
                """, server.url(), work);

        String reply = GradioApiTest.chatCompletion(server, "Hello there", 16);
        JsonNode result = out.path("result");
        assertThat(result.get(0).path("content").asText()).isEqualTo("Hello there");
        assertThat(result.get(1).path("content").asText()).isEqualTo(reply);
        JsonNode partials = out.path("partials");
        assertThat(partials.size()).as("partial outputs, then the whole").isGreaterThan(2);
        for (JsonNode partial : partials) {
            // the client applied the sse_v3 diffs to the same text
            assertThat(reply).startsWith(partial.get(1).path("content").asText());
        }
        assertThat(partials.get(partials.size() - 1)).isEqualTo(result);
        assertThat(out.path("status").asText()).isEqualTo("FINISHED");
    }

    /**
     * The client's cancel posts gradio_api/cancel; the server completes the call with no output (when the reply is
     * still growing, which is the likely case but not certain) and the client's session goes on.
     */
    @Test
    void thePythonClientCancelsAChatJobAndItsSessionGoesOn() throws Exception {
        JsonNode out = PythonClient.run("""
                import json, os, time
                from gradio_client import Client
                chat = Client(os.environ["BASE_URL"] + "apps/chat/")
                job = chat.submit(message="Hello there", max_new_tokens=64, api_name="/chat")
                next(job)
                job.cancel()
                while not job.done():
                    time.sleep(0.01)
                out = {"status": job.status().code.name}
                out["after"] = chat.predict(message="Hi", max_new_tokens=8, api_name="/chat")
                print(json.dumps(out))
                """, server.url(), work);

        assertThat(out.path("status").asText()).isEqualTo("CANCELLED");
        assertThat(out.path("after").get(1).path("content").asText())
                .isEqualTo(GradioApiTest.chatCompletion(server, "Hi", 8));
    }

    @Test
    void thePythonClientSendsTheApiKeyAsAHeader() throws Exception {
        try (WebServer guarded = WebServer.start(options(GradioApiTest.KEY))) {
            Path downloads = Files.createDirectories(work.resolve("guarded"));
            JsonNode out = PythonClient.run("""
                    import json, os
                    from gradio_client import Client
                    from gradio_client.exceptions import AuthenticationError
                    base = os.environ["BASE_URL"]
                    out = {}
                    try:
                        Client(base + "apps/feature-extraction/")
                    except AuthenticationError as e:
                        out["refused"] = str(e)
                    headers = {"Authorization": "Bearer " + os.environ["KEY"]}
                    features = Client(base + "apps/feature-extraction/", headers=headers)
                    out["embedding"] = features.predict("A cat sat on the mat.", api_name="/predict")
                    tts = Client(base + "apps/text-to-speech/", headers=headers)
                    out["speech"] = tts.predict("Hi.", api_name="/predict")
                    print(json.dumps(out))
                    """, guarded.url(), downloads, "KEY", GradioApiTest.KEY);

            assertThat(out.path("refused").asText()).contains("credentials were not provided");
            PipelineApiTest.assertClose(PipelineApiTest.floats(out.path("embedding").path("embedding")),
                    GradioApiTest.embedding(models, "A cat sat on the mat."));
            // the output file's route is guarded too: the client downloaded it with the key
            GradioAudioApiTest.assertSpeech(Files.readAllBytes(Path.of(out.path("speech").asText())),
                    GradioAudioApiTest.speech(models.resolve("vits"), "Hi."));
        }
    }
}

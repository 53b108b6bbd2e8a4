package dev.perennial.serve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.checkpoint.ModelFolder;
import dev.perennial.image.ImageFiles;
import dev.perennial.model.Model;
import dev.perennial.model.ModelFixtures;
import dev.perennial.pipeline.Inputs;
import dev.perennial.pipeline.Outputs;
import dev.perennial.pipeline.Pipeline;
import dev.perennial.pipeline.Task;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.Color;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static dev.perennial.serve.ServeApiTest.JSON;
import static dev.perennial.serve.ServeApiTest.get;
import static dev.perennial.serve.ServeApiTest.json;
import static dev.perennial.serve.ServeApiTest.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The Gradio apps of {@code perennial serve --app ...} driven by the official @gradio/client (npm) and by plain
 * HTTP (the curl API, the file route, refusals) on the tiny reference models; answers are compared with the same
 * pipeline run in-process and with /v1/chat/completions.
 */
class GradioApiTest {

    static final String KEY = "gradio-test-key";
    static final List<String> SENTENCES = List.of("A cat sat on the mat.", "The fox runs.", "Zyxqv");

    @TempDir
    static Path models;
    @TempDir
    static Path work;

    static WebServer server;

    @BeforeAll
    static void start() throws IOException {
        prepareModels(models);
        server = WebServer.start(options(null));
    }

    /** The apps' tiny models under {@code dir}: minilm and clip (the reference models) and a byte-level llama, llm. */
    static void prepareModels(Path dir) throws IOException {
        PipelineApiTest.copy(PipelineApiTest.REFERENCE.resolve("minilm"), dir.resolve("minilm"));
        PipelineApiTest.copy(PipelineApiTest.REFERENCE.resolve("clip"), dir.resolve("clip"));
        try (Model llm = ModelFixtures.byteLlama(1)) {
            ModelFolder.save(llm, "byte", dir.resolve("llm"), ModelFolder.DEFAULT_SHARD_BYTES, "");
        }
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static ServeOptions options(String apiKey) {
        return options(models, apiKey);
    }

    /** The four apps (sentence similarity, feature extraction, zero-shot image classification, chat) on {@code dir}. */
    static ServeOptions options(Path dir, String apiKey) {
        return new ServeOptions(List.of(), List.of(dir), "127.0.0.1", 0, apiKey, ServeOptions.Limits.defaults())
                .withApps(List.of(AppSpec.parse("sentence-similarity=minilm"), AppSpec.parse("feature-extraction=minilm"),
                        AppSpec.parse("zero-shot-image-classification=clip"), AppSpec.parse("chat=llm")));
    }

    /** The similarities of {@link #SENTENCES} to the first, in-process, with the minilm under {@code dir}. */
    static Outputs.Similarities similarities(Path dir) {
        try (var pipeline = Pipeline.forTask(Task.SENTENCE_SIMILARITY, dir.resolve("minilm").toString())) {
            return pipeline.run(new Inputs.Sentences(SENTENCES.getFirst(), SENTENCES));
        }
    }

    /** CLIP's scores of red, green and blue for {@code image}, in-process, with the clip under {@code dir}. */
    static Outputs.Labels labels(Path dir, byte[] image) {
        try (var pipeline = Pipeline.forTask(Task.ZERO_SHOT_IMAGE_CLASSIFICATION, dir.resolve("clip").toString())) {
            return pipeline.run(new Inputs.LabelledImage(ImageFiles.read(image, "test"), List.of("red", "green",
                    "blue"), null));
        }
    }

    /** The label output's confidences, by label, equal to the pipeline's scores (best first). */
    static void assertLabels(JsonNode label, List<String> names, List<Double> scores) {
        JsonNode confidences = label.path("confidences");
        assertThat(confidences).hasSize(names.size());
        for (int i = 0; i < names.size(); i++) {
            assertThat(confidences.get(i).path("label").asText()).isEqualTo(names.get(i));
            assertThat(confidences.get(i).path("confidence").asDouble()).isCloseTo(scores.get(i), within(1e-5));
        }
        assertThat(label.path("label").asText()).isEqualTo(names.getFirst());
    }

    /** The embedding of {@code text}, in-process, with the minilm under {@code dir}. */
    static float[] embedding(Path dir, String text) {
        try (var pipeline = Pipeline.forTask(Task.FEATURE_EXTRACTION, dir.resolve("minilm").toString())) {
            return pipeline.run(new Inputs.Text(text)).embedding();
        }
    }

    /** The label output of the sentence-similarity app: {@link #SENTENCES} by the pipeline's scores, best first. */
    static void assertSimilarities(JsonNode label, Outputs.Similarities expected) {
        List<Double> scores = expected.scores();
        List<Integer> order = new ArrayList<>(List.of(0, 1, 2));
        order.sort((a, b) -> Double.compare(scores.get(b), scores.get(a)));
        assertLabels(label, order.stream().map(SENTENCES::get).toList(), order.stream().map(scores::get).toList());
    }

    /** The label output of the image app: the pipeline's labels and scores. */
    static void assertLabels(JsonNode label, Outputs.Labels expected) {
        assertLabels(label, expected.labels().stream().map(Outputs.LabelScore::label).toList(),
                expected.labels().stream().map(Outputs.LabelScore::score).toList());
    }

    @Test
    void theOfficialClientConnectsViewsTheApiAndPredicts() throws Exception {
        Path dir = NodeClient.GRADIO.installed();
        byte[] image = PipelineApiTest.png(Color.RED);
        Path imageFile = work.resolve("red.png");
        Files.write(imageFile, image);
        Files.writeString(dir.resolve("predict.mjs"), """
                import { Client } from "@gradio/client";
                import { readFileSync } from "node:fs";
                const base = process.env.BASE_URL;
                const out = {};
                const sim = await Client.connect(base + "apps/sentence-similarity/");
                out.api = await sim.view_api();
                out.similarity = (await sim.predict("/predict", { source_sentence: "A cat sat on the mat.",
                    sentences: "A cat sat on the mat.\\nThe fox runs.\\nZyxqv" })).data;
                const clip = await Client.connect(base + "apps/zero-shot-image-classification");
                const png = new Blob([readFileSync(process.env.IMAGE)], { type: "image/png" });
                out.labels = (await clip.predict("/predict", { image: png, candidate_labels: "red, green, blue" })).data;
                try {
                    await clip.predict("/predict", { image: new Blob([Buffer.from("not an image at all")]),
                        candidate_labels: "red, green" });
                } catch (e) {
                    out.badImage = e.message;
                }
                const chat = await Client.connect(base + "apps/chat/", { events: ["data", "status"] });
                out.chat = [];
                out.stages = [];
                const job = chat.submit("/chat", { message: "Hello there", max_new_tokens: 16 });
                for await (const m of job) {
                    if (m.type === "data") out.chat.push(m.data);
                    if (m.type === "status") out.stages.push(m.stage);
                }
                console.log(JSON.stringify(out));
                """);
        JsonNode out = JSON.readTree(NodeClient.run(dir, "predict.mjs", server.url(), "IMAGE",
                imageFile.toAbsolutePath().toString()));

        JsonNode parameters = out.path("api").path("named_endpoints").path("/predict").path("parameters");
        assertThat(parameters.findValuesAsText("parameter_name")).containsExactly("source_sentence", "sentences");

        assertSimilarities(out.path("similarity").get(0), similarities(models));
        assertLabels(out.path("labels").get(0), labels(models, image));

        assertThat(out.path("badImage").asText()).contains("Image").contains("not a supported image");

        JsonNode chat = out.path("chat");
        assertThat(chat.size()).as("partial outputs, then the whole").isGreaterThan(2);
        JsonNode last = chat.get(chat.size() - 1).get(0);
        String reply = last.get(1).path("content").asText();
        assertThat(last.get(0).path("content").asText()).isEqualTo("Hello there");
        for (JsonNode data : chat) {
            String partial = data.get(0).get(1).path("content").asText();
            assertThat(reply).startsWith(partial); // the client applied the sse_v3 diffs to the same text
        }
        assertThat(reply).isEqualTo(chatCompletion("Hello there", 16));
        assertThat(out.path("stages").toString()).contains("generating").contains("complete");
    }

    /** The same conversation through /v1/chat/completions, greedy. */
    static String chatCompletion(String message, int maxTokens) throws Exception {
        return chatCompletion(server, message, maxTokens);
    }

    static String chatCompletion(WebServer server, String message, int maxTokens) throws Exception {
        HttpResponse<String> response = post(server, "/v1/chat/completions", """
                {"model": "llm", "messages": [{"role": "user", "content": "%s"}], "max_tokens": %d, "temperature": 0}
                """.formatted(message, maxTokens));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json(response).path("choices").get(0).path("message").path("content").asText();
    }

    @Test
    void theCurlApiAnswersWithNamedEvents() throws Exception {
        HttpResponse<String> joined = post(server, "/apps/sentence-similarity/gradio_api/call/predict",
                JSON.writeValueAsString(JSON.createObjectNode().set("data", JSON.valueToTree(List.of(SENTENCES
                        .getFirst(), String.join("\n", SENTENCES))))));
        assertThat(joined.statusCode()).as(joined.body()).isEqualTo(200);
        String id = json(joined).path("event_id").asText();
        HttpResponse<String> stream = get(server, "/apps/sentence-similarity/gradio_api/call/predict/" + id);
        List<String> lines = stream.body().lines().filter(l -> !l.isEmpty()).toList();
        assertThat(lines.getFirst()).isEqualTo("event: complete");
        JsonNode data = JSON.readTree(lines.get(1).substring("data: ".length()));
        assertThat(data.get(0).path("confidences")).hasSize(3);
        assertThat(data.get(0).path("label").asText()).isEqualTo(SENTENCES.getFirst()); // itself, similarity 1

        HttpResponse<String> chat = post(server, "/apps/chat/gradio_api/call/chat",
                "{\"data\": [\"Hi\", [], 8, 0, 0]}");
        String chatId = json(chat).path("event_id").asText();
        String events = get(server, "/apps/chat/gradio_api/call/chat/" + chatId).body();
        assertThat(events).contains("event: generating").contains("event: complete");
        String complete = events.substring(events.indexOf("event: complete"));
        JsonNode conversation = JSON.readTree(complete.lines().skip(1).findFirst().orElseThrow().substring(6));
        assertThat(conversation.get(0).get(1).path("content").asText()).isEqualTo(chatCompletion("Hi", 8));

        HttpResponse<String> bad = post(server, "/apps/zero-shot-image-classification/gradio_api/call/predict",
                "{\"data\": [{\"path\": \"/etc/hostname\"}, \"a, b\", \"\"]}");
        String errors = get(server, "/apps/zero-shot-image-classification/gradio_api/call/predict/"
                + json(bad).path("event_id").asText()).body();
        assertThat(errors).contains("event: error").contains("File not allowed").contains("upload");
    }

    @Test
    void onlyFilesTheServerAcceptedAreServed() throws Exception {
        byte[] image = PipelineApiTest.png(Color.BLUE);
        HttpResponse<String> uploaded = PipelineApiTest.multipart(server,
                "/apps/zero-shot-image-classification/gradio_api/upload", List.of(), image, "files");
        assertThat(uploaded.statusCode()).as(uploaded.body()).isEqualTo(200);
        String path = json(uploaded).get(0).asText();
        HttpResponse<byte[]> back = getBytes("/apps/zero-shot-image-classification/gradio_api/file=" + path);
        assertThat(back.statusCode()).isEqualTo(200);
        assertThat(back.body()).isEqualTo(image);

        Path outside = Files.writeString(work.resolve("secret.txt"), "not-to-be-served");
        for (String other : List.of(outside.toString(), path + "/../../../../../../etc/passwd", "/etc/passwd",
                "relative.txt")) {
            HttpResponse<byte[]> refused = getBytes("/apps/zero-shot-image-classification/gradio_api/file="
                    + other);
            assertThat(refused.statusCode()).as(other).isIn(400, 403, 404);
            assertThat(new String(refused.body(), StandardCharsets.UTF_8)).doesNotContain("not-to-be-served", "root:");
        }
    }

    @Test
    void anUploadOverTheLimitIsRefused() throws Exception {
        byte[] big = new byte[(int) ServeOptions.Limits.defaults().maxRequestBytes() + 1024];
        HttpResponse<String> refused = PipelineApiTest.multipart(server,
                "/apps/zero-shot-image-classification/gradio_api/upload", List.of(), big, "files");
        assertThat(refused.statusCode()).isEqualTo(413);
    }

    /**
     * Two calls of one session on its one stream: each is told its rank, starts, streams its reply (the whole value
     * first, then sse_v3 diffs) and completes; then the stream says close_stream and ends.
     */
    @Test
    void theSessionStreamCarriesEachCallsMessagesAndEndsWithCloseStream() throws Exception {
        String join = "/apps/chat/gradio_api/queue/join";
        List<String> ids = new ArrayList<>();
        for (String message : List.of("One", "Two")) {
            HttpResponse<String> joined = post(server, join, "{\"data\": [\"" + message + "\", [], 6, 0, 0], "
                    + "\"fn_index\": 0, \"session_hash\": \"stream-test\"}");
            assertThat(joined.statusCode()).as(joined.body()).isEqualTo(200);
            ids.add(json(joined).path("event_id").asText());
        }
        List<JsonNode> messages = new ArrayList<>();
        for (String data : ServeApiTest.events(get(server, "/apps/chat/gradio_api/queue/data?session_hash="
                + "stream-test").body())) {
            messages.add(JSON.readTree(data));
        }
        assertThat(messages.getLast().path("msg").asText()).isEqualTo("close_stream");
        for (String id : ids) {
            List<JsonNode> own = messages.stream().filter(m -> m.path("event_id").asText().equals(id)).toList();
            assertThat(own.getFirst().path("msg").asText()).isEqualTo("estimation");
            assertThat(own.getFirst().has("rank")).isTrue();
            List<String> kinds = own.stream().map(m -> m.path("msg").asText()).distinct().toList();
            assertThat(kinds).containsSubsequence("process_starts", "process_generating", "process_completed");
            List<JsonNode> generating = own.stream().filter(m -> m.path("msg").asText()
                    .equals("process_generating")).toList();
            assertThat(generating.getFirst().path("output").path("data").get(0).isArray()).isTrue();
            if (generating.size() > 1) { // a diff: a list of [action, path, value] edits of the chatbot's value
                JsonNode edit = generating.get(1).path("output").path("data").get(0).get(0);
                assertThat(edit.get(0).asText()).isIn("append", "replace", "add");
                assertThat(edit.get(1).isArray()).isTrue();
            }
            JsonNode completed = own.getLast();
            assertThat(completed.path("msg").asText()).isEqualTo("process_completed");
            assertThat(completed.path("success").asBoolean()).isTrue();
        }
    }

    static HttpResponse<byte[]> getBytes(String path) throws Exception {
        return getBytesFrom(server, path);
    }

    static HttpResponse<byte[]> getBytesFrom(WebServer server, String path) throws Exception {
        return ServeApiTest.HTTP.send(HttpRequest.newBuilder(URI.create(server.url() + path.substring(1))).GET()
                .build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void badRequestsAreRefusedAsGradioDoes() throws Exception {
        String join = "/apps/sentence-similarity/gradio_api/queue/join";
        HttpResponse<String> noSession = post(server, join, "{\"data\": [\"a\", \"b\"], \"fn_index\": 0}");
        assertThat(noSession.statusCode()).isEqualTo(400);
        assertThat(json(noSession).path("detail").asText()).isEqualTo("Session hash not found.");
        HttpResponse<String> wrongCount = post(server, join, "{\"data\": [\"a\"], \"fn_index\": 0, "
                + "\"session_hash\": \"s1\"}");
        assertThat(wrongCount.statusCode()).isEqualTo(422);
        assertThat(json(wrongCount).path("detail").asText()).contains("takes 2").contains("Source sentence");
        HttpResponse<String> wrongType = post(server, join, "{\"data\": [\"a\", 5], \"session_hash\": \"s1\"}");
        assertThat(wrongType.statusCode()).isEqualTo(422);
        assertThat(json(wrongType).path("detail").asText()).contains("data[1]").contains("a string");
        assertThat(get(server, "/apps/nothing/config").statusCode()).isEqualTo(404);
        assertThat(get(server, "/apps/chat/gradio_api/queue/data?session_hash=unknown").statusCode())
                .isEqualTo(404);
        JsonNode list = json(get(server, "/apps"));
        assertThat(list.path("apps").findValuesAsText("name")).containsExactly("sentence-similarity",
                "feature-extraction", "zero-shot-image-classification", "chat");
    }

    @Test
    void theHeartbeatStreamSaysAlive() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(server.url()
                + "apps/chat/gradio_api/heartbeat/abc")).GET().build();
        HttpResponse<Stream<String>> response = ServeApiTest.HTTP.send(request, HttpResponse.BodyHandlers.ofLines());
        try (Stream<String> lines = response.body()) {
            assertThat(lines.findFirst()).contains("data: ALIVE");
        }
    }

    @Test
    void theApiKeyGuardsTheAppsForTheOfficialClientToo() throws Exception {
        try (WebServer guarded = WebServer.start(options(KEY))) {
            assertThat(get(guarded, "/apps/feature-extraction/config").statusCode()).isEqualTo(401);
            assertThat(get(guarded, "/apps/feature-extraction/config", "Authorization", "Bearer " + KEY)
                    .statusCode()).isEqualTo(200);
            // the pages are public like the web app's others (they ask for the key); the list as JSON is not
            assertThat(get(guarded, "/apps/feature-extraction/").statusCode()).isEqualTo(200);
            assertThat(get(guarded, "/apps", "Accept", "text/html").statusCode()).isEqualTo(200);
            assertThat(get(guarded, "/apps").statusCode()).isEqualTo(401);
            assertThat(get(guarded, "/apps?format=json", "Accept", "text/html").statusCode()).isEqualTo(401);
            Path dir = NodeClient.GRADIO.installed();
            Files.writeString(dir.resolve("key.mjs"), """
                    import { Client } from "@gradio/client";
                    const url = process.env.BASE_URL + "apps/feature-extraction/";
                    const out = {};
                    try {
                        await Client.connect(url);
                    } catch (e) {
                        out.refused = e.message;
                    }
                    const client = await Client.connect(url, { token: process.env.KEY });
                    out.embedding = (await client.predict("/predict", { text: "A cat sat on the mat." })).data;
                    console.log(JSON.stringify(out));
                    """);
            JsonNode out = JSON.readTree(NodeClient.run(dir, "key.mjs", guarded.url(), "KEY", KEY));
            assertThat(out.path("refused").asText()).isNotEmpty();
            PipelineApiTest.assertClose(PipelineApiTest.floats(out.path("embedding").get(0).path("embedding")),
                    embedding(models, "A cat sat on the mat."));
        }
    }
}

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
import dev.perennial.tokenizer.EncoderTokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static dev.perennial.serve.ServeApiTest.JSON;
import static dev.perennial.serve.ServeApiTest.get;
import static dev.perennial.serve.ServeApiTest.json;
import static dev.perennial.serve.ServeApiTest.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The pipeline tasks over real HTTP on the tiny reference models (a sentence-transformers MiniLM and a CLIP, copied
 * into a served models folder beside a tiny language model): /v1/embeddings, also through the official openai npm
 * client, and /api/pipeline/TASK with JSON and multipart bodies; answers are compared with the same pipeline run
 * in-process, and every refusal with its status and message.
 */
class PipelineApiTest {

    static final Path REFERENCE = Path.of("src/test/resources/reference");
    static final List<String> SENTENCES = List.of("A cat sat on the mat.", "The quick brown fox jumps over the lazy "
            + "dog, and then it runs far away from the big house near the river.", "Café NAÏVE résumé!");

    @TempDir
    static Path models;

    static WebServer server;

    @BeforeAll
    static void start() throws IOException {
        copy(REFERENCE.resolve("minilm"), models.resolve("minilm"));
        if (Files.isDirectory(REFERENCE.resolve("clip"))) { // the CLIP tests fail without it, saying so
            copy(REFERENCE.resolve("clip"), models.resolve("clip"));
        }
        try (Model llm = ModelFixtures.byteLlama(1)) {
            ModelFolder.save(llm, "byte", models.resolve("llm"), ModelFolder.DEFAULT_SHARD_BYTES, "");
        }
        server = WebServer.start(options(null, ServeOptions.Limits.defaults()));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static ServeOptions options(String apiKey, ServeOptions.Limits limits) {
        return new ServeOptions(List.of(), List.of(models), "127.0.0.1", 0, apiKey, limits);
    }

    static void copy(Path from, Path to) throws IOException {
        assertThat(from.resolve("config.json")).as("the tiny reference model " + from + " (it comes with the model "
                + "branches)").isRegularFile();
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
    }

    static void requireClip() {
        assertThat(models.resolve("clip/config.json")).as("the tiny CLIP reference model " + REFERENCE.resolve("clip")
                + " (written by tools/reference/clip.py)").isRegularFile();
    }

    static float[] floats(JsonNode array) {
        float[] out = new float[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = Float.parseFloat(array.get(i).toString()); // the exact float the server wrote
        }
        return out;
    }

    static float[] fromBase64(String text) {
        ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(text)).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[bytes.remaining() / 4];
        bytes.asFloatBuffer().get(out);
        return out;
    }

    /**
     * Equal up to float rounding: the server's forward pass runs on another thread than the test's, and libtorch's
     * threaded matrix products may sum in another order there (differences of 1e-7 were seen).
     */
    static void assertClose(float[] actual, float[] expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.length; i++) {
            assertThat(actual[i]).as("element %d", i).isCloseTo(expected[i], within(1e-5f));
        }
    }

    static double norm(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += (double) x * x;
        }
        return Math.sqrt(sum);
    }

    static List<Outputs.Embedding> inProcess(List<String> texts) {
        try (var pipeline = Pipeline.forTask(Task.FEATURE_EXTRACTION, models.resolve("minilm").toString())) {
            return pipeline.run(texts.stream().map(Inputs.Text::new).toList());
        }
    }

    static String embeddingsBody(Object input, String more) throws Exception {
        return "{\"model\": \"minilm\", \"input\": " + JSON.writeValueAsString(input) + more + "}";
    }

    static byte[] png(Color color) throws IOException {
        BufferedImage image = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
        var g = image.createGraphics();
        g.setColor(color);
        g.fillRect(0, 0, 40, 30);
        g.setColor(Color.WHITE);
        g.fillOval(10, 5, 20, 20);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(ImageIO.write(image, "png", out)).isTrue();
        return out.toByteArray();
    }

    /** Form fields from name, value pairs. */
    static List<String[]> fields(String... pairs) {
        List<String[]> out = new ArrayList<>();
        for (int i = 0; i < pairs.length; i += 2) {
            out.add(new String[] {pairs[i], pairs[i + 1]});
        }
        return out;
    }

    /** A multipart/form-data body: the fields in order, then the file part "image" (when given). */
    static HttpResponse<String> multipart(WebServer on, String path, List<String[]> fields, byte[] image)
            throws Exception {
        return multipart(on, path, fields, image, "image");
    }

    /** A multipart form with {@code fields} and the PNG {@code image} (when not null) as the file part {@code name}. */
    static HttpResponse<String> multipart(WebServer on, String path, List<String[]> fields, byte[] image, String name)
            throws Exception {
        String boundary = "----perennial-test-boundary";
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (String[] field : fields) {
            body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field[0] + "\"\r\n\r\n"
                    + field[1] + "\r\n").getBytes(StandardCharsets.UTF_8));
        }
        if (image != null) {
            body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"; filename=\"cat.png\"\r\n"
                    + "Content-Type: image/png\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            body.write(image);
            body.write("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        body.write(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        // a large body asks first (Expect: 100-continue), as curl does: sent blindly, it may still be in flight when
        // the server refuses it and closes, and the client then sees a reset connection instead of the 413
        HttpRequest request = HttpRequest.newBuilder(URI.create(on.url() + path.substring(1)))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .expectContinue(body.size() > 1 << 20)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build();
        return ServeApiTest.HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    static void refused(HttpResponse<String> response, int status, String param, String... message) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode error = json(response).path("error");
        if (param != null) {
            assertThat(error.path("param").asText()).as(response.body()).isEqualTo(param);
        }
        if (message.length > 0) {
            assertThat(error.path("message").asText()).contains(message);
        }
        assertThat(error.path("code").isNull() || error.path("code").isTextual()).as(response.body()).isTrue();
    }

    @Test
    void modelsAreListedWithTheTasksAndEndpointsTheyServe() throws Exception {
        JsonNode data = json(get(server, "/v1/models")).path("data");
        JsonNode minilm = null;
        JsonNode llm = null;
        for (JsonNode m : data) {
            switch (m.path("id").asText()) {
                case "minilm" -> minilm = m;
                case "llm" -> llm = m;
                default -> { }
            }
        }
        assertThat(minilm).isNotNull();
        assertThat(minilm.path("model_kind").asText()).isEqualTo("pipeline");
        assertThat(JSON.convertValue(minilm.path("tasks"), List.class))
                .containsExactly("feature-extraction", "sentence-similarity");
        assertThat(JSON.convertValue(minilm.path("endpoints"), List.class)).contains("/v1/embeddings")
                .doesNotContain("/v1/completions");
        assertThat(llm.path("model_kind").asText()).isEqualTo("language-model");
        assertThat(JSON.convertValue(llm.path("endpoints"), List.class)).contains("/v1/chat/completions")
                .doesNotContain("/v1/embeddings");

        JsonNode described = json(get(server, "/api/models/minilm"));
        assertThat(described.path("architecture").asText()).isEqualTo("bert");
        assertThat(described.has("error")).as(described.toString()).isFalse();
        assertThat(described.path("parameters").asLong()).isPositive();
    }

    @Test
    void embeddingsAreThePipelinesVectorsWithRealTokenCounts() throws Exception {
        List<Outputs.Embedding> expected = inProcess(SENTENCES);
        JsonNode listed = json(post(server, "/v1/embeddings", embeddingsBody(SENTENCES, "")));
        assertThat(listed.path("object").asText()).isEqualTo("list");
        assertThat(listed.path("model").asText()).isEqualTo("minilm");
        JsonNode data = listed.path("data");
        assertThat(data).hasSize(SENTENCES.size());
        long tokens = 0;
        for (int i = 0; i < SENTENCES.size(); i++) {
            assertThat(data.get(i).path("object").asText()).isEqualTo("embedding");
            assertThat(data.get(i).path("index").asInt()).isEqualTo(i);
            float[] vector = floats(data.get(i).path("embedding"));
            assertClose(vector, expected.get(i).embedding());
            assertThat(norm(vector)).isCloseTo(1.0, within(1e-5)); // modules.json normalises
            tokens += expected.get(i).tokens();
        }
        assertThat(floats(data.get(0).path("embedding"))).isNotEqualTo(floats(data.get(1).path("embedding")));
        // the tokens the model read: [CLS] … [SEP], truncated to sentence_bert_config's max_seq_length
        int maxLength = JSON.readTree(models.resolve("minilm/sentence_bert_config.json").toFile())
                .path("max_seq_length").asInt();
        try (EncoderTokenizer tokenizer = EncoderTokenizer.load(models.resolve("minilm"), maxLength)) {
            assertThat(tokenizer.encode(SENTENCES).totalTokens()).isEqualTo(tokens);
        }
        assertThat(listed.path("usage").path("prompt_tokens").asLong()).isEqualTo(tokens);
        assertThat(listed.path("usage").path("total_tokens").asLong()).isEqualTo(tokens);

        JsonNode one = json(post(server, "/v1/embeddings", embeddingsBody(SENTENCES.getFirst(), ", \"user\": \"u1\"")));
        assertThat(one.path("data")).hasSize(1);
        assertClose(floats(one.path("data").get(0).path("embedding")), expected.getFirst().embedding());
        assertThat(one.path("usage").path("prompt_tokens").asInt()).isEqualTo(expected.getFirst().tokens());

        JsonNode base64 = json(post(server, "/v1/embeddings", embeddingsBody(SENTENCES,
                ", \"encoding_format\": \"base64\"")));
        for (int i = 0; i < SENTENCES.size(); i++) {
            assertThat(base64.path("data").get(i).path("embedding").isTextual()).isTrue();
            assertClose(fromBase64(base64.path("data").get(i).path("embedding").asText()),
                    floats(data.get(i).path("embedding")));
        }
        int dimension = expected.getFirst().embedding().length;
        assertThat(post(server, "/v1/embeddings", embeddingsBody("x", ", \"dimensions\": " + dimension))
                .statusCode()).isEqualTo(200);
    }

    /** Requests at once share the loaded encoder (four forward passes run together by default): each gets its own. */
    @Test
    void concurrentRequestsEachGetTheirOwnVectors() throws Exception {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            texts.add("sentence number " + i + (i % 2 == 0 ? " about a cat" : " about the river and a house"));
        }
        List<Outputs.Embedding> expected = inProcess(texts);
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (String text : texts) {
            HttpRequest request = HttpRequest.newBuilder(URI.create(server.url() + "v1/embeddings"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(embeddingsBody(text, ""))).build();
            answers.add(ServeApiTest.HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
        }
        for (int i = 0; i < texts.size(); i++) {
            HttpResponse<String> response = answers.get(i).get(60, TimeUnit.SECONDS);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertClose(floats(json(response).path("data").get(0).path("embedding")), expected.get(i).embedding());
            assertThat(json(response).path("usage").path("prompt_tokens").asInt()).isEqualTo(expected.get(i).tokens());
        }
    }

    /** The official OpenAI client for Node.js (the openai npm package), which asks for base64 and decodes it. */
    @Test
    void theOfficialOpenAiClientGetsTheSameVectors() throws Exception {
        Path dir = NodeClient.OPENAI.installed();
        Files.writeString(dir.resolve("embed.mjs"), """
                import OpenAI from "openai";
                const client = new OpenAI({ baseURL: process.env.BASE_URL, apiKey: "unused", maxRetries: 0 });
                const list = await client.embeddings.create({ model: "minilm", input: JSON.parse(process.env.TEXTS) });
                const floats = await client.embeddings.create({ model: "minilm", input: "A cat sat on the mat.",
                    encoding_format: "float" });
                let refused = null;
                try {
                    await client.embeddings.create({ model: "llm", input: "x" });
                } catch (e) {
                    refused = { status: e.status, message: e.message };
                }
                console.log(JSON.stringify({ list, floats, refused }));
                """);
        String out = NodeClient.run(dir, "embed.mjs", server.url() + "v1",
                "TEXTS", JSON.writeValueAsString(SENTENCES));
        JsonNode answer = JSON.readTree(out);
        List<Outputs.Embedding> expected = inProcess(SENTENCES);
        JsonNode data = answer.path("list").path("data");
        assertThat(data).hasSize(SENTENCES.size());
        for (int i = 0; i < SENTENCES.size(); i++) {
            float[] vector = floats(data.get(i).path("embedding")); // decoded from base64 by the client
            assertClose(vector, expected.get(i).embedding());
        }
        assertThat(answer.path("list").path("usage").path("prompt_tokens").asInt())
                .isEqualTo(expected.stream().mapToInt(Outputs.Embedding::tokens).sum());
        assertClose(floats(answer.path("floats").path("data").get(0).path("embedding")),
                expected.getFirst().embedding());
        assertThat(answer.path("refused").path("status").asInt()).isEqualTo(400);
        assertThat(answer.path("refused").path("message").asText()).contains("language model");
    }

    @Test
    void sentenceSimilarityTakesOneInputOrAList() throws Exception {
        String input = "{\"source_sentence\": \"A cat sat on the mat.\", \"sentences\": [\"A cat sat on the mat.\", "
                + "\"The fox runs.\", \"Zyxqv\"]}";
        HttpResponse<String> response = post(server, "/api/pipeline/sentence-similarity",
                "{\"model\": \"minilm\", \"inputs\": " + input + "}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode answer = json(response);
        assertThat(answer.path("model").asText()).isEqualTo("minilm");
        assertThat(answer.path("task").asText()).isEqualTo("sentence-similarity");
        JsonNode scores = answer.path("results").get(0).path("scores");
        assertThat(scores).hasSize(3);
        assertThat(scores.get(0).asDouble()).isCloseTo(1.0, within(1e-5)); // the same sentence
        Outputs.Similarities expected;
        try (var pipeline = Pipeline.forTask(Task.SENTENCE_SIMILARITY, models.resolve("minilm").toString())) {
            expected = pipeline.run(new Inputs.Sentences("A cat sat on the mat.", List.of("A cat sat on the mat.",
                    "The fox runs.", "Zyxqv")));
        }
        for (int i = 0; i < 3; i++) {
            assertThat(scores.get(i).asDouble()).isCloseTo(expected.scores().get(i), within(1e-6));
        }
        JsonNode two = json(post(server, "/api/pipeline/sentence-similarity",
                "{\"model\": \"minilm\", \"inputs\": [" + input + ", " + input + "]}"));
        assertThat(two.path("results")).hasSize(2);
        assertThat(two.path("results").get(1)).isEqualTo(answer.path("results").get(0));

        JsonNode features = json(post(server, "/api/pipeline/feature-extraction",
                "{\"model\": \"minilm\", \"inputs\": {\"text\": \"A cat sat on the mat.\"}}"));
        assertClose(floats(features.path("results").get(0).path("embedding")),
                inProcess(List.of("A cat sat on the mat.")).getFirst().embedding());
        assertThat(features.path("results").get(0).path("tokens").asInt()).isPositive();
    }

    @Test
    void zeroShotImageClassificationFromBase64JsonAndFromAMultipartUpload() throws Exception {
        requireClip();
        JsonNode clip = null;
        for (JsonNode m : json(get(server, "/v1/models")).path("data")) {
            clip = m.path("id").asText().equals("clip") ? m : clip;
        }
        assertThat(JSON.convertValue(clip.path("tasks"), List.class))
                .containsExactly("zero-shot-image-classification"); // image-search needs a folder on the server
        byte[] png = png(Color.RED);
        List<String> labels = List.of("cat", "dog", "red circle");
        Outputs.Labels expected;
        try (var pipeline = Pipeline.forTask(Task.ZERO_SHOT_IMAGE_CLASSIFICATION, models.resolve("clip").toString())) {
            expected = pipeline.run(new Inputs.LabelledImage(ImageFiles.read(png, "test.png"), labels,
                    "a photo of a {}"));
        }
        String input = "{\"image\": \"" + Base64.getEncoder().encodeToString(png) + "\", \"candidate_labels\": "
                + JSON.writeValueAsString(labels) + ", \"hypothesis_template\": \"a photo of a {}\"}";
        HttpResponse<String> response = post(server, "/api/pipeline/zero-shot-image-classification",
                "{\"model\": \"clip\", \"inputs\": " + input + "}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode result = json(response).path("results").get(0).path("labels");
        assertThat(result).hasSize(3);
        double sum = 0;
        for (int i = 0; i < 3; i++) {
            assertThat(result.get(i).path("label").asText()).isEqualTo(expected.labels().get(i).label());
            assertThat(result.get(i).path("score").asDouble()).isCloseTo(expected.labels().get(i).score(),
                    within(1e-6));
            sum += result.get(i).path("score").asDouble();
        }
        assertThat(sum).isCloseTo(1.0, within(1e-6));

        String dataUrl = "data:image/png;base64," + Base64.getEncoder().encodeToString(png);
        JsonNode fromDataUrl = json(post(server, "/api/pipeline/zero-shot-image-classification",
                "{\"model\": \"clip\", \"inputs\": [" + input.replace(Base64.getEncoder().encodeToString(png), dataUrl)
                        + "]}"));
        assertThat(fromDataUrl.path("results").get(0).path("labels")).isEqualTo(result);
        JsonNode two = json(post(server, "/api/pipeline/zero-shot-image-classification", "{\"model\": \"clip\", "
                + "\"inputs\": [" + input + ", " + input.replace("a photo of a {}", "{}") + "]}"));
        assertThat(two.path("results")).hasSize(2);
        assertThat(two.path("results").get(0).path("labels")).isEqualTo(result);
        assertThat(two.path("results").get(1).path("labels")).isNotEqualTo(result); // another template
        // every input is checked before any image is decoded or scored
        refused(post(server, "/api/pipeline/zero-shot-image-classification", "{\"model\": \"clip\", \"inputs\": ["
                + input + ", {\"image\": \"data:image/png,abc\", \"candidate_labels\": [\"a\"]}]}"), 400, "inputs",
                "inputs[1]: ", "base64");
        String notAnImage = Base64.getEncoder().encodeToString("not an image".getBytes(StandardCharsets.UTF_8));
        refused(post(server, "/api/pipeline/zero-shot-image-classification", "{\"model\": \"clip\", \"inputs\": ["
                + input + ", {\"image\": \"" + notAnImage + "\", \"candidate_labels\": [\"a\"]}]}"), 400, "inputs",
                "inputs[1]: ", "PNG, JPEG");

        HttpResponse<String> uploaded = multipart(server, "/api/pipeline/zero-shot-image-classification",
                fields("model", "clip", "candidate_labels", "cat, dog", "candidate_labels", "red circle",
                        "hypothesis_template", "a photo of a {}"), png);
        assertThat(uploaded.statusCode()).as(uploaded.body()).isEqualTo(200);
        assertThat(json(uploaded).path("results").get(0).path("labels")).isEqualTo(result);

        refused(multipart(server, "/api/pipeline/zero-shot-image-classification",
                fields("model", "clip", "candidate_labels", "cat"), null),
                400, "inputs", "image is missing");
        refused(multipart(server, "/api/pipeline/zero-shot-image-classification",
                fields("model", "clip"), png), 400, "inputs", "candidate_labels is missing");
    }

    /** Image search ranks the folder given when the server started; a request names only the query. */
    @Test
    void imageSearchRanksTheFolderGivenAtStart(@TempDir Path images) throws Exception {
        requireClip();
        Files.write(images.resolve("red.png"), png(Color.RED));
        Files.createDirectories(images.resolve("more"));
        Files.write(images.resolve("more/blue.png"), png(Color.BLUE));
        Files.write(images.resolve("green.png"), png(Color.GREEN));
        Outputs.SearchHits expected;
        try (var pipeline = Pipeline.forTask(Task.IMAGE_SEARCH, models.resolve("clip").toString(),
                dev.perennial.pipeline.PipelineOptions.defaults().withImages(images))) {
            expected = pipeline.run(new Inputs.Query("a red square", 2));
        }
        ServeOptions withImages = new ServeOptions(List.of(), List.of(models), "127.0.0.1", 0, null,
                ServeOptions.Limits.defaults(), images);
        try (WebServer searching = WebServer.start(withImages)) {
            JsonNode clip = null;
            for (JsonNode m : json(get(searching, "/v1/models")).path("data")) {
                clip = m.path("id").asText().equals("clip") ? m : clip;
            }
            assertThat(JSON.convertValue(clip.path("tasks"), List.class))
                    .containsExactly("zero-shot-image-classification", "image-search");
            HttpResponse<String> response = post(searching, "/api/pipeline/image-search",
                    "{\"model\": \"clip\", \"inputs\": {\"query\": \"a red square\", \"top\": 2}}");
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            JsonNode hits = json(response).path("results").get(0).path("hits");
            assertThat(hits).hasSize(2);
            for (int i = 0; i < 2; i++) {
                assertThat(hits.get(i).path("file").asText()).isEqualTo(expected.hits().get(i).file());
                assertThat(hits.get(i).path("score").asDouble()).isCloseTo(expected.hits().get(i).score(),
                        within(1e-5));
            }
            assertThat(List.of("red.png", "green.png", "more/blue.png")).contains(hits.get(0).path("file").asText());
            refused(post(searching, "/api/pipeline/image-search", "{\"model\": \"clip\", \"inputs\": "
                    + "{\"query\": \"x\", \"folder\": \"/etc\"}}"), 400, "inputs", "unknown field 'folder'");
        }
    }

    @Test
    void refusalsSayWhatIsWrong() throws Exception {
        refused(post(server, "/api/pipeline/token-classification", "{\"model\": \"minilm\", \"inputs\": {}}"),
                404, null, "no task 'token-classification'", "feature-extraction", "sentence-similarity",
                "zero-shot-image-classification", "text-to-speech");
        refused(post(server, "/api/pipeline/text-to-speech", "{\"model\": \"minilm\", \"inputs\": {\"text\": "
                + "\"hi\"}}"), 400, "model", "cannot be used for text-to-speech");
        refused(post(server, "/api/pipeline/image-search", "{\"model\": \"clip\", \"inputs\": {\"query\": \"x\"}}"),
                404, null, "not served here", "--images DIR");
        refused(post(server, "/api/pipeline/sentence-similarity",
                "{\"model\": \"minilm\", \"inputs\": {\"source_sentence\": \"x\"}}"), 400, "inputs",
                "sentences is missing");
        refused(post(server, "/api/pipeline/sentence-similarity",
                "{\"inputs\": {\"source_sentence\": \"x\", \"sentences\": [\"y\"]}}"), 400, "model",
                "'model' is missing");
        refused(post(server, "/api/pipeline/sentence-similarity", "{\"model\": \"minilm\"}"), 400, "inputs",
                "'inputs' is missing");
        refused(post(server, "/api/pipeline/zero-shot-image-classification", "{\"model\": \"minilm\", \"inputs\": "
                + "{\"image\": \"aGk=\", \"candidate_labels\": [\"a\"]}}"), 400, "model", "cannot be used for "
                + "zero-shot-image-classification", "/api/pipeline/feature-extraction");

        refused(multipart(server, "/api/pipeline/sentence-similarity", fields("model", "minilm"), null), 400, null,
                "takes a JSON body");
        refused(multipart(server, "/api/pipeline/zero-shot-image-classification", fields("model", "clip",
                "folder", "/etc"), null), 400, "folder", "unknown form field 'folder'");
        refused(post(server, "/v1/completions", "{\"model\": \"minilm\", \"prompt\": \"hi\"}"), 400, "model",
                "cannot be used for completions", "/v1/embeddings");
        refused(post(server, "/api/logprobs", "{\"model\": \"minilm\", \"text\": \"hi\"}"), 400, "model",
                "cannot be used for log-probabilities");
        refused(post(server, "/v1/embeddings", "{\"model\": \"llm\", \"input\": \"hi\"}"), 400, "model",
                "language model", "/v1/completions");
        refused(post(server, "/v1/embeddings", "{\"model\": \"nope\", \"input\": \"hi\"}"), 404, "model",
                "does not exist");

        refused(post(server, "/v1/embeddings", embeddingsBody(List.of(101, 2023, 102), "")), 400, "input",
                "token ids", "not accepted");
        refused(post(server, "/v1/embeddings", embeddingsBody(List.of(List.of(101, 102)), "")), 400, "input",
                "token ids");
        refused(post(server, "/v1/embeddings", embeddingsBody("", "")), 400, "input", "empty string");
        refused(post(server, "/v1/embeddings", embeddingsBody(List.of("a", ""), "")), 400, "input", "input[1]");
        refused(post(server, "/v1/embeddings", embeddingsBody(List.of(), "")), 400, "input", "empty list");
        refused(post(server, "/v1/embeddings", "{\"model\": \"minilm\"}"), 400, "input", "'input' is missing");
        List<String> tooMany = new ArrayList<>();
        for (int i = 0; i <= EmbeddingRequest.MAX_INPUTS; i++) {
            tooMany.add("x");
        }
        refused(post(server, "/v1/embeddings", embeddingsBody(tooMany, "")), 400, "input", "at most 2048");
        refused(post(server, "/v1/embeddings", embeddingsBody("x", ", \"encoding_format\": \"int8\"")), 400,
                "encoding_format", "\"float\"", "\"base64\"");
        int dimension = inProcess(List.of("x")).getFirst().embedding().length;
        refused(post(server, "/v1/embeddings", embeddingsBody("x", ", \"dimensions\": " + (dimension / 2))), 400,
                "dimensions", "vectors of " + dimension + " dimensions");
    }

    @Test
    void imageInputsThatAreNotImagesAndClipOnTextEndpointsAreRefused() throws Exception {
        requireClip();
        refused(post(server, "/api/pipeline/zero-shot-image-classification", "{\"model\": \"clip\", \"inputs\": "
                + "{\"image\": \"not base64 at all!\", \"candidate_labels\": [\"a\"]}}"), 400, "inputs", "image");
        refused(post(server, "/api/pipeline/zero-shot-image-classification", "{\"model\": \"clip\", \"inputs\": "
                + "{\"image\": \"/etc/passwd\", \"candidate_labels\": [\"a\"]}}"), 400, "inputs", "image");
        refused(post(server, "/v1/chat/completions", "{\"model\": \"clip\", \"messages\": [{\"role\": \"user\", "
                + "\"content\": \"hi\"}]}"), 400, "model", "cannot be used for chat completions");
        refused(post(server, "/v1/embeddings", "{\"model\": \"clip\", \"input\": \"hi\"}"), 400, "model",
                "cannot be used for embeddings");
    }

    @Test
    void anApiKeyGuardsThePipelineEndpointsAndABusyServerRefusesWith429() throws Exception {
        try (WebServer locked = WebServer.start(options("s3cret", ServeOptions.Limits.defaults()))) {
            refused(post(locked, "/v1/embeddings", embeddingsBody("hi", "")), 401, null, "API key");
            refused(post(locked, "/api/pipeline/feature-extraction", "{\"model\": \"minilm\", \"inputs\": "
                    + "{\"text\": \"hi\"}}"), 401, null, "API key");
            refused(multipart(locked, "/api/pipeline/zero-shot-image-classification",
                    fields("model", "minilm"), png(Color.BLUE)), 401, null, "API key");
            assertThat(post(locked, "/v1/embeddings", embeddingsBody("hi", ""), "Authorization", "Bearer s3cret")
                    .statusCode()).isEqualTo(200);
        }
        ServeOptions.Limits one = new ServeOptions.Limits(1 << 20, 1024, 1, 0, 2);
        try (WebServer small = WebServer.start(options(null, one))) {
            assertThat(post(small, "/v1/embeddings", embeddingsBody("hi", "")).statusCode()).isEqualTo(200);
            try (GenerationGate.Permit held = small.gate().enter()) { // the only slot, as a long generation would
                refused(post(small, "/v1/embeddings", embeddingsBody("hi", "")), 429, null, "busy");
                // once the model's dimension is known, a wrong one is refused before waiting for a slot
                refused(post(small, "/v1/embeddings", embeddingsBody("hi", ", \"dimensions\": 3")), 400,
                        "dimensions", "dimensions");
                refused(post(small, "/api/pipeline/sentence-similarity", "{\"model\": \"minilm\", \"inputs\": "
                        + "{\"source_sentence\": \"a\", \"sentences\": [\"b\"]}}"), 429, null, "busy");
            }
            assertThat(post(small, "/v1/embeddings", embeddingsBody("hi", "")).statusCode()).isEqualTo(200);
            JsonNode health = json(get(small, "/api/health")).path("generations");
            assertThat(health.path("completed").asInt()).isEqualTo(2);
            assertThat(health.path("refused").asInt()).isEqualTo(2);
        }
        // a multipart upload without a declared length is cut off at the limit too
        ServeOptions.Limits small = new ServeOptions.Limits(64 << 10, 1024, 4, 32, 2);
        try (WebServer limited = WebServer.start(options(null, small))) {
            byte[] big = new byte[200 << 10];
            new java.util.Random(1).nextBytes(big);
            String boundary = "----perennial-test-boundary";
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\nclip\r\n--"
                    + boundary + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"big.png\"\r\n"
                    + "Content-Type: image/png\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            body.write(big);
            body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
            HttpRequest chunked = HttpRequest.newBuilder(URI.create(limited.url() + "api/pipeline/"
                            + "zero-shot-image-classification"))
                    .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(
                            body.toByteArray()))).build();
            HttpResponse<String> refused = ServeApiTest.HTTP.send(chunked, HttpResponse.BodyHandlers.ofString());
            refused(refused, 413, null, "larger than 65536 bytes");
        }
        // the size limit holds for the pipeline endpoints too (declared length, refused before reading)
        String huge = embeddingsBody("x".repeat(2 << 20), "");
        HttpRequest hugeRequest = HttpRequest.newBuilder(URI.create(server.url() + "v1/embeddings"))
                .header("Content-Type", "application/json").expectContinue(true)
                .POST(HttpRequest.BodyPublishers.ofString(huge)).build();
        assertThat(ServeApiTest.HTTP.send(hugeRequest, HttpResponse.BodyHandlers.ofString()).statusCode())
                .isEqualTo(413);
    }
}

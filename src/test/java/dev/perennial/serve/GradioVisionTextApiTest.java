package dev.perennial.serve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.image.ImageFiles;
import dev.perennial.image.RgbImage;
import dev.perennial.io.Json;
import dev.perennial.pipeline.Inputs;
import dev.perennial.pipeline.Outputs;
import dev.perennial.pipeline.Pipeline;
import dev.perennial.pipeline.Task;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.perennial.serve.ServeApiTest.JSON;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The object-detection, summarization and BLIP (captioning, question answering, image-text matching) apps of {@code perennial serve --app ...} driven by the official
 * @gradio/client (npm) on the tiny DETR, BART and BLIPs: what they answer is compared with the pipelines run in-process.
 */
class GradioVisionTextApiTest {

    static final Path REFERENCE = Path.of("src/test/resources/reference");
    static final String ARTICLE = "The quick brown fox jumps over the lazy dog. The dog sleeps on in the sun.";

    @TempDir
    static Path models;

    static WebServer server;

    @BeforeAll
    static void start() throws IOException {
        PipelineApiTest.copy(REFERENCE.resolve("detr"), models.resolve("detr"));
        PipelineApiTest.copy(REFERENCE.resolve("bart"), models.resolve("bart"));
        for (String head : List.of("caption", "vqa", "itm")) {
            PipelineApiTest.copy(REFERENCE.resolve("blip").resolve(head), models.resolve("blip-" + head));
        }
        server = WebServer.start(new ServeOptions(List.of(), List.of(models), "127.0.0.1", 0, null,
                ServeOptions.Limits.defaults()).withApps(List.of(AppSpec.parse("object-detection=detr"),
                AppSpec.parse("summarization=bart"), AppSpec.parse("image-to-text=blip-caption"),
                AppSpec.parse("visual-question-answering=blip-vqa"), AppSpec.parse("image-text-matching=blip-itm"))));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void detectionsComeAsTheBoxesDrawnAndThePipelinesJson() throws Exception {
        Path image = REFERENCE.resolve("detr/image-0.png").toAbsolutePath();
        RgbImage original = ImageFiles.read(Files.readAllBytes(image), "image-0.png");
        JsonNode want;
        try (var pipeline = Pipeline.forTask(Task.OBJECT_DETECTION, models.resolve("detr").toString())) {
            want = Json.MAPPER.valueToTree(pipeline.run(new Inputs.DetectionImage(original, 0.3)));
        }
        assertThat(want).as("the tiny DETR finds something at 0.3, so boxes are drawn").isNotEmpty();
        Path dir = NodeClient.GRADIO.installed();
        Files.writeString(dir.resolve("detect.mjs"), """
                import { Client, handle_file } from "@gradio/client";
                const out = {};
                const app = await Client.connect(process.env.BASE_URL + "apps/object-detection/");
                out.api = await app.view_api();
                out.found = (await app.predict("/predict", { image: handle_file(process.env.IMAGE), threshold: 0.3 }))
                    .data;
                try {
                    await app.predict("/predict", { image: handle_file(process.env.IMAGE), threshold: 1.5 });
                } catch (e) {
                    out.badThreshold = e.message;
                }
                console.log(JSON.stringify(out));
                """);
        JsonNode out = JSON.readTree(NodeClient.run(dir, "detect.mjs", server.url(), "IMAGE", image.toString()));

        assertThat(out.path("api").path("named_endpoints").path("/predict").path("parameters")
                .findValuesAsText("parameter_name")).containsExactly("image", "threshold");
        assertThat(out.path("found").get(1)).isEqualTo(want);
        String path = out.path("found").get(0).path("path").asText();
        HttpResponse<byte[]> drawn = GradioApiTest.getBytesFrom(server, "/apps/object-detection/gradio_api/file="
                + path);
        assertThat(drawn.statusCode()).isEqualTo(200);
        RgbImage boxes = ImageFiles.read(drawn.body(), "detections.png");
        assertThat(boxes.width()).isEqualTo(original.width());
        assertThat(boxes.height()).isEqualTo(original.height());
        JsonNode box = want.get(0).path("box");
        int x = box.path("xmin").asInt();
        int y = (box.path("ymin").asInt() + box.path("ymax").asInt()) / 2;
        assertThat(differs(original, boxes, x, y)).as("the first box's left edge is drawn over the image").isTrue();
        assertThat(out.path("badThreshold").asText()).contains("threshold");
    }

    @Test
    void theSummaryIsThePipelines() throws Exception {
        String want;
        try (var pipeline = Pipeline.forTask(Task.SUMMARIZATION, models.resolve("bart").toString())) {
            want = pipeline.run(new Inputs.Text(ARTICLE)).summaryText();
        }
        Path dir = NodeClient.GRADIO.installed();
        Files.writeString(dir.resolve("summarize.mjs"), """
                import { Client } from "@gradio/client";
                const out = {};
                const app = await Client.connect(process.env.BASE_URL + "apps/summarization/");
                out.summary = (await app.predict("/predict", { text: process.env.ARTICLE })).data;
                try {
                    await app.predict("/predict", { text: "" });
                } catch (e) {
                    out.empty = e.message;
                }
                console.log(JSON.stringify(out));
                """);
        JsonNode out = JSON.readTree(NodeClient.run(dir, "summarize.mjs", server.url(), "ARTICLE", ARTICLE));

        assertThat(out.path("summary").get(0).asText()).isEqualTo(want);
        assertThat(out.path("empty").asText()).contains("text");
    }

    @Test
    void theBlipAppsAnswerWhatTheirPipelinesDo() throws Exception {
        Path image = REFERENCE.resolve("blip/caption/image.png").toAbsolutePath();
        RgbImage picture = ImageFiles.read(Files.readAllBytes(image), "image.png");
        String caption;
        String prompted;
        try (var pipeline = Pipeline.forTask(Task.IMAGE_TO_TEXT, models.resolve("blip-caption").toString())) {
            caption = pipeline.run(new Inputs.CaptionImage(picture)).generatedText();
            prompted = pipeline.run(new Inputs.CaptionImage(picture, "a picture of")).generatedText();
        }
        String answer;
        try (var pipeline = Pipeline.forTask(Task.VISUAL_QUESTION_ANSWERING,
                models.resolve("blip-vqa").toString())) {
            answer = pipeline.run(new Inputs.ImageQuestion(picture, "what is it?")).answer();
        }
        Outputs.Match match;
        try (var pipeline = Pipeline.forTask(Task.IMAGE_TEXT_MATCHING, models.resolve("blip-itm").toString())) {
            match = pipeline.run(new Inputs.ImageText(picture, "a red ball"));
        }
        Path dir = NodeClient.GRADIO.installed();
        Files.writeString(dir.resolve("blip.mjs"), """
                import { Client, handle_file } from "@gradio/client";
                const out = {};
                const base = process.env.BASE_URL + "apps/";
                const image = handle_file(process.env.IMAGE);
                const captioner = await Client.connect(base + "image-to-text/");
                out.caption = (await captioner.predict("/predict", { image, prompt: "" })).data;
                out.prompted = (await captioner.predict("/predict", { image, prompt: "a picture of" })).data;
                const vqa = await Client.connect(base + "visual-question-answering/");
                out.answer = (await vqa.predict("/predict", { image, question: "what is it?" })).data;
                try {
                    await vqa.predict("/predict", { image, question: "" });
                } catch (e) {
                    out.noQuestion = e.message;
                }
                const itm = await Client.connect(base + "image-text-matching/");
                out.match = (await itm.predict("/predict", { image, text: "a red ball" })).data;
                console.log(JSON.stringify(out));
                """);
        JsonNode out = JSON.readTree(NodeClient.run(dir, "blip.mjs", server.url(), "IMAGE", image.toString()));

        assertThat(out.path("caption").get(0).asText()).isEqualTo(caption);
        assertThat(out.path("prompted").get(0).asText()).isEqualTo(prompted);
        assertThat(out.path("answer").get(0).asText()).isEqualTo(answer);
        assertThat(out.path("noQuestion").asText()).contains("question");
        JsonNode label = out.path("match").get(0);
        assertThat(label.path("label").asText()).isEqualTo(match.probability() >= 0.5 ? "match" : "no match");
        assertThat(label.path("confidences").findValues("confidence").stream().mapToDouble(JsonNode::asDouble).sum())
                .isCloseTo(1.0, within(1e-9));
        assertThat(out.path("match").get(1).path("probability").asDouble()).isCloseTo(match.probability(),
                within(1e-12));
        assertThat(out.path("match").get(1).path("cosine_similarity").asDouble()).isCloseTo(match.cosineSimilarity(),
                within(1e-12));
    }

    /** Whether any channel of the pixel at (x, y) or its neighbours in x changed. */
    private static boolean differs(RgbImage a, RgbImage b, int x, int y) {
        for (int dx = -1; dx <= 1; dx++) {
            int px = Math.min(a.width() - 1, Math.max(0, x + dx));
            for (int c = 0; c < 3; c++) {
                if (a.get(px, y, c) != b.get(px, y, c)) {
                    return true;
                }
            }
        }
        return false;
    }
}

package dev.perennial.serve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.image.ImageFiles;
import dev.perennial.image.RgbImage;
import dev.perennial.io.Json;
import dev.perennial.pipeline.Inputs;
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

/**
 * The object-detection and summarization apps of {@code perennial serve --app ...} driven by the official
 * @gradio/client (npm) on the tiny DETR and BART: what they answer is compared with the pipelines run in-process.
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
        server = WebServer.start(new ServeOptions(List.of(), List.of(models), "127.0.0.1", 0, null,
                ServeOptions.Limits.defaults()).withApps(List.of(AppSpec.parse("object-detection=detr"),
                AppSpec.parse("summarization=bart"))));
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

package dev.perennial.serve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.image.DepthPicture;
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

/**
 * The translation, depth-estimation and mask-generation apps of {@code perennial serve --app ...} driven by the
 * official @gradio/client (npm), and once by Python's gradio_client, on the tiny NLLB, DPT and SAM: what they answer
 * is compared with the pipelines run in-process.
 */
class GradioTaskAppsApiTest {

    static final Path REFERENCE = Path.of("src/test/resources/reference");

    @TempDir
    static Path models;

    static WebServer server;

    @BeforeAll
    static void start() throws IOException {
        for (String model : List.of("nllb", "dpt", "sam")) {
            PipelineApiTest.copy(REFERENCE.resolve(model), models.resolve(model));
        }
        server = WebServer.start(new ServeOptions(List.of(), List.of(models), "127.0.0.1", 0, null,
                ServeOptions.Limits.defaults()).withApps(List.of(AppSpec.parse("translation=nllb"),
                AppSpec.parse("depth-estimation=dpt"), AppSpec.parse("mask-generation=sam"))));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void theTranslationIsThePipelinesAndAnUnknownLanguageIsTheCallsError() throws Exception {
        String text = "a cat sits on the mat";
        String want;
        try (var pipeline = Pipeline.forTask(Task.TRANSLATION, models.resolve("nllb").toString())) {
            want = pipeline.run(new Inputs.Translation(text, "eng_Latn", "fra_Latn")).translationText();
        }
        Path dir = NodeClient.GRADIO.installed();
        Files.writeString(dir.resolve("translate.mjs"), """
                import { Client } from "@gradio/client";
                const out = {};
                const app = await Client.connect(process.env.BASE_URL + "apps/translation/");
                out.api = await app.view_api();
                out.translation = (await app.predict("/predict", { text: process.env.TEXT })).data;
                try {
                    await app.predict("/predict", { text: process.env.TEXT, target_language: "fr" });
                } catch (e) {
                    out.unknown = e.message;
                }
                console.log(JSON.stringify(out));
                """);
        JsonNode out = JSON.readTree(NodeClient.run(dir, "translate.mjs", server.url(), "TEXT", text));

        JsonNode parameters = out.path("api").path("named_endpoints").path("/predict").path("parameters");
        assertThat(parameters.findValuesAsText("parameter_name"))
                .containsExactly("text", "source_language", "target_language");
        assertThat(parameters.get(2).path("parameter_default").asText()).isEqualTo("fra_Latn");
        assertThat(out.path("translation").get(0).asText()).isEqualTo(want);
        assertThat(out.path("unknown").asText()).contains("'fr'").contains("did you mean 'fra_Latn'?");
    }

    @Test
    void thePythonClientTranslatesWithTheDefaultLanguages(@TempDir Path downloads) throws Exception {
        String text = "a cat sits on the mat";
        String want;
        try (var pipeline = Pipeline.forTask(Task.TRANSLATION, models.resolve("nllb").toString())) {
            want = pipeline.run(new Inputs.Translation(text, "eng_Latn", "fra_Latn")).translationText();
        }
        JsonNode out = PythonClient.run("""
                import json, os
                from gradio_client import Client
                app = Client(os.environ["BASE_URL"] + "apps/translation/")
                print(json.dumps({"translation": app.predict(os.environ["TEXT"], api_name="/predict")}))
                """, server.url(), downloads, "TEXT", text);

        assertThat(out.path("translation").asText()).isEqualTo(want);
    }

    @Test
    void depthComesAsTheCliPictureAndTheRange() throws Exception {
        Path image = REFERENCE.resolve("dpt/image-0.png").toAbsolutePath();
        Outputs.Depth want;
        try (var pipeline = Pipeline.forTask(Task.DEPTH_ESTIMATION, models.resolve("dpt").toString())) {
            want = pipeline.run(new Inputs.Image(ImageFiles.read(Files.readAllBytes(image), "image-0.png")));
        }
        Path dir = NodeClient.GRADIO.installed();
        Files.writeString(dir.resolve("depth.mjs"), """
                import { Client, handle_file } from "@gradio/client";
                const app = await Client.connect(process.env.BASE_URL + "apps/depth-estimation/");
                const out = (await app.predict("/predict", { image: handle_file(process.env.IMAGE) })).data;
                console.log(JSON.stringify(out));
                """);
        JsonNode out = JSON.readTree(NodeClient.run(dir, "depth.mjs", server.url(), "IMAGE", image.toString()));

        assertThat(out.get(1)).isEqualTo(asJson(want));
        assertThat(out.get(1).path("min").asDouble()).isLessThan(out.get(1).path("max").asDouble());
        RgbImage drawn = fetched("depth-estimation", out.get(0), "depth.png");
        DepthPicture picture = want.picture();
        assertThat(drawn.width()).isEqualTo(picture.width());
        assertThat(drawn.height()).isEqualTo(picture.height());
        for (int y = 0; y < picture.height(); y += 7) {
            for (int x = 0; x < picture.width(); x += 5) {
                assertThat(drawn.get(x, y, 0)).as("grey at %d,%d", x, y).isEqualTo(picture.get(x, y));
            }
        }
    }

    @Test
    void masksComeDrawnOverTheImageWithThePipelinesScores() throws Exception {
        Path image = REFERENCE.resolve("sam/image-0.png").toAbsolutePath();
        RgbImage original = ImageFiles.read(Files.readAllBytes(image), "image-0.png");
        JsonNode want;
        JsonNode automatic;
        try (var pipeline = Pipeline.forTask(Task.MASK_GENERATION, models.resolve("sam").toString())) {
            want = asJson(pipeline.run(new Inputs.MaskPrompt(original,
                    List.of(new Inputs.Point(30, 20, 1), new Inputs.Point(70, 40, 0)),
                    new Inputs.PromptBox(10, 5, 60, 50), true)));
            automatic = asJson(pipeline.run(Inputs.MaskPrompt.automatic(original, null)));
        }
        Path dir = NodeClient.GRADIO.installed();
        Files.writeString(dir.resolve("masks.mjs"), """
                import { Client, handle_file } from "@gradio/client";
                const out = {};
                const app = await Client.connect(process.env.BASE_URL + "apps/mask-generation/");
                out.found = (await app.predict("/predict", { image: handle_file(process.env.IMAGE),
                    points: "30,20; 70, 40, 0", box: "10,5,60,50" })).data;
                out.automatic = (await app.predict("/predict", { image: handle_file(process.env.IMAGE),
                    points: "", box: "" })).data;
                try {
                    await app.predict("/predict", { image: handle_file(process.env.IMAGE), points: "30" });
                } catch (e) {
                    out.badPoints = e.message;
                }
                console.log(JSON.stringify(out));
                """);
        JsonNode out = JSON.readTree(NodeClient.run(dir, "masks.mjs", server.url(), "IMAGE", image.toString()));

        assertThat(out.path("found").get(1)).isEqualTo(want);
        assertThat(want.path("masks")).hasSize(3);
        // no points and no box: automatic generation with transformers' defaults, as the pipeline runs it
        assertThat(out.path("automatic").get(1)).isEqualTo(automatic);
        RgbImage drawn = fetched("mask-generation", out.path("found").get(0), "masks.png");
        assertThat(drawn.width()).isEqualTo(original.width());
        assertThat(drawn.height()).isEqualTo(original.height());
        assertThat(changedPixels(original, drawn)).as("the masks are overlaid").isPositive();
        assertThat(out.path("badPoints").asText()).contains("Points").contains("'30'");
    }

    @Test
    void eachAppOffersExamplesThatFitItsInputs() throws Exception {
        for (String app : List.of("translation", "depth-estimation", "mask-generation")) {
            JsonNode config = ServeApiTest.json(ServeApiTest.get(server, "/apps/" + app + "/config"));
            JsonNode samples = null;
            for (JsonNode c : config.path("components")) {
                samples = c.path("type").asText().equals("dataset") ? c.path("props").path("samples") : samples;
            }
            int inputs = config.path("dependencies").get(0).path("inputs").size();
            assertThat(samples).as(app).isNotNull().hasSize(2);
            samples.forEach(sample -> assertThat(sample).as(app).hasSize(inputs));
            if (app.equals("mask-generation")) {
                for (JsonNode sample : samples) {
                    RgbImage picture = fetched(app, sample.get(0), "example.png");
                    for (JsonNode point : MaskPromptText.points(sample.get(1).asText())) {
                        assertThat(point.get(0).asDouble()).isBetween(0.0, picture.width() - 1.0);
                        assertThat(point.get(1).asDouble()).isBetween(0.0, picture.height() - 1.0);
                    }
                }
            }
        }
    }

    /** A pipeline's result as its JSON text reads back (floats as the wire carries them). */
    private static JsonNode asJson(Object result) throws IOException {
        return Json.MAPPER.readTree(Json.MAPPER.writeValueAsString(result));
    }

    /** The image file an app returned, fetched from its store. */
    private static RgbImage fetched(String app, JsonNode file, String name) throws Exception {
        HttpResponse<byte[]> drawn = GradioApiTest.getBytesFrom(server, "/apps/" + app + "/gradio_api/file="
                + file.path("path").asText());
        assertThat(drawn.statusCode()).isEqualTo(200);
        return ImageFiles.read(drawn.body(), name);
    }

    private static int changedPixels(RgbImage a, RgbImage b) {
        int changed = 0;
        for (int y = 0; y < a.height(); y++) {
            for (int x = 0; x < a.width(); x++) {
                for (int c = 0; c < 3; c++) {
                    if (a.get(x, y, c) != b.get(x, y, c)) {
                        changed++;
                        break;
                    }
                }
            }
        }
        return changed;
    }
}

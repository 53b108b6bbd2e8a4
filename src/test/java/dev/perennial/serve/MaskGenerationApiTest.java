package dev.perennial.serve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.image.ImageFiles;
import dev.perennial.io.Json;
import dev.perennial.pipeline.Inputs;
import dev.perennial.pipeline.Pipeline;
import dev.perennial.pipeline.Task;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** POST /api/pipeline/mask-generation over real HTTP with the tiny SAM, against the pipeline in-process. */
class MaskGenerationApiTest {

    static final Path SAM = Path.of("src/test/resources/reference/sam");

    @RegisterExtension
    static final ServedFolders SERVED = ServedFolders.of("sam", SAM);

    @Test
    void pointsBoxesAndTheAutomaticGridAnswerWhatThePipelineFinds() throws Exception {
        byte[] png = Files.readAllBytes(SAM.resolve("image-0.png"));
        JsonNode want;
        try (var pipeline = Pipeline.forTask(Task.MASK_GENERATION, SAM.toString())) {
            want = Json.MAPPER.readTree(Json.MAPPER.writeValueAsString(pipeline.run(new Inputs.MaskPrompt(
                    ImageFiles.read(png, "png"), List.of(new Inputs.Point(30, 20, 1)),
                    new Inputs.PromptBox(10, 5, 60, 50), true))));
        }
        String image = Base64.getEncoder().encodeToString(png);
        HttpResponse<String> response = ServeApiTest.post(SERVED.server(), "/api/pipeline/mask-generation",
                "{\"model\": \"sam\", \"inputs\": {\"image\": \"" + image + "\", \"points\": [[30, 20]], "
                        + "\"box\": [10, 5, 60, 50]}}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(ServeApiTest.json(response).path("results").get(0)).isEqualTo(want);
        assertThat(want.path("masks")).hasSize(3);

        JsonNode automatic;
        try (var pipeline = Pipeline.forTask(Task.MASK_GENERATION, SAM.toString())) {
            automatic = Json.MAPPER.readTree(Json.MAPPER.writeValueAsString(pipeline.run(Inputs.MaskPrompt.automatic(
                    ImageFiles.read(png, "png"), new Inputs.MaskGrid(16, 6, 0.05, 0, 1, 0, 0.7)))));
        }
        HttpResponse<String> all = ServeApiTest.post(SERVED.server(), "/api/pipeline/mask-generation",
                "{\"model\": \"sam\", \"inputs\": {\"image\": \"" + image + "\", \"points_per_crop\": 6, "
                        + "\"points_per_batch\": 16, \"pred_iou_thresh\": 0.05, \"stability_score_thresh\": 0}}");
        assertThat(all.statusCode()).as(all.body()).isEqualTo(200);
        assertThat(ServeApiTest.json(all).path("results").get(0)).isEqualTo(automatic);
        assertThat(automatic.path("masks").size()).isPositive();

        PipelineApiTest.refused(ServeApiTest.post(SERVED.server(), "/api/pipeline/mask-generation",
                "{\"model\": \"sam\", \"inputs\": {\"image\": \"" + image + "\", \"points\": [[30]]}}"), 400,
                "inputs", "points[0] is [30]");
    }
}

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

import static org.assertj.core.api.Assertions.assertThat;

/** POST /api/pipeline/object-detection over real HTTP with the tiny DETR: JSON and multipart, against in-process. */
class ObjectDetectionApiTest {

    static final Path DETR = Path.of("src/test/resources/reference/detr");

    @RegisterExtension
    static final ServedFolders SERVED = ServedFolders.of("detr", DETR);

    @Test
    void jsonAndUploadsAnswerWhatThePipelineFinds() throws Exception {
        byte[] png = Files.readAllBytes(DETR.resolve("image-0.png"));
        JsonNode want;
        try (var pipeline = Pipeline.forTask(Task.OBJECT_DETECTION, DETR.toString())) {
            want = Json.MAPPER.valueToTree(pipeline.run(new Inputs.DetectionImage(ImageFiles.read(png, "png"), 0.98)));
        }
        assertThat(want).isNotEmpty();
        HttpResponse<String> response = ServeApiTest.post(SERVED.server(), "/api/pipeline/object-detection",
                "{\"model\": \"detr\", \"inputs\": {\"image\": \"" + Base64.getEncoder().encodeToString(png)
                        + "\", \"threshold\": 0.98}}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(ServeApiTest.json(response).path("results").get(0)).isEqualTo(want);

        HttpResponse<String> uploaded = PipelineApiTest.multipart(SERVED.server(), "/api/pipeline/object-detection",
                PipelineApiTest.fields("model", "detr", "threshold", "0.98"), png);
        assertThat(uploaded.statusCode()).as(uploaded.body()).isEqualTo(200);
        assertThat(ServeApiTest.json(uploaded).path("results").get(0)).isEqualTo(want);

        PipelineApiTest.refused(ServeApiTest.post(SERVED.server(), "/api/pipeline/object-detection",
                "{\"model\": \"detr\", \"inputs\": {\"image\": \"" + Base64.getEncoder().encodeToString(png)
                        + "\", \"threshold\": \"high\"}}"), 400, "inputs", "threshold is");
        PipelineApiTest.refused(PipelineApiTest.multipart(SERVED.server(), "/api/pipeline/object-detection",
                PipelineApiTest.fields("model", "detr"), null), 400, "inputs", "image is missing");
    }
}

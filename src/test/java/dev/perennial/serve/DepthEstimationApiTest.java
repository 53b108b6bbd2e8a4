package dev.perennial.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.image.ImageFiles;
import dev.perennial.io.Json;
import dev.perennial.pipeline.Inputs;
import dev.perennial.pipeline.Outputs;
import dev.perennial.pipeline.Pipeline;
import dev.perennial.pipeline.Task;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

/** POST /api/pipeline/depth-estimation over real HTTP with the tiny DPT: JSON and multipart, against in-process. */
class DepthEstimationApiTest {

    static final Path DPT = Path.of("src/test/resources/reference/dpt");

    @RegisterExtension
    static final ServedFolders SERVED = ServedFolders.of("dpt", DPT);

    @Test
    void jsonAndUploadsAnswerThePipelinesDepthWithItsPicture() throws Exception {
        byte[] png = Files.readAllBytes(DPT.resolve("image-1.png"));
        Outputs.Depth depth;
        try (var pipeline = Pipeline.forTask(Task.DEPTH_ESTIMATION, DPT.toString())) {
            depth = pipeline.run(new Inputs.Image(ImageFiles.read(png, "png")));
        }
        ObjectNode want = (ObjectNode) Json.MAPPER.readTree(Json.MAPPER.writeValueAsString(depth));
        want.put("depth", "data:image/png;base64," + Base64.getEncoder().encodeToString(depth.picture().png()));
        HttpResponse<String> response = ServeApiTest.post(SERVED.server(), "/api/pipeline/depth-estimation",
                "{\"model\": \"dpt\", \"inputs\": {\"image\": \"" + Base64.getEncoder().encodeToString(png) + "\"}}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode result = ServeApiTest.json(response).path("results").get(0);
        assertThat(result).isEqualTo(want);
        String dataUrl = result.path("depth").asText();
        var picture = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(
                Base64.getDecoder().decode(dataUrl.substring(dataUrl.indexOf(',') + 1))));
        assertThat(picture.getWidth()).isEqualTo(40);
        assertThat(picture.getRaster().getSample(5, 7, 0)).isEqualTo(depth.picture().get(5, 7));

        HttpResponse<String> uploaded = PipelineApiTest.multipart(SERVED.server(), "/api/pipeline/depth-estimation",
                PipelineApiTest.fields("model", "dpt"), png);
        assertThat(uploaded.statusCode()).as(uploaded.body()).isEqualTo(200);
        assertThat(ServeApiTest.json(uploaded).path("results").get(0)).isEqualTo(want);

        PipelineApiTest.refused(PipelineApiTest.multipart(SERVED.server(), "/api/pipeline/depth-estimation",
                PipelineApiTest.fields("model", "dpt"), null), 400, "inputs", "image is missing");
        PipelineApiTest.refused(ServeApiTest.post(SERVED.server(), "/api/pipeline/depth-estimation",
                "{\"model\": \"dpt\", \"inputs\": {\"image\": \"not base64!\"}}"), 400, "inputs", "image");
    }
}

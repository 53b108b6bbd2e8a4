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

/** POST /api/pipeline/{image-to-text, visual-question-answering} with the tiny BLIPs: JSON and uploads. */
class BlipApiTest {

    static final Path REF = Path.of("src/test/resources/reference/blip");

    @RegisterExtension
    static final ServedFolders SERVED = ServedFolders.of("blip-caption", REF.resolve("caption"))
            .and("blip-vqa", REF.resolve("vqa"));

    @Test
    void captionsFromJsonAndUploadsAreThePipelines() throws Exception {
        byte[] png = Files.readAllBytes(REF.resolve("caption/image.png"));
        JsonNode want;
        try (var pipeline = Pipeline.forTask(Task.IMAGE_TO_TEXT, REF.resolve("caption").toString())) {
            want = Json.MAPPER.valueToTree(pipeline.run(new Inputs.CaptionImage(ImageFiles.read(png, "png"),
                    "a picture of")));
        }
        HttpResponse<String> response = ServeApiTest.post(SERVED.server(), "/api/pipeline/image-to-text",
                "{\"model\": \"blip-caption\", \"inputs\": {\"image\": \"" + Base64.getEncoder().encodeToString(png)
                        + "\", \"prompt\": \"a picture of\"}}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(ServeApiTest.json(response).path("results").get(0)).isEqualTo(want);

        HttpResponse<String> uploaded = PipelineApiTest.multipart(SERVED.server(), "/api/pipeline/image-to-text",
                PipelineApiTest.fields("model", "blip-caption", "prompt", "a picture of"), png);
        assertThat(uploaded.statusCode()).as(uploaded.body()).isEqualTo(200);
        assertThat(ServeApiTest.json(uploaded).path("results").get(0)).isEqualTo(want);
    }

    @Test
    void aQuestionUploadIsAnsweredAndAMissingQuestionNamed() throws Exception {
        byte[] png = Files.readAllBytes(REF.resolve("vqa/image.png"));
        HttpResponse<String> uploaded = PipelineApiTest.multipart(SERVED.server(),
                "/api/pipeline/visual-question-answering",
                PipelineApiTest.fields("model", "blip-vqa", "question", "what color is the cat?"), png);
        assertThat(uploaded.statusCode()).as(uploaded.body()).isEqualTo(200);
        assertThat(ServeApiTest.json(uploaded).path("results").get(0).path("answer").asText()).isNotEmpty();
        PipelineApiTest.refused(PipelineApiTest.multipart(SERVED.server(), "/api/pipeline/visual-question-answering",
                PipelineApiTest.fields("model", "blip-vqa"), png), 400, "inputs", "question is missing");
    }
}

package dev.perennial.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.UserError;
import dev.perennial.image.ImageFiles;
import dev.perennial.io.Json;
import dev.perennial.tensor.Safetensors;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * The object-detection task on the tiny DETR of tools/reference/detr.py: each image alone, as transformers'
 * ObjectDetectionPipeline runs it (its own size, no padding), labels named by id2label and boxes in whole pixels.
 */
class ObjectDetectionTest {

    static final Path DETR = Path.of("src/test/resources/reference/detr");
    /** id2label of the tiny config.json, which detr.py writes. */
    static final java.util.List<String> LABELS = java.util.List.of("N/A", "person", "bicycle", "car", "N/A", "cat");

    @Test
    void detectionsMatchTheReferencePipelineImageByImage() {
        Map<String, Tensor> expected = Safetensors.read(DETR.resolve("expected.safetensors"), torch.ScalarType.Double);
        double threshold = expected.get("threshold").item_double();
        try (var pipeline = Pipeline.forTask(Task.OBJECT_DETECTION, DETR.toString())) {
            for (int i = 0; i < 2; i++) {
                Outputs.Detections found = pipeline.run(new Inputs.DetectionImage(
                        ImageFiles.read(DETR.resolve("image-" + i + ".png")), threshold));
                Tensor scores = expected.get("pipeline_scores_" + i);
                Tensor boxes = expected.get("pipeline_boxes_" + i);
                assertThat(found.detections()).as("image " + i).hasSize((int) scores.size(0));
                for (int k = 0; k < found.detections().size(); k++) {
                    Outputs.Detection d = found.detections().get(k);
                    assertThat(d.score()).isCloseTo(scores.get(k).item_double(), within(1e-5));
                    // the tiny config's id2label: the reference's labels are ids
                    long label = expected.get("pipeline_labels_" + i).get(k).item_long();
                    assertThat(d.label()).isEqualTo(LABELS.get((int) label));
                    assertThat(new int[] {d.box().xmin(), d.box().ymin(), d.box().xmax(), d.box().ymax()})
                            .containsExactly(boxes.get(k).get(0).item_int(), boxes.get(k).get(1).item_int(),
                                    boxes.get(k).get(2).item_int(), boxes.get(k).get(3).item_int());
                }
            }
            // a threshold of 1 keeps nothing: softmax scores stay below it
            assertThat(pipeline.run(new Inputs.DetectionImage(ImageFiles.read(DETR.resolve("image-0.png")), 1.0))
                    .detections()).isEmpty();
        }
    }

    @Test
    void theJsonIsTheTransformersPipelinesListOfScoreLabelAndBox() throws Exception {
        Outputs.Detections one = new Outputs.Detections(java.util.List.of(
                new Outputs.Detection(0.75, "cat", new Outputs.Box(1, 2, 30, 40))));
        JsonNode json = Json.MAPPER.readTree(Json.MAPPER.writeValueAsString(one));
        assertThat(json.isArray()).isTrue();
        assertThat(json.get(0).path("label").asText()).isEqualTo("cat");
        assertThat(json.get(0).path("box").path("xmax").asInt()).isEqualTo(30);
    }

    @Test
    void requestsTakeTheImageAndAThreshold() throws Exception {
        Requests.Images files = Requests.filesUnder(DETR);
        Inputs.DetectionImage input = Requests.parse(Task.OBJECT_DETECTION,
                Json.MAPPER.readTree("{\"image\": \"image-0.png\", \"threshold\": 0.9}"), files);
        assertThat(input.threshold()).isEqualTo(0.9);
        assertThat(Requests.parse(Task.OBJECT_DETECTION, Json.MAPPER.readTree("{\"image\": \"image-0.png\"}"), files)
                .threshold()).isEqualTo(0.5);
        assertThatThrownBy(() -> Requests.parse(Task.OBJECT_DETECTION,
                Json.MAPPER.readTree("{\"image\": \"image-0.png\", \"threshold\": 2}"), files))
                .isInstanceOf(UserError.class).hasMessageContaining("threshold is 2.0; give a score from 0 to 1");
        assertThatThrownBy(() -> Requests.parse(Task.OBJECT_DETECTION,
                Json.MAPPER.readTree("{\"image\": \"image-0.png\", \"labels\": []}"), files))
                .hasMessageContaining("unknown field 'labels'");
    }
}

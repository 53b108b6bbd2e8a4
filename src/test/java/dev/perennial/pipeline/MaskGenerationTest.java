package dev.perennial.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.image.ImageFiles;
import dev.perennial.image.RgbImage;
import dev.perennial.io.Json;
import dev.perennial.tensor.Safetensors;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.BitSet;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * The mask-generation task on the tiny SAM of tools/reference/sam.py: a click on the drawn image gives the
 * reference's three post-processed masks and IoU scores; a second click on the same image reuses its embedding.
 */
class MaskGenerationTest {

    static final Path SAM = Path.of("src/test/resources/reference/sam");

    @Test
    void clicksGiveTheReferenceMasksAndScoresAndReuseTheEmbedding() {
        Map<String, Tensor> expected = Safetensors.read(SAM.resolve("expected.safetensors"), torch.ScalarType.Double);
        RgbImage image = ImageFiles.read(SAM.resolve("image-0.png"));
        Tensor clicks = expected.get("input_points_0");
        try (MaskGenerator generator = MaskGenerator.load(SAM, PipelineOptions.defaults());
             var pipeline = Pipeline.over(Task.MASK_GENERATION, generator, PipelineOptions.defaults())) {
            for (int p = 0; p < 2; p++) {
                Inputs.Point click = new Inputs.Point(clicks.get(0).get(p).get(0).get(0).item_double(),
                        clicks.get(0).get(p).get(0).get(1).item_double(), 1);
                Outputs.Masks found = pipeline.run(new Inputs.MaskPrompt(image, List.of(click)));
                assertThat(generator.cachedImages()).isEqualTo(1);
                assertThat(found.width()).isEqualTo(90);
                assertThat(found.height()).isEqualTo(60);
                assertThat(found.masks()).hasSize(3);
                Tensor logits = expected.get("mask_logits_0").get(p);
                for (int m = 0; m < 3; m++) {
                    Outputs.Mask mask = found.masks().get(m);
                    assertThat(mask.score()).isCloseTo(expected.get("iou_scores_0").get(0).get(p).get(m).item_double(),
                            within(1e-5));
                    assertSameMask(mask, logits.get(m), 90);
                }
            }
        }
    }

    /** The mask's pixels, area and box agree with the reference's logits wherever they are clearly decided. */
    private static void assertSameMask(Outputs.Mask mask, Tensor logits, int width) {
        int height = (int) logits.size(0);
        long area = 0;
        int xmin = Integer.MAX_VALUE;
        int xmax = -1;
        int ymin = Integer.MAX_VALUE;
        int ymax = -1;
        int undecided = 0;
        double[] v = new double[height * width];
        Tensor flat = logits.contiguous().view(-1);
        for (int i = 0; i < v.length; i++) {
            v[i] = flat.get(i).item_double();
        }
        BitSet bits = mask.pixels();
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double value = v[y * width + x];
                if (Math.abs(value) < 1e-5) {
                    undecided++;
                    continue;
                }
                boolean on = value > 0;
                assertThat(bits.get(y * width + x)).as("pixel " + x + "," + y).isEqualTo(on);
                if (on) {
                    area++;
                    xmin = Math.min(xmin, x);
                    xmax = Math.max(xmax, x);
                    ymin = Math.min(ymin, y);
                    ymax = Math.max(ymax, y);
                }
            }
        }
        assertThat(mask.area()).isBetween(area, area + undecided);
        assertThat(mask.area()).isEqualTo(bits.cardinality());
        if (undecided == 0 && area > 0) {
            assertThat(mask.box()).isEqualTo(new Outputs.Box(xmin, ymin, xmax, ymax));
        }
    }

    @Test
    void masksCountTheirPixelsAndBoxThem() {
        // two 3x4 masks: one with pixels at (1,0) and (3,2), one empty
        byte[] on = new byte[2 * 12];
        on[1] = 1;
        on[2 * 4 + 3] = 1;
        Outputs.Masks masks = MaskGenerator.masks(on, new double[] {0.9, 0.1}, 3, 4);
        assertThat(masks.masks().get(0).area()).isEqualTo(2);
        assertThat(masks.masks().get(0).box()).isEqualTo(new Outputs.Box(1, 0, 3, 2));
        assertThat(masks.masks().get(1).area()).isZero();
        assertThat(masks.masks().get(1).box()).isNull();
    }

    @Test
    void theJsonHasScoresAreasAndBoxesButNotThePixels() throws Exception {
        BitSet bits = new BitSet();
        bits.set(3);
        Outputs.Masks one = new Outputs.Masks(4, 2, List.of(new Outputs.Mask(0.5, 1, new Outputs.Box(3, 0, 3, 0), bits)));
        JsonNode json = Json.MAPPER.readTree(Json.MAPPER.writeValueAsString(one));
        assertThat(json.path("width").asInt()).isEqualTo(4);
        JsonNode mask = json.path("masks").get(0);
        assertThat(mask.path("score").asDouble()).isEqualTo(0.5);
        assertThat(mask.path("area").asLong()).isEqualTo(1);
        assertThat(mask.path("box").path("xmin").asInt()).isEqualTo(3);
        assertThat(mask.has("pixels")).isFalse();
    }

    @Test
    void requestsTakePointsWithLabelsABoxAndTheMaskCount() throws Exception {
        Requests.Images files = Requests.filesUnder(SAM);
        Inputs.MaskPrompt input = Requests.parse(Task.MASK_GENERATION, Json.MAPPER.readTree(
                "{\"image\": \"image-0.png\", \"points\": [[30, 20], [5, 6, 0]], \"box\": [1, 2, 40, 50], "
                        + "\"multimask_output\": false}"), files);
        assertThat(input.points()).containsExactly(new Inputs.Point(30, 20, 1), new Inputs.Point(5, 6, 0));
        assertThat(input.box()).isEqualTo(new Inputs.PromptBox(1, 2, 40, 50));
        assertThat(input.multimask()).isFalse();
        assertThatThrownBy(() -> Requests.parse(Task.MASK_GENERATION,
                Json.MAPPER.readTree("{\"image\": \"image-0.png\", \"points\": [[30, 20, 2]]}"), files))
                .hasMessageContaining("has label 2");
        assertThatThrownBy(() -> Requests.parse(Task.MASK_GENERATION,
                Json.MAPPER.readTree("{\"image\": \"image-0.png\", \"points\": [[300, 20]]}"), files))
                .hasMessageContaining("point 300.0,20.0 is outside the 90x60 image");
        assertThatThrownBy(() -> Requests.parse(Task.MASK_GENERATION,
                Json.MAPPER.readTree("{\"image\": \"image-0.png\", \"box\": [40, 2, 1, 50]}"), files))
                .hasMessageContaining("x0 <= x1");
    }
}

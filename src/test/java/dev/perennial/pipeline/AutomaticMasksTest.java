package dev.perennial.pipeline;

import dev.perennial.image.ImageFiles;
import dev.perennial.image.RgbImage;
import dev.perennial.model.BoxNms;
import dev.perennial.tensor.DType;
import dev.perennial.tensor.Safetensors;
import dev.perennial.tensor.Tensors;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Automatic mask generation against tools/reference/sam.py's float64 MaskGenerationPipeline on the tiny SAM and its
 * wide image: an 8 x 8 grid decoded 24 clicks at a time (the last batch short). Run in float64, the masks that pass
 * the thresholds, what NMS keeps, their order, boxes, areas and pixels are the reference's exactly
 * (SamAutomaticStepsTest compares the float32 steps before the thresholds).
 */
class AutomaticMasksTest {

    static final Path SAM = Path.of("src/test/resources/reference/sam");

    static Map<String, Tensor> expected() {
        return Safetensors.read(SAM.resolve("expected.safetensors"), torch.ScalarType.Double);
    }

    /** The reference's settings: amg_params holds them in MaskGrid's order, points per crop and batch first. */
    static Inputs.MaskGrid grid(Map<String, Tensor> expected) {
        double[] p = Tensors.toDoubles(expected.get("amg_params"));
        return new Inputs.MaskGrid((int) p[1], (int) p[0], p[2], p[3], p[4], p[5], p[6]);
    }

    @Test
    void whatSurvivesTheThresholdsAndNmsIsTheReferencesExactly() {
        Map<String, Tensor> expected = expected();
        Inputs.MaskGrid grid = grid(expected);
        RgbImage image = ImageFiles.read(SAM.resolve("image-0.png"));
        PipelineOptions f64 = new PipelineOptions(DType.F64, PipelineOptions.DEFAULT_BATCH_SIZE, null);
        try (MaskGenerator generator = MaskGenerator.load(SAM, f64);
             var pipeline = Pipeline.over(Task.MASK_GENERATION, generator, f64)) {
            Outputs.Masks found = pipeline.run(Inputs.MaskPrompt.automatic(image, grid));
            long[] boxes = longs(expected.get("amg_boxes"));
            double[] scores = Tensors.toDoubles(expected.get("amg_scores"));
            long[] areas = longs(expected.get("amg_areas"));
            byte[] pixels = Tensors.toBytes(expected.get("amg_masks"));
            assertThat(found.width()).isEqualTo(90);
            assertThat(found.masks()).hasSize(scores.length).hasSizeGreaterThan(2);
            for (int m = 0; m < scores.length; m++) {
                Outputs.Mask mask = found.masks().get(m);
                assertThat(mask.score()).as("score " + m).isCloseTo(scores[m], within(1e-9));
                assertThat(mask.box()).as("box " + m).isEqualTo(new Outputs.Box((int) boxes[4 * m],
                        (int) boxes[4 * m + 1], (int) boxes[4 * m + 2], (int) boxes[4 * m + 3]));
                assertThat(mask.area()).as("area " + m).isEqualTo(areas[m]);
                for (int p = 0; p < 90 * 60; p++) {
                    assertThat(mask.pixels().get(p)).as("mask " + m + " pixel " + p).isEqualTo(pixels[m * 5400 + p] != 0);
                }
            }
        }
    }

    @Test
    void nmsKeepsTheReferencesMasksInItsOrder() {
        Map<String, Tensor> expected = expected();
        long[] kept = longs(expected.get("amg_kept"));
        long[] boxes = longs(expected.get("amg_kept_boxes"));
        double[] iou = Tensors.toDoubles(expected.get("amg_iou_scores"));
        float[] asFloats = new float[boxes.length];
        double[] scores = new double[kept.length];
        for (int i = 0; i < boxes.length; i++) {
            asFloats[i] = boxes[i];
        }
        for (int i = 0; i < kept.length; i++) {
            scores[i] = iou[(int) kept[i]];
        }
        int[] order = BoxNms.keep(asFloats, scores, grid(expected).cropsNmsThresh());
        assertThat(Arrays.stream(order).asLongStream().toArray()).containsExactly(longs(expected.get("amg_nms_keep")));
        assertThat(order.length).isLessThan(kept.length);
    }

    @Test
    void aPromptWithoutPointsOrBoxIsAutomaticWithTheRequestsSettings() throws Exception {
        Requests.Images files = Requests.filesUnder(SAM);
        Inputs.MaskPrompt input = Requests.parse(Task.MASK_GENERATION, dev.perennial.io.Json.MAPPER.readTree(
                "{\"image\": \"image-0.png\", \"points_per_batch\": 16, \"pred_iou_thresh\": 0.5, "
                        + "\"stability_score_thresh\": 0.9, \"points_per_crop\": 4}"), files);
        assertThat(input.isAutomatic()).isTrue();
        assertThat(input.grid()).isEqualTo(new Inputs.MaskGrid(16, 4, 0.5, 0.9, 1, 0, 0.7));
        Inputs.MaskPrompt defaults = Requests.parse(Task.MASK_GENERATION,
                dev.perennial.io.Json.MAPPER.readTree("{\"image\": \"image-0.png\"}"), files);
        assertThat(defaults.grid()).isEqualTo(Inputs.MaskGrid.DEFAULTS);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Requests.parse(Task.MASK_GENERATION,
                dev.perennial.io.Json.MAPPER.readTree("{\"image\": \"image-0.png\", \"points_per_batch\": 0}"), files))
                .hasMessageContaining("points_per_batch is 0; it is at least 1");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Requests.parse(Task.MASK_GENERATION,
                dev.perennial.io.Json.MAPPER.readTree("{\"image\": \"image-0.png\", \"pred_iou_thresh\": \"high\"}"),
                files)).hasMessageContaining("pred_iou_thresh is");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Inputs.MaskPrompt(input.image(), List.of(),
                null, true, new float[32 * 32], null)).hasMessageContaining("a mask input comes with points");
    }

    private static long[] longs(Tensor t) {
        double[] d = Tensors.toDoubles(t);
        long[] out = new long[d.length];
        for (int i = 0; i < d.length; i++) {
            out[i] = (long) d[i];
        }
        return out;
    }
}

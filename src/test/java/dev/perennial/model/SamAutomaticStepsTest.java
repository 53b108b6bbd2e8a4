package dev.perennial.model;

import dev.perennial.image.ImageFiles;
import dev.perennial.image.SamImageProcessor;
import dev.perennial.tensor.Safetensors;
import dev.perennial.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Map;

import static dev.perennial.model.DetrModelTest.assertClose;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The steps of automatic mask generation before its thresholds, against tools/reference/sam.py's float64
 * MaskGenerationPipeline on the tiny SAM's wide image: the 8 x 8 grid of clicks, their masks and IoU scores in
 * float32, and the stability scores of the reference's own low-resolution masks post-processed here.
 */
class SamAutomaticStepsTest {

    private static final java.nio.file.Path SAM = SamModelTest.REF;

    private static Map<String, Tensor> expected() {
        return Safetensors.read(SAM.resolve("expected.safetensors"), torch.ScalarType.Double);
    }

    /** amg_params: points_per_crop, points_per_batch, pred_iou_thresh, stability_score_thresh, offset, threshold. */
    private static double[] params(Map<String, Tensor> expected) {
        return Tensors.toDoubles(expected.get("amg_params"));
    }

    @Test
    void theGridsMasksAndScoresMatchTheReferenceInFloat32() {
        Map<String, Tensor> expected = expected();
        double[] params = params(expected);
        SamImageProcessor processor = SamImageProcessor.read(SAM.resolve("preprocessor_config.json"));
        SamImageProcessor.Input in = processor.process(ImageFiles.read(SAM.resolve("image-0.png")));
        double[] points = processor.gridPoints((int) params[0], in.original());
        try (SamModel model = SamModel.load(SAM, torch.ScalarType.Float); PointerScope scope = new PointerScope()) {
            assertClose("amg_points", Tensors.fromDoubles(points, torch.ScalarType.Double, 64, 2),
                    expected.get("amg_points"), 1e-12);
            Tensor embeddings = model.embed(Tensors.fromFloats(in.pixels(), 1, 3, 64, 64));
            long[] ones = new long[64];
            Arrays.fill(ones, 1);
            SamModel.Output out = model.decode(embeddings, Tensors.fromDoubles(points, torch.ScalarType.Double,
                    64, 1, 2), Tensors.fromLongs(ones, 64, 1), null, null, true);
            assertClose("amg_low_res_masks", out.masks().select(0, 0), expected.get("amg_low_res_masks"), 1e-5);
            assertClose("amg_iou_scores", out.iouScores().reshape(-1), expected.get("amg_iou_scores"), 1e-5);
        }
    }

    @Test
    void theStabilityScoresMatchTheReferenceExactlyInFloat64() {
        Map<String, Tensor> expected = expected();
        double[] params = params(expected);
        SamImageProcessor processor = SamImageProcessor.read(SAM.resolve("preprocessor_config.json"));
        SamImageProcessor.Input in = processor.process(ImageFiles.read(SAM.resolve("image-0.png")));
        try (PointerScope scope = new PointerScope()) {
            // the reference's own float64 low-resolution masks, post-processed as the pipeline does
            Tensor logits = SamPostProcess.logits(expected.get("amg_low_res_masks"), 64, 64, in.resized(),
                    in.original()).flatten(0, 1);
            float[] stability = Tensors.toFloats(SamPostProcess.stabilityScores(logits, params[5],
                    params[4]));
            float[] want = Tensors.toFloats(expected.get("amg_stability_scores"));
            assertThat(stability).hasSize(192);
            for (int i = 0; i < want.length; i++) {
                if (Float.isNaN(want[i])) {
                    assertThat(stability[i]).as("stability " + i).isNaN();
                } else {
                    assertThat(stability[i]).as("stability " + i).isEqualTo(want[i]);
                }
            }
        }
    }
}

package dev.perennial.model;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The automatic mask generation's filters on hand-made inputs: torchvision's batched_nms as _postprocess_for_amg
 * calls it (one class) and _compute_stability_score; the expected values are worked out in the comments.
 */
class BoxNmsTest {

    @Test
    void overlappingBoxesAreSuppressedByTheHigherScore() {
        float[] boxes = {
            0, 0, 10, 10,   // 0: area 100
            1, 0, 11, 10,   // 1: overlaps 0 by 9 x 10 = 90; IoU 90 / 110 = 0.818
            20, 20, 30, 30, // 2: apart
            0, 0, 10, 5,    // 3: inside 0; IoU 50 / 100 = 0.5
        };
        double[] scores = {0.8, 0.9, 0.5, 0.7};
        // 1 first (0.9) suppresses 0 (0.818 > 0.7); 3 against 1: inter 9 x 5 = 45, IoU 45 / (100 + 50 - 45) = 0.43
        assertThat(BoxNms.keep(boxes, scores, 0.7)).containsExactly(1, 3, 2);
        // at 0.85 nothing is above the threshold: all kept, highest score first
        assertThat(BoxNms.keep(boxes, scores, 0.85)).containsExactly(1, 0, 3, 2);
        // at 0.4 box 3 goes too (0.43 > 0.4)
        assertThat(BoxNms.keep(boxes, scores, 0.4)).containsExactly(1, 2);
    }

    @Test
    void equalScoresKeepTheirOrderAndZeroAreaBoxesSuppressNothing() {
        float[] boxes = {
            5, 5, 5, 5,    // a one-pixel mask's box: area 0, IoU 0/0 with itself-like boxes
            5, 5, 5, 5,
            0, 0, 4, 4,
            0, 0, 4, 4,
        };
        double[] scores = {0.6, 0.6, 0.6, 0.6};
        // a stable sort keeps 0, 1, 2, 3; 0 and 1 have NaN IoU (not above the threshold) so both stay; 3 is 2's twin
        assertThat(BoxNms.keep(boxes, scores, 0.7)).containsExactly(0, 1, 2);
        assertThat(BoxNms.iou(boxes, 0, 1)).isNaN();
        assertThat(BoxNms.iou(boxes, 2, 3)).isEqualTo(1f);
    }

    @Test
    void boxesAndScoresMustPair() {
        assertThatThrownBy(() -> BoxNms.keep(new float[] {0, 0, 1}, new double[] {1}, 0.5))
                .hasMessageContaining("3 box coordinates for 1 scores");
    }

    @Test
    void theStabilityScoreDividesThePixelsAboveTheUpperCutoffByThoseAboveTheLower() {
        try (PointerScope scope = new PointerScope()) {
            // two 2 x 3 masks; threshold 0, offset 1: above 1 over above -1
            Tensor logits = dev.perennial.tensor.Tensors.fromFloats(new float[] {
                2, 0.5f, -0.5f, 1.5f, -2, 3,     // above 1: 3 (2, 1.5, 3); above -1: 5 → 0.6
                -3, -1, -1.5f, -2, -1.01f, -4,   // above 1: 0; above -1: 0 → 0/0 = NaN
            }, 2, 2, 3);
            float[] scores = dev.perennial.tensor.Tensors.toFloats(SamPostProcess.stabilityScores(logits, 0, 1));
            assertThat(scores[0]).isEqualTo(3f / 5f);
            assertThat(scores[1]).isNaN();
            // threshold 0.5, offset 0.5: above 1 over above 0
            float[] shifted = dev.perennial.tensor.Tensors.toFloats(SamPostProcess.stabilityScores(logits, 0.5, 0.5));
            // above 1: 2, 1.5, 3 → 3; above 0: 2, 0.5, 1.5, 3 → 4
            assertThat(shifted[0]).isEqualTo(0.75f);
            assertThat(SamPostProcess.stabilityScores(logits, 0, 1).scalar_type().value).isEqualTo(torch.ScalarType.Float.value);
        }
    }
}

package dev.perennial.model;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Non-maximum suppression of boxes as torchvision's {@code batched_nms} runs it with a single class (what
 * SamImageProcessor's _postprocess_for_amg calls): its CPU kernel (nms_kernel_impl) sorts by descending score (a
 * stable sort), takes areas as (x1 - x0)(y1 - y0) in float32, so that a one-pixel box has area 0, and suppresses a
 * later box whose IoU with a kept one, inter / (a + b - inter) in float32, is above the threshold (an IoU of 0/0 is
 * NaN and suppresses nothing).
 */
public final class BoxNms {

    private BoxNms() {
    }

    /**
     * The indices of the boxes kept, highest score first: {@code boxes} holds x0, y0, x1, y1 per box, {@code scores}
     * one score per box.
     */
    public static int[] keep(float[] boxes, double[] scores, double iouThreshold) {
        if (boxes.length != 4 * scores.length) {
            throw new IllegalArgumentException(boxes.length + " box coordinates for " + scores.length + " scores");
        }
        Integer[] order = IntStream.range(0, scores.length).boxed().toArray(Integer[]::new);
        java.util.Arrays.sort(order, Comparator.comparingDouble((Integer i) -> scores[i]).reversed());
        boolean[] suppressed = new boolean[scores.length];
        List<Integer> kept = new ArrayList<>();
        for (int a = 0; a < order.length; a++) {
            int i = order[a];
            if (suppressed[i]) {
                continue;
            }
            kept.add(i);
            for (int b = a + 1; b < order.length; b++) {
                int j = order[b];
                if (!suppressed[j] && iou(boxes, i, j) > iouThreshold) {
                    suppressed[j] = true;
                }
            }
        }
        return kept.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The IoU of boxes i and j in float32, as nms_kernel_impl computes it. */
    static float iou(float[] boxes, int i, int j) {
        float w = Math.max(0f, Math.min(boxes[4 * i + 2], boxes[4 * j + 2]) - Math.max(boxes[4 * i], boxes[4 * j]));
        float h = Math.max(0f, Math.min(boxes[4 * i + 3], boxes[4 * j + 3])
                - Math.max(boxes[4 * i + 1], boxes[4 * j + 1]));
        float inter = w * h;
        return inter / (area(boxes, i) + area(boxes, j) - inter);
    }

    private static float area(float[] boxes, int i) {
        return (boxes[4 * i + 2] - boxes[4 * i]) * (boxes[4 * i + 3] - boxes[4 * i + 1]);
    }
}

package dev.perennial.model;

import dev.perennial.tensor.Tensors;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.List;

/**
 * DetrImageProcessor.post_process_object_detection (image_processing_detr.py): a softmax over every class, the
 * "no object" class dropped, each query's best label and score; queries scoring above the threshold kept in query
 * order, their (cx, cy, w, h) boxes turned into corners (center_to_corners_format) and scaled to the original size.
 */
public final class DetrPostProcess {

    private DetrPostProcess() {
    }

    /** One detection: the score, the label id, and the box in pixels of the original image. */
    public record Detection(double score, int label, double xmin, double ymin, double xmax, double ymax) {
    }

    /**
     * The detections of each image of {@code output}; {@code sizes} holds each original image's {height, width}.
     * Runs inside the caller's PointerScope.
     */
    public static List<List<Detection>> detections(DetrModel.Output output, double threshold, List<int[]> sizes) {
        try (NoGradGuard guard = new NoGradGuard()) {
            Tensor probs = output.logits().to(torch.ScalarType.Float).softmax(-1);
            long classes = probs.size(2);
            float[] scores = Tensors.toFloats(probs.narrow(2, 0, classes - 1).amax(new long[] {2}, false));
            float[] labels = Tensors.toFloats(probs.narrow(2, 0, classes - 1).argmax(
                    new org.bytedeco.pytorch.LongOptional(2), false).to(torch.ScalarType.Float));
            float[] boxes = Tensors.toFloats(output.predBoxes().to(torch.ScalarType.Float).contiguous());
            long queries = probs.size(1);
            List<List<Detection>> all = new ArrayList<>();
            for (int i = 0; i < sizes.size(); i++) {
                float h = sizes.get(i)[0];
                float w = sizes.get(i)[1];
                List<Detection> kept = new ArrayList<>();
                for (int q = 0; q < queries; q++) {
                    int at = (int) (i * queries + q);
                    if (scores[at] > threshold) {
                        float cx = boxes[at * 4];
                        float cy = boxes[at * 4 + 1];
                        float bw = boxes[at * 4 + 2];
                        float bh = boxes[at * 4 + 3];
                        // float32 throughout, as transformers computes it on float32 outputs
                        kept.add(new Detection(scores[at], (int) labels[at], (cx - 0.5f * bw) * w,
                                (cy - 0.5f * bh) * h, (cx + 0.5f * bw) * w, (cy + 0.5f * bh) * h));
                    }
                }
                all.add(List.copyOf(kept));
            }
            return List.copyOf(all);
        }
    }
}

package dev.perennial.pipeline;

import dev.perennial.image.SamImageProcessor;
import dev.perennial.model.BoxNms;
import dev.perennial.model.SamModel;
import dev.perennial.model.SamPostProcess;
import dev.perennial.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Automatic mask generation as transformers' MaskGenerationPipeline runs it (pipelines/mask_generation.py) for the
 * whole-image crop: a grid of one-point prompts decoded a batch at a time against the image's embeddings (computed
 * once), each click's three masks post-processed to the image's size without binarising (post_process_masks),
 * filtered by predicted IoU and stability score, binarised and boxed (filter_masks), then all the batches' masks
 * thinned by non-maximum suppression of their boxes (post_process_for_mask_generation).
 */
final class AutomaticMasks {

    /**
     * The clicks post-processed at once: their masks at the padded size take 3 x 1024² floats each, so a batch of
     * 64 clicks goes through in slices (the steps are per mask; the result is the same).
     */
    private static final int POST_PROCESS_CLICKS = 8;

    private AutomaticMasks() {
    }

    /**
     * The masks of {@code grid} on an image whose {@code embeddings} the model computed, {@code resized} and
     * {@code original} its {height, width} in and before the processor; highest score first.
     */
    static Outputs.Masks generate(SamModel model, SamImageProcessor processor, Tensor embeddings, int[] resized,
                                  int[] original, Inputs.MaskGrid grid) {
        double[] points = processor.gridPoints(grid.pointsPerCrop(), original);
        int clicks = points.length / 2;
        List<Outputs.Mask> kept = new ArrayList<>();
        for (int start = 0; start < clicks; start += grid.pointsPerBatch()) {
            int count = Math.min(grid.pointsPerBatch(), clicks - start);
            double[] batch = Arrays.copyOfRange(points, 2 * start, 2 * (start + count));
            kept.addAll(batch(model, processor, embeddings, batch, resized, original, grid));
        }
        return new Outputs.Masks(original[1], original[0], suppress(kept, grid.cropsNmsThresh()));
    }

    /** MaskGenerationPipeline._forward for one batch of clicks: the masks that pass filter_masks. */
    private static List<Outputs.Mask> batch(SamModel model, SamImageProcessor processor, Tensor embeddings,
                                            double[] xy, int[] resized, int[] original, Inputs.MaskGrid grid) {
        int count = xy.length / 2;
        List<Outputs.Mask> kept = new ArrayList<>();
        try (PointerScope scope = new PointerScope()) {
            Tensor points = Tensors.fromDoubles(xy, torch.ScalarType.Double, count, 1, 2);
            long[] ones = new long[count];
            Arrays.fill(ones, 1);
            SamModel.Output out = model.decode(embeddings, points, Tensors.fromLongs(ones, count, 1), null, null, true);
            Tensor lowRes = out.masks().select(0, 0);
            Tensor iou = out.iouScores().reshape(-1);
            for (int from = 0; from < count; from += POST_PROCESS_CLICKS) {
                int n = Math.min(POST_PROCESS_CLICKS, count - from);
                Tensor logits = SamPostProcess.logits(lowRes.narrow(0, from, n), processor.padHeight(),
                        processor.padWidth(), resized, original).flatten(0, 1);
                kept.addAll(filter(logits, iou.narrow(0, 3L * from, 3L * n), original, grid));
            }
        }
        return kept;
    }

    /**
     * filter_masks: the masks [N, H, W] whose IoU score is above pred_iou_thresh and whose stability score is above
     * stability_score_thresh (a threshold of 0 skips its test, as there), binarised at mask_threshold with their
     * boxes. _is_box_near_crop_edge drops nothing here: the crop is the image, so no box is near a crop edge that is
     * not also the image's.
     */
    private static List<Outputs.Mask> filter(Tensor logits, Tensor iou, int[] original, Inputs.MaskGrid grid) {
        Tensor keep = torch.ones_like(iou).to(torch.ScalarType.Bool);
        if (grid.predIouThresh() > 0) {
            keep = keep.logical_and(torch.gt(iou, new Scalar(grid.predIouThresh())));
        }
        if (grid.stabilityScoreThresh() > 0) {
            Tensor stability = SamPostProcess.stabilityScores(logits, grid.maskThreshold(), grid.stabilityScoreOffset());
            keep = keep.logical_and(torch.gt(stability, new Scalar(grid.stabilityScoreThresh())));
        }
        Tensor index = torch.nonzero(keep).view(-1);
        if (index.numel() == 0) {
            return List.of();
        }
        double[] scores = Tensors.toDoubles(iou.index_select(0, index));
        byte[] on = Tensors.toBytes(SamPostProcess.binarize(logits.index_select(0, index), grid.maskThreshold()));
        List<Outputs.Mask> masks = new ArrayList<>();
        for (Outputs.Mask m : MaskGenerator.masks(on, scores, original[0], original[1]).masks()) {
            // _batched_mask_to_box gives an empty mask the box [0, 0, 0, 0]
            masks.add(m.box() != null ? m : new Outputs.Mask(m.score(), m.area(), new Outputs.Box(0, 0, 0, 0),
                    m.pixels()));
        }
        return masks;
    }

    /** _postprocess_for_amg: batched_nms over the masks' boxes and scores, the kept masks highest score first. */
    private static List<Outputs.Mask> suppress(List<Outputs.Mask> masks, double threshold) {
        float[] boxes = new float[4 * masks.size()];
        double[] scores = new double[masks.size()];
        for (int i = 0; i < masks.size(); i++) {
            Outputs.Box b = masks.get(i).box();
            boxes[4 * i] = b.xmin();
            boxes[4 * i + 1] = b.ymin();
            boxes[4 * i + 2] = b.xmax();
            boxes[4 * i + 3] = b.ymax();
            scores[i] = masks.get(i).score();
        }
        return Arrays.stream(BoxNms.keep(boxes, scores, threshold)).mapToObj(masks::get).toList();
    }
}

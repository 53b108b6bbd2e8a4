package dev.perennial.model;

import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * SamImageProcessor.post_process_masks (image_processing_sam.py, _post_process_masks_pt) for one image: the
 * low-resolution mask logits upscaled bilinearly to the padded input size, the padding cropped, then resized
 * bilinearly to the original image (F.interpolate, align_corners=False) and thresholded at 0.
 */
public final class SamPostProcess {

    /** SamImageProcessor's mask_threshold. */
    public static final double MASK_THRESHOLD = 0.0;

    private SamPostProcess() {
    }

    /**
     * The mask logits [..., H, W] at the original size of masks [P, M, h, w] (pred_masks of one image):
     * {@code padHeight} x {@code padWidth} is the padded model input, {@code resized} the image's size in it and
     * {@code original} its size before resizing, each {height, width}.
     */
    public static Tensor logits(Tensor masks, int padHeight, int padWidth, int[] resized, int[] original) {
        try (NoGradGuard guard = new NoGradGuard()) {
            Tensor padded = torch.upsample_bilinear2d(masks, new long[] {padHeight, padWidth}, false,
                    new DoubleOptional(), new DoubleOptional());
            Tensor cropped = padded.narrow(-2, 0, resized[0]).narrow(-1, 0, resized[1]);
            return torch.upsample_bilinear2d(cropped, new long[] {original[0], original[1]}, false,
                    new DoubleOptional(), new DoubleOptional());
        }
    }

    /** The binary masks: logits above {@link #MASK_THRESHOLD}. */
    public static Tensor binarize(Tensor logits) {
        return binarize(logits, MASK_THRESHOLD);
    }

    /** The binary masks: logits above {@code threshold} (the mask-generation pipeline's mask_threshold). */
    public static Tensor binarize(Tensor logits, double threshold) {
        return torch.gt(logits, new Scalar(threshold));
    }

    /**
     * _compute_stability_score (image_processing_sam.py) of mask logits [N, H, W]: the pixels above
     * {@code threshold + offset} over those above {@code threshold - offset}, per mask, float32 as torch divides
     * the two int32 counts (NaN for a mask with no pixel above the lower cutoff).
     */
    public static Tensor stabilityScores(Tensor logits, double threshold, double offset) {
        try (NoGradGuard guard = new NoGradGuard()) {
            Tensor intersections = torch.gt(logits, new Scalar(threshold + offset)).sum(new long[] {-2, -1}, false,
                    new org.bytedeco.pytorch.ScalarTypeOptional(torch.ScalarType.Int));
            Tensor unions = torch.gt(logits, new Scalar(threshold - offset)).sum(new long[] {-2, -1}, false,
                    new org.bytedeco.pytorch.ScalarTypeOptional(torch.ScalarType.Int));
            return intersections.to(torch.ScalarType.Float).div(unions.to(torch.ScalarType.Float));
        }
    }
}

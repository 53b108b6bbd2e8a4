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
        return torch.gt(logits, new Scalar(MASK_THRESHOLD));
    }
}

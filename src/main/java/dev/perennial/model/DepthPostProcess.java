package dev.perennial.model;

import dev.perennial.tensor.Tensors;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * DPTImageProcessor.post_process_depth_estimation (image_processing_dpt.py) as the depth-estimation pipeline calls it
 * with the image's own size: one predicted depth map resized bicubically (align_corners=False) to the original
 * height and width.
 */
public final class DepthPostProcess {

    private DepthPostProcess() {
    }

    /**
     * {@code predictedDepth} [H', W'] at {@code height} × {@code width}: float32 values row by row. Runs inside the
     * caller's PointerScope.
     */
    public static float[] resized(Tensor predictedDepth, int height, int width) {
        try (NoGradGuard guard = new NoGradGuard()) {
            Tensor d = predictedDepth.unsqueeze(0).unsqueeze(0);
            Tensor out = torch.upsample_bicubic2d(d, new long[] {height, width}, false);
            return Tensors.toFloats(out.to(torch.ScalarType.Float).contiguous());
        }
    }
}

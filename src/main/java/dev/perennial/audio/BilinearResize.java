package dev.perennial.audio;

/**
 * torch.nn.functional.interpolate(mode="bilinear", align_corners=False) of one float32 plane, as PyTorch's CPU kernel
 * computes it (UpSampleKernel.cpp: area_pixel_compute_scale, compute_source_index_and_lambda, the separable
 * interpolate over rows then columns in float): ClapFeatureExtractor._random_mel_fusion shrinks the whole mel
 * with it.
 */
public final class BilinearResize {

    private BilinearResize() {
    }

    /** {@code in} [rows][cols] resized to [outRows][outCols]. */
    public static float[][] resize(float[][] in, int outRows, int outCols) {
        Axis rows = Axis.of(in.length, outRows);
        Axis cols = Axis.of(in[0].length, outCols);
        float[][] out = new float[outRows][outCols];
        for (int r = 0; r < outRows; r++) {
            float[] top = in[rows.index[r]];
            float[] bottom = in[rows.index[r] + rows.step[r]];
            for (int c = 0; c < outCols; c++) {
                int i0 = cols.index[c];
                int i1 = i0 + cols.step[c];
                float t0 = top[i0] * cols.lambda0[c] + top[i1] * cols.lambda1[c];
                float t1 = bottom[i0] * cols.lambda0[c] + bottom[i1] * cols.lambda1[c];
                out[r][c] = t0 * rows.lambda0[r] + t1 * rows.lambda1[r];
            }
        }
        return out;
    }

    /** For each output position: the first source index, the step to the second (0 at the edge), both weights. */
    private record Axis(int[] index, int[] step, float[] lambda0, float[] lambda1) {

        static Axis of(int inSize, int outSize) {
            // the scale is a float (input_size / output_size), the source index and its weights doubles (PyTorch
            // 1.13's acc_type for float on CPU), the weights stored as floats: measured against torch 1.13
            double scale = (float) inSize / outSize;
            int[] index = new int[outSize];
            int[] step = new int[outSize];
            float[] lambda0 = new float[outSize];
            float[] lambda1 = new float[outSize];
            for (int o = 0; o < outSize; o++) {
                double real = Math.max(scale * (o + 0.5) - 0.5, 0);
                int i = Math.min((int) real, inSize - 1);
                double weight = Math.min(Math.max(real - i, 0), 1);
                index[o] = i;
                step[o] = i < inSize - 1 ? 1 : 0;
                lambda1[o] = (float) weight;
                lambda0[o] = (float) (1 - weight);
            }
            return new Axis(index, step, lambda0, lambda1);
        }
    }
}

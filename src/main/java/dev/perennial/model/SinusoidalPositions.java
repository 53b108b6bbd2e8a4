package dev.perennial.model;

import dev.perennial.tensor.Tensors;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * M2M100's fixed positions (modeling_m2m_100.py M2M100SinusoidalPositionalEmbedding): a table of sines then cosines,
 * whose padding row is zero, read at positions numbered from the token ids so that padding stays on the padding
 * row ({@link Layers#positionIdsSkippingPadding}). The table is computed in double precision, then cast.
 */
final class SinusoidalPositions {

    /** Position p reads row p + 2 (the padding row is 1, the first real position 2). */
    static final int OFFSET = 2;

    private SinusoidalPositions() {
    }

    /** get_embedding: row p is sin(p·f_0..f_{h-1}), cos(p·f_0..f_{h-1}), f_i = 10000^(-i/(h-1)), h = d / 2. */
    static Tensor table(int rows, int d, int paddingIdx, torch.ScalarType dtype) {
        int half = d / 2;
        double step = Math.log(10000) / (half - 1);
        double[] table = new double[rows * d];
        for (int p = 0; p < rows; p++) {
            if (p == paddingIdx) {
                continue;
            }
            for (int i = 0; i < half; i++) {
                double angle = p * Math.exp(-i * step);
                table[p * d + i] = Math.sin(angle);
                table[p * d + half + i] = Math.cos(angle);
            }
        }
        return Tensors.fromDoubles(table, dtype, rows, d);
    }
}

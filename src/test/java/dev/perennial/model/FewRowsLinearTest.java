package dev.perennial.model;

import dev.perennial.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

/**
 * The few-rows product equals x W^T + b computed in float64 for every row count it takes, feature counts odd and
 * even, inner sizes with and without a partial last vector, with and without bias, on one thread and split over two;
 * gives the same bits once compiled as when interpreted; and takes only what it can compute (gradients off, 2 to 8
 * float32 rows, a contiguous weight).
 */
class FewRowsLinearTest {

    @Test
    void everyRowCountAndShapeEqualsTheFloat64Product() {
        try (PointerScope scope = new PointerScope(); NoGradGuard guard = new NoGradGuard()) {
            torch.manual_seed(7);
            for (int rows = 2; rows <= FewRowsLinear.MAX_ROWS; rows++) {
                for (int[] shape : new int[][] {{1, 16}, {3, 37}, {33, 64}, {300, 100}}) {
                    for (boolean withBias : new boolean[] {false, true}) {
                        assertMatchesFloat64(rows, shape[0], shape[1], withBias);
                    }
                }
            }
        }
    }

    @Test
    void twoThreadsSplitTheFeaturesAndGiveTheSameProduct() {
        int threads = torch.get_num_threads();
        torch.set_num_threads(2);
        try (PointerScope scope = new PointerScope(); NoGradGuard guard = new NoGradGuard()) {
            torch.manual_seed(8);
            assertMatchesFloat64(4, 1027, 48, true);
            assertMatchesFloat64(5, 600, 33, false);
        } finally {
            torch.set_num_threads(threads);
        }
    }

    @Test
    void aProductIsBitForBitTheSameBeforeAndAfterTheJitCompilesTheKernel() {
        try (PointerScope scope = new PointerScope(); NoGradGuard guard = new NoGradGuard()) {
            torch.manual_seed(9);
            Tensor x = torch.randn(4, 96);
            Tensor w = torch.randn(64, 96);
            float[] first = Tensors.toFloats(FewRowsLinear.apply(x, w, null));
            for (int call = 0; call < 20_000; call++) {
                try (PointerScope step = new PointerScope()) {
                    FewRowsLinear.apply(x, w, null);
                }
            }
            assertThat(Tensors.toFloats(FewRowsLinear.apply(x, w, null))).containsExactly(first);
        }
    }

    @Test
    void itTakesOnlyFewFloatRowsWithoutGradients() {
        try (PointerScope scope = new PointerScope()) {
            Tensor w = torch.randn(8, 16);
            assertThat(FewRowsLinear.applies(torch.randn(4, 16), w, null)).as("gradients on").isFalse();
            try (NoGradGuard guard = new NoGradGuard()) {
                assertThat(FewRowsLinear.applies(torch.randn(4, 16), w, null)).isTrue();
                assertThat(FewRowsLinear.applies(torch.randn(1, 16), w, null)).as("one row: gemv").isFalse();
                assertThat(FewRowsLinear.applies(torch.randn(9, 16), w, null)).as("9 rows").isFalse();
                assertThat(FewRowsLinear.applies(torch.randn(4, 16), w.t().contiguous().t(), null))
                        .as("a transposed weight").isFalse();
                assertThat(FewRowsLinear.applies(torch.randn(4, 16).to(torch.ScalarType.Double),
                        w.to(torch.ScalarType.Double), null)).as("float64").isFalse();
            }
        }
    }

    private static void assertMatchesFloat64(int rows, int out, int in, boolean withBias) {
        // x as a column slice of a wider tensor: the product must not assume contiguous activations
        Tensor x = torch.randn(rows, in + 3).narrow(1, 1, in);
        Tensor w = torch.randn(out, in);
        Tensor b = withBias ? torch.randn(out) : null;
        assertThat(FewRowsLinear.applies(x, w, b)).isTrue();
        Tensor expected = x.to(torch.ScalarType.Double).matmul(w.to(torch.ScalarType.Double).t());
        if (b != null) {
            expected = expected.add(b.to(torch.ScalarType.Double));
        }
        float[] got = Tensors.toFloats(FewRowsLinear.apply(x, w, b));
        float[] want = Tensors.toFloats(expected);
        assertThat(got).as("%d rows, %d x %d, bias %s", rows, out, in, withBias).hasSize(want.length);
        for (int i = 0; i < want.length; i++) {
            assertThat((double) got[i]).as("%d rows, %d x %d, bias %s, element %d", rows, out, in, withBias, i)
                    .isCloseTo(want[i], offset(1e-5 * (1 + Math.abs(want[i]))));
        }
    }
}

package dev.perennial.tensor;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** libtorch is wired: tensors cross the boundary both ways, compute, and differentiate. */
class TensorsTest {

    @Test
    void roundTripsValuesAndShape() {
        try (PointerScope scope = new PointerScope()) {
            Tensor t = Tensors.fromFloats(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
            assertThat(t.size(0)).isEqualTo(2);
            assertThat(t.size(1)).isEqualTo(3);
            assertThat(Tensors.toFloats(t.t())).containsExactly(1, 4, 2, 5, 3, 6);
        }
    }

    @Test
    void multipliesMatricesAsByHand() {
        try (PointerScope scope = new PointerScope()) {
            Tensor a = Tensors.fromFloats(new float[] {1, 2, 3, 4}, 2, 2);
            Tensor b = Tensors.fromFloats(new float[] {5, 6, 7, 8}, 2, 2);
            // [[1,2],[3,4]] @ [[5,6],[7,8]] = [[19,22],[43,50]]
            assertThat(Tensors.toFloats(a.matmul(b))).containsExactly(19, 22, 43, 50);
        }
    }

    @Test
    void backwardGivesTheAnalyticGradient() {
        try (PointerScope scope = new PointerScope()) {
            Tensor x = Tensors.fromFloats(new float[] {0.5f, -1.5f, 2f}, 3).requires_grad_(true);
            Tensor w = Tensors.fromFloats(new float[] {3f, 1f, -2f}, 3);
            // y = Σ x² + Σ w·x, so dy/dx = 2x + w
            Tensor y = x.mul(x).sum().add(x.mul(w).sum());
            y.backward();
            float[] grad = Tensors.toFloats(x.grad());
            assertThat(grad[0]).isCloseTo(4f, within(1e-6f));
            assertThat(grad[1]).isCloseTo(-2f, within(1e-6f));
            assertThat(grad[2]).isCloseTo(2f, within(1e-6f));
            assertThat(y.item_float()).isCloseTo(0.25f + 2.25f + 4f + 1.5f - 1.5f - 4f, within(1e-6f));
        }
    }

    @Test
    void tokenBatchesBecomeInt64Tensors() {
        try (PointerScope scope = new PointerScope()) {
            Tensor batch = Tensors.fromLongs(new long[] {1, 2, 3, 70000, 5, 6}, 2, 3);
            assertThat(batch.scalar_type().value).isEqualTo(org.bytedeco.pytorch.global.torch.ScalarType.Long.value);
            assertThat(batch.size(0)).isEqualTo(2);
            assertThat(batch.select(0, 1).select(0, 0).item_long()).isEqualTo(70000);
            assertThat(batch.sum().item_long()).isEqualTo(70017);
        }
    }

    @Test
    void refusesDataThatDoesNotFitTheShape() {
        assertThatThrownBy(() -> Tensors.fromFloats(new float[] {1, 2, 3}, 2, 2))
                .hasMessageContaining("holds 4 values, not 3");
    }

    @Test
    void reportsItsThreadsAndBlas() {
        assertThat(Tensors.parallelInfo()).contains("ATen/Parallel");
    }
}

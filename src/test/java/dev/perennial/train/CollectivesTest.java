package dev.perennial.train;

import dev.perennial.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The collectives ZeRO-1 and the overlapped buckets use, on a real Gloo group of three ranks. */
class CollectivesTest {

    /** Rank r contributes r + 1 + i at element i: the sums are 3·(2 + i) for three ranks. */
    private static float[] contribution(int rank, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = rank + 1 + i;
        }
        return v;
    }

    @Test
    void reduceScatterLeavesEachRankItsPartOfTheSum() throws Exception {
        List<float[]> parts = LoopbackRanks.run(3, 29641, g -> {
            try (PointerScope scope = new PointerScope()) {
                Tensor shard = Tensors.fromFloats(new float[2], 2);
                g.reduceScatterSum(Tensors.fromFloats(contribution(g.rank(), 6), 6), shard);
                return Tensors.toFloats(shard);
            }
        });
        assertThat(parts.get(0)).containsExactly(6, 9);
        assertThat(parts.get(1)).containsExactly(12, 15);
        assertThat(parts.get(2)).containsExactly(18, 21);
    }

    @Test
    void allGatherConcatenatesTheShardsInRankOrder() throws Exception {
        List<float[]> gathered = LoopbackRanks.run(3, 29643, g -> {
            try (PointerScope scope = new PointerScope()) {
                Tensor flat = Tensors.fromFloats(new float[6], 6);
                g.allGather(Tensors.fromFloats(new float[] {10 * g.rank(), 10 * g.rank() + 1}, 2), flat);
                return Tensors.toFloats(flat);
            }
        });
        for (float[] f : gathered) {
            assertThat(f).containsExactly(0, 1, 10, 11, 20, 21);
        }
    }

    @Test
    void asynchronousAllReduceHasTheSumOnceAwaited() throws Exception {
        List<float[]> sums = LoopbackRanks.run(3, 29645, g -> {
            try (PointerScope scope = new PointerScope()) {
                Tensor a = Tensors.fromFloats(contribution(g.rank(), 4), 4);
                Tensor b = Tensors.fromFloats(contribution(g.rank(), 3), 3);
                Distributed.Pending first = g.allReduceSumAsync(a);
                Distributed.Pending second = g.allReduceSumAsync(b);
                second.await();
                first.await();
                float[] both = new float[7];
                System.arraycopy(Tensors.toFloats(a), 0, both, 0, 4);
                System.arraycopy(Tensors.toFloats(b), 0, both, 4, 3);
                return both;
            }
        });
        for (float[] s : sums) {
            assertThat(s).containsExactly(6, 9, 12, 15, 6, 9, 12);
        }
    }
}

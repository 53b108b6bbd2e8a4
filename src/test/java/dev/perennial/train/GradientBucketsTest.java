package dev.perennial.train;

import dev.perennial.model.Model;
import dev.perennial.model.ModelFixtures;
import dev.perennial.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The all-reduce overlapped with the backward pass, on a real Gloo group of two ranks (threads of this JVM). */
class GradientBucketsTest {

    private static final TrainStep.Settings SETTINGS = new TrainStep.Settings(0.9, 0.95, 1e-8, 0.1, 1.0);
    private static final int ROWS_PER_RANK = 4;
    private static final int COLUMNS = 17;
    /** Small enough that the tiny model's gradients travel in several buckets. */
    private static final long BUCKET_BYTES = 16 << 10;

    private record Run(double[] losses, float[] weights) {
    }

    /** 10 steps of two micro-batches on this rank's rows of each batch. */
    private static Run train(Distributed group, boolean overlap) {
        TrainPlan.Compute d = TrainPlan.Compute.DEFAULT;
        TrainPlan.Compute compute = new TrainPlan.Compute(d.precision(), d.device(), false, false, overlap,
                BUCKET_BYTES);
        try (Model model = ModelFixtures.byteNeoX(7);
             TrainStep step = new TrainStep(model, 3e-3, SETTINGS, group, compute)) {
            double[] losses = new double[10];
            for (int s = 0; s < losses.length; s++) {
                try (PointerScope scope = new PointerScope()) {
                    long[] all = TrainStepTest.batch(s, 2 * ROWS_PER_RANK, COLUMNS);
                    List<Tensor> micro = new ArrayList<>();
                    for (int half = 0; half < 2; half++) {
                        int first = group.rank() * ROWS_PER_RANK + half * ROWS_PER_RANK / 2;
                        micro.add(Tensors.fromLongs(Arrays.copyOfRange(all, first * COLUMNS,
                                (first + ROWS_PER_RANK / 2) * COLUMNS), ROWS_PER_RANK / 2, COLUMNS));
                    }
                    losses[s] = step.step(micro).loss();
                }
            }
            try (PointerScope scope = new PointerScope()) {
                Tensor flat = torch.cat(new TensorVector(model.parameters().values().stream()
                        .map(p -> p.reshape(-1)).toArray(Tensor[]::new)));
                return new Run(losses, Tensors.toFloats(flat));
            }
        }
    }

    @Test
    void overlappedBucketsGiveBitForBitWhatOneAllReduceAfterTheBackwardPassGives() throws Exception {
        List<Run[]> ranks = LoopbackRanks.run(2, 29671, g -> new Run[] {train(g, true), train(g, false)});
        for (Run[] rank : ranks) {
            assertThat(rank[0].losses()).containsExactly(rank[1].losses());
            assertThat(rank[0].weights()).containsExactly(rank[1].weights());
        }
        assertThat(ranks.get(0)[0].weights()).containsExactly(ranks.get(1)[0].weights());
    }

    @Test
    void everyBucketIsSentByTheHooksDuringTheBackwardPass() {
        try (Model model = ModelFixtures.byteNeoX(7);
             GradientBuckets buckets = new GradientBuckets(List.copyOf(model.parameters().values()), BUCKET_BYTES,
                     Distributed.single());
             PointerScope scope = new PointerScope()) {
            buckets.arm();
            model.loss(Tensors.fromLongs(TrainStepTest.batch(1, 2, COLUMNS), 2, COLUMNS)).backward();
            assertThat(buckets.launchedByHooks()).isEqualTo(buckets.members().size());
            buckets.average(1.0);
            // not armed: a backward pass sends nothing
            model.loss(Tensors.fromLongs(TrainStepTest.batch(2, 2, COLUMNS), 2, COLUMNS)).backward();
            assertThat(buckets.launchedByHooks()).isEqualTo(buckets.members().size());
        }
    }

    @Test
    void bucketsFollowTheReversedParametersUpToTheirSize() {
        try (Model model = ModelFixtures.byteNeoX(7);
             GradientBuckets buckets = new GradientBuckets(List.copyOf(model.parameters().values()), BUCKET_BYTES,
                     Distributed.single())) {
            List<Tensor> parameters = List.copyOf(model.parameters().values());
            List<Integer> order = buckets.members().stream().flatMap(List::stream).toList();
            List<Integer> reversed = new ArrayList<>();
            for (int i = parameters.size() - 1; i >= 0; i--) {
                reversed.add(i);
            }
            assertThat(order).isEqualTo(reversed);
            assertThat(buckets.members()).hasSizeGreaterThan(2);
            for (List<Integer> bucket : buckets.members()) {
                long bytes = bucket.stream().mapToLong(i -> parameters.get(i).numel() * 4).sum();
                assertThat(bytes <= BUCKET_BYTES || bucket.size() == 1).as("bucket %s: %d bytes", bucket, bytes)
                        .isTrue();
            }
        }
    }
}

package dev.perennial.bench;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.perennial.UserError;
import dev.perennial.train.Distributed;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

/**
 * Times c10d's all-reduce of one fp32 gradient bucket across the workers that {@code perennial launch} started: the
 * collective a data-parallel training step waits for.
 */
public final class AllReduceBenchmark {

    /** This rank's view: the spread of the times of all-reduces of {@code elements} values, after a warm-up. */
    public record Result(int rank, int worldSize, long elements, @JsonUnwrapped(prefix = "ms_") Spread ms) {
    }

    private AllReduceBenchmark() {
    }

    public static Result run(long elements, int repeats) {
        try (Distributed d = Distributed.fromEnvironment(System.getenv(), 600_000);
             PointerScope scope = new PointerScope()) {
            if (d.worldSize() == 1) {
                throw new UserError("run it under 'perennial launch --nproc-per-node 2 -- bench allreduce'");
            }
            Tensor bucket = torch.ones(new long[] {elements}, new TensorOptions(torch.ScalarType.Float));
            d.allReduceSum(bucket); // warm-up: the first collective also connects the ranks
            double[] ms = new double[repeats];
            BenchProgress progress = BenchProgress.console("allreduce", "all-reduces", repeats);
            for (int i = 0; i < repeats; i++) {
                long start = System.nanoTime();
                d.allReduceSum(bucket);
                ms[i] = (System.nanoTime() - start) / 1e6;
                progress.done();
            }
            progress.finish();
            return new Result(d.rank(), d.worldSize(), elements, Spread.of(ms));
        }
    }
}

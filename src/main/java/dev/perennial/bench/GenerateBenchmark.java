package dev.perennial.bench;

import dev.perennial.generate.Generator;
import dev.perennial.generate.Sampling;
import dev.perennial.model.Model;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Times greedy generation of a fresh fp32 model, batch 1, from a random prompt: new tokens per second over the
 * whole generation, prompt included, after a short warm-up ({@code bench/pytorch_reference.py --generate} does the
 * same in PyTorch eager).
 */
public final class GenerateBenchmark {

    public record Result(TrainBenchmark.Shape shape, long parameters, boolean kvCache, int promptTokens,
                         int newTokens, double tokensPerSecond, int threads) {
    }

    private GenerateBenchmark() {
    }

    /** Times generation once per entry of {@code kvCache} (with the cache, without it), on one fresh model. */
    public static List<Result> run(TrainBenchmark.Shape shape, int promptTokens, int newTokens, List<Boolean> kvCache) {
        try (Model model = Model.initialise(TrainBenchmark.config(shape), 0, torch.ScalarType.Float)) {
            int[] prompt = new SplittableRandom(0).ints(promptTokens, 0, shape.vocab()).toArray();
            List<Result> results = new ArrayList<>();
            for (boolean cache : kvCache) {
                Generator.generateIds(model, prompt, Sampling.greedy(4), -1, cache, (t, l) -> true);
                long start = System.nanoTime();
                int[] ids = Generator.generateIds(model, prompt, Sampling.greedy(newTokens), -1, cache, (t, l) -> true);
                double seconds = (System.nanoTime() - start) / 1e9;
                results.add(new Result(shape, model.parameterCount(), cache, promptTokens, ids.length,
                        ids.length / seconds, torch.get_num_threads()));
            }
            return results;
        }
    }
}

package dev.perennial.bench;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
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

    /** New tokens per second at the median generation; {@code ms} is the spread of ms per generation. */
    public record Result(TrainBenchmark.Shape shape, long parameters, boolean kvCache, int promptTokens,
                         int newTokens, double tokensPerSecond, @JsonUnwrapped(prefix = "ms_") Spread ms, int threads) {
    }

    private GenerateBenchmark() {
    }

    /**
     * Times {@code repeats} generations per entry of {@code kvCache} (with the cache, without it), on one fresh
     * model.
     */
    public static List<Result> run(TrainBenchmark.Shape shape, int promptTokens, int newTokens, List<Boolean> kvCache,
                                   int repeats) {
        try (Model model = Model.initialise(TrainBenchmark.config(shape), 0, torch.ScalarType.Float)) {
            int[] prompt = new SplittableRandom(0).ints(promptTokens, 0, shape.vocab()).toArray();
            List<Result> results = new ArrayList<>();
            BenchProgress progress = BenchProgress.console("generate", "generations", kvCache.size() * (1 + repeats));
            for (boolean cache : kvCache) {
                Generator.generateIds(model, prompt, Sampling.greedy(4), -1, cache, (t, l) -> true);
                progress.done();
                double[] ms = new double[repeats];
                int generated = 0;
                for (int r = 0; r < repeats; r++) {
                    long start = System.nanoTime();
                    generated = Generator.generateIds(model, prompt, Sampling.greedy(newTokens), -1, cache,
                            (t, l) -> true).length;
                    ms[r] = (System.nanoTime() - start) / 1e6;
                    progress.done();
                }
                Spread spread = Spread.of(ms);
                results.add(new Result(shape, model.parameterCount(), cache, promptTokens, generated,
                        generated / (spread.median() / 1000), spread, torch.get_num_threads()));
            }
            progress.finish();
            return results;
        }
    }
}

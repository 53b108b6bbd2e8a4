package dev.perennial.bench;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.perennial.generate.BatchDecoding;
import dev.perennial.generate.Generator;
import dev.perennial.generate.Sampling;
import dev.perennial.model.Model;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Times greedy generation of a fresh fp32 model from random prompts: new tokens per second over the whole
 * generation, prompt included, after a short warm-up ({@code bench/pytorch_reference.py --generate} does the same
 * in PyTorch eager for batch 1). A batch above 1 generates that many prompts together (always with the KV cache),
 * and counts the new tokens of all of them.
 */
public final class GenerateBenchmark {

    /** New tokens per second at the median generation; {@code ms} is the spread of ms per generation. */
    public record Result(TrainBenchmark.Shape shape, long parameters, boolean kvCache, int batchSize,
                         int promptTokens, int newTokens, double tokensPerSecond,
                         @JsonUnwrapped(prefix = "ms_") Spread ms, int threads) {
    }

    /** One generation of {@code newTokens} (with the cache or without); the number of new tokens it made. */
    @FunctionalInterface
    private interface Generation {
        int run(int newTokens, boolean cache);
    }

    private GenerateBenchmark() {
    }

    /**
     * Times {@code repeats} generations per entry of {@code kvCache} (with the cache, without it), on one fresh
     * model, of {@code batchSize} prompts at once; a batch above 1 is always generated with the cache.
     */
    public static List<Result> run(TrainBenchmark.Shape shape, int promptTokens, int newTokens, List<Boolean> kvCache,
                                   int repeats, int batchSize) {
        try (Model model = Model.initialise(TrainBenchmark.config(shape), 0, torch.ScalarType.Float)) {
            SplittableRandom random = new SplittableRandom(0);
            List<int[]> prompts = new ArrayList<>();
            for (int i = 0; i < batchSize; i++) {
                prompts.add(random.ints(promptTokens, 0, shape.vocab()).toArray());
            }
            Generation generation = batchSize == 1
                    ? (tokens, cache) -> Generator.generateIds(model, prompts.getFirst(), Sampling.greedy(tokens), -1,
                            cache, (t, l) -> true).length
                    : (tokens, cache) -> Arrays.stream(BatchDecoding.generateIds(model, prompts,
                            Collections.nCopies(batchSize, Sampling.greedy(tokens)), -1, (row, t, l) -> true))
                            .mapToInt(row -> row.length).sum();
            List<Boolean> modes = batchSize == 1 ? kvCache : List.of(true);
            List<Result> results = new ArrayList<>();
            BenchProgress progress = BenchProgress.console("generate", "generations", modes.size() * (1 + repeats));
            for (boolean cache : modes) {
                generation.run(4, cache);
                progress.done();
                double[] ms = new double[repeats];
                int generated = 0;
                for (int r = 0; r < repeats; r++) {
                    long start = System.nanoTime();
                    generated = generation.run(newTokens, cache);
                    ms[r] = (System.nanoTime() - start) / 1e6;
                    progress.done();
                }
                Spread spread = Spread.of(ms);
                results.add(new Result(shape, model.parameterCount(), cache, batchSize, promptTokens, generated,
                        generated / (spread.median() / 1000), spread, torch.get_num_threads()));
            }
            progress.finish();
            return results;
        }
    }
}

package dev.perennial.bench;

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

    public record Result(TrainBenchmark.Shape shape, long parameters, boolean kvCache, int batchSize,
                         int promptTokens, int newTokens, double tokensPerSecond, int threads) {
    }

    private GenerateBenchmark() {
    }

    /**
     * Times generation once per entry of {@code kvCache} (with the cache, without it), on one fresh model, for batch
     * 1; for a larger batch, once, batched with the cache.
     */
    public static List<Result> run(TrainBenchmark.Shape shape, int promptTokens, int newTokens, List<Boolean> kvCache,
                                   int batchSize) {
        try (Model model = Model.initialise(TrainBenchmark.config(shape), 0, torch.ScalarType.Float)) {
            if (batchSize > 1) {
                return List.of(batched(model, shape, promptTokens, newTokens, batchSize));
            }
            int[] prompt = new SplittableRandom(0).ints(promptTokens, 0, shape.vocab()).toArray();
            List<Result> results = new ArrayList<>();
            for (boolean cache : kvCache) {
                Generator.generateIds(model, prompt, Sampling.greedy(4), -1, cache, (t, l) -> true);
                long start = System.nanoTime();
                int[] ids = Generator.generateIds(model, prompt, Sampling.greedy(newTokens), -1, cache, (t, l) -> true);
                double seconds = (System.nanoTime() - start) / 1e9;
                results.add(new Result(shape, model.parameterCount(), cache, 1, promptTokens, ids.length,
                        ids.length / seconds, torch.get_num_threads()));
            }
            return results;
        }
    }

    private static Result batched(Model model, TrainBenchmark.Shape shape, int promptTokens, int newTokens,
                                  int batchSize) {
        SplittableRandom random = new SplittableRandom(0);
        List<int[]> prompts = new ArrayList<>();
        for (int i = 0; i < batchSize; i++) {
            prompts.add(random.ints(promptTokens, 0, shape.vocab()).toArray());
        }
        BatchDecoding.generateIds(model, prompts, Collections.nCopies(batchSize, Sampling.greedy(4)), -1,
                (row, t, l) -> true);
        long start = System.nanoTime();
        int[][] ids = BatchDecoding.generateIds(model, prompts, Collections.nCopies(batchSize,
                Sampling.greedy(newTokens)), -1, (row, t, l) -> true);
        double seconds = (System.nanoTime() - start) / 1e9;
        int generated = Arrays.stream(ids).mapToInt(row -> row.length).sum();
        return new Result(shape, model.parameterCount(), true, batchSize, promptTokens, generated,
                generated / seconds, torch.get_num_threads());
    }
}

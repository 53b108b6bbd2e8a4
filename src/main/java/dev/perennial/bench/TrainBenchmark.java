package dev.perennial.bench;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.io.Json;
import dev.perennial.model.Model;
import dev.perennial.model.ModelConfig;
import dev.perennial.model.ModelConfigs;
import dev.perennial.model.ModelFamily;
import dev.perennial.tensor.Tensors;
import dev.perennial.train.Precision;
import dev.perennial.train.Distributed;
import dev.perennial.train.TrainPlan;
import dev.perennial.train.TrainStep;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

/**
 * Times training steps (forward, backward, clipping, AdamW) of a fresh model on random tokens, and libtorch's raw
 * fp32 matmul in the same process, so that achieved GFLOP/s can be read against what the machine's matmul does.
 */
public final class TrainBenchmark {

    /** A model shape: the family, vocab/hidden/layers/heads, and the step's sequence length and batch. */
    public record Shape(ModelFamily arch, int vocab, int hidden, int layers, int heads, int seq, int batch) {
    }

    /**
     * Tokens/s and GFLOP/s at the median step at {@code precision} (fp32, bf16-mixed); {@code ms} is the spread of ms
     * per step (JSON: ms_median, ...). GFLOP/s counts the step's useful FLOPs only: a checkpointed step's recomputed
     * forward is not counted.
     */
    public record Result(Shape shape, long parameters, double tokensPerSecond, @JsonUnwrapped(prefix = "ms_") Spread ms,
                         double gflops, double matmulGflops, long peakRssMb, int threads, String blas, String malloc,
                         String precision, boolean activationCheckpointing) {
    }

    private TrainBenchmark() {
    }

    public static ModelConfig config(Shape s) {
        ObjectNode json = Json.MAPPER.createObjectNode();
        json.put("vocab_size", s.vocab());
        json.put("hidden_size", s.hidden());
        json.put("num_hidden_layers", s.layers());
        json.put("num_attention_heads", s.heads());
        json.put("max_position_embeddings", Math.max(2048, s.seq()));
        json.put("model_type", s.arch().modelTypes().getFirst());
        switch (s.arch()) {
            case GPT_NEOX -> {
                json.put("intermediate_size", 4 * s.hidden());
                json.put("rotary_pct", 0.25);
            }
            case LLAMA -> json.put("intermediate_size", (8 * s.hidden() / 3 + 63) / 64 * 64); // SwiGLU's 8/3·d, to 64
        }
        return ModelConfigs.parse(json, "bench");
    }

    /**
     * Times {@code steps} steps after {@code warmup} at {@code precision}, recomputing each layer in the backward
     * pass if asked.
     */
    public static Result run(Shape shape, Precision precision, boolean activationCheckpointing, int steps, int warmup)
            throws IOException {
        double matmul = matmulGflops();
        ModelConfig config = config(shape);
        try (Model model = Model.initialise(config, 0, torch.ScalarType.Float);
             TrainStep step = new TrainStep(model, 1e-4, new TrainStep.Settings(TrainStep.BETA1, TrainStep.BETA2,
                     TrainStep.EPS, 0.1, 1.0), Distributed.single(),
                     TrainPlan.Compute.single(precision, activationCheckpointing))) {
            SplittableRandom random = new SplittableRandom(0);
            double[] ms = new double[steps];
            BenchProgress progress = BenchProgress.console("train", "steps", warmup + steps);
            for (int s = 0; s < warmup + steps; s++) {
                long[] tokens = random.longs((long) shape.batch() * (shape.seq() + 1), 0, shape.vocab()).toArray();
                long start = System.nanoTime();
                try (PointerScope scope = new PointerScope()) {
                    step.step(Tensors.fromLongs(tokens, shape.batch(), shape.seq() + 1));
                }
                if (s >= warmup) {
                    ms[s - warmup] = (System.nanoTime() - start) / 1e6;
                }
                progress.done();
            }
            progress.finish();
            Spread spread = Spread.of(ms);
            double tokensPerSecond = shape.batch() * (double) shape.seq() / (spread.median() / 1000);
            return new Result(shape, model.parameterCount(), tokensPerSecond, spread,
                    config.trainingFlopsPerToken(shape.seq()) * tokensPerSecond / 1e9,
                    matmul, peakRssMb(), torch.get_num_threads(), blasInUse(), mallocInUse(), precision.id(),
                    activationCheckpointing);
        }
    }

    /** GFLOP/s of a 512×512 by 512×512 fp32 matmul, best of 20 after warm-up. */
    public static double matmulGflops() {
        try (PointerScope scope = new PointerScope()) {
            torch.manual_seed(0);
            Tensor a = torch.randn(new long[] {512, 512}, new TensorOptions(torch.ScalarType.Float));
            Tensor b = torch.randn(new long[] {512, 512}, new TensorOptions(torch.ScalarType.Float));
            double best = Double.MAX_VALUE;
            for (int i = 0; i < 30; i++) {
                long start = System.nanoTime();
                try (PointerScope inner = new PointerScope()) {
                    a.matmul(b);
                }
                if (i >= 10) {
                    best = Math.min(best, (System.nanoTime() - start) / 1e9);
                }
            }
            return 2.0 * 512 * 512 * 512 / best / 1e9;
        }
    }

    /** The BLAS libraries mapped into this process (the launcher may preload an OpenMP build of OpenBLAS). */
    static String blasInUse() throws IOException {
        return mappedLibraries("libopenblas", "libmkl", "libblas");
    }

    /** The malloc in use: a preloaded tcmalloc or jemalloc (the launcher preloads tcmalloc), else glibc's. */
    static String mallocInUse() throws IOException {
        String preloaded = mappedLibraries("libtcmalloc", "libjemalloc");
        return preloaded.isEmpty() ? "glibc" : preloaded;
    }

    private static String mappedLibraries(String... names) throws IOException {
        return Files.readAllLines(Path.of("/proc/self/maps")).stream()
                .map(l -> l.substring(l.lastIndexOf(' ') + 1))
                .filter(path -> Arrays.stream(names).anyMatch(path::contains))
                .distinct().collect(Collectors.joining(", "));
    }

    static long peakRssMb() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmHWM:"))
                .mapToLong(l -> Long.parseLong(l.replaceAll("\\D", "")) / 1024).findFirst().orElse(-1);
    }
}

package dev.perennial.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.perennial.UserError;
import dev.perennial.config.ConfigLoader;
import dev.perennial.hub.HubModels;
import dev.perennial.hub.HubSettings;
import dev.perennial.io.Json;
import dev.perennial.model.ModelConfig;
import dev.perennial.model.ModelConfigs;
import dev.perennial.train.MemoryPlan;
import dev.perennial.train.Precision;
import dev.perennial.train.TrainPlan;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code perennial plan}: the memory each GPU needs to train a model ({@link MemoryPlan}), whether it fits, and the
 * largest micro-batch that does, from flags or from a run config.
 */
@Command(name = "plan", mixinStandardHelpOptions = true,
        description = {"Plan the memory per GPU of a training run: weights, gradients, AdamW state, the activations "
                + "of a micro-batch, the logits at the loss, and an allowance; whether it fits in --gpu-memory, and "
                + "the largest micro-batch that does. Reads only the model's config.json.", ""},
        footer = {"", "Examples:",
                "  perennial plan --model TinyLlama/TinyLlama-1.1B-intermediate-step-1431k-3T --gpus 8 "
                        + "--gpu-memory 80 --seq 2048 --global-batch 1024 --precision bf16-mixed --shard-optimizer",
                "  perennial plan --config run.yaml --gpus 2 --gpu-memory 24 --format json"})
public final class PlanCommand implements Runnable {

    enum Format { table, json }

    @Spec
    CommandSpec spec;

    @Option(names = "--model", paramLabel = "MODEL",
            description = "A model folder, its config.json, or ORG/NAME[@REV] (only config.json is read, through the "
                    + "Hub cache).")
    String model;

    @Option(names = "--config", paramLabel = "RUN.yaml",
            description = "Take the model, seq_len, global_batch, micro_batch, precision, activation_checkpointing "
                    + "and distributed.shard_optimizer from a run config instead of the flags.")
    Path config;

    @Option(names = "--gpus", required = true, paramLabel = "N", description = "Data-parallel ranks (GPUs).")
    int gpus;

    @Option(names = "--gpu-memory", required = true, paramLabel = "GB",
            description = "Memory of one GPU in GiB (nvidia-smi's MiB / 1024: 80 for an A100 80GB, 79.6 for an "
                    + "H100 80GB).")
    double gpuMemory;

    @Option(names = "--seq", paramLabel = "S", description = "Tokens per sequence.")
    Integer seq;

    @Option(names = "--global-batch", paramLabel = "B", description = "Sequences per optimizer step, all GPUs.")
    Integer globalBatch;

    @Option(names = "--micro-batch", paramLabel = "b",
            description = "Sequences per forward pass on one GPU (default: global batch / GPUs).")
    Integer microBatch;

    @Option(names = "--precision", paramLabel = "P", description = "fp32 (default) or bf16-mixed.")
    String precision;

    @Option(names = "--shard-optimizer", description = "ZeRO-1: each GPU keeps 1/N of AdamW's state.")
    boolean shardOptimizer;

    @Option(names = "--activation-checkpointing",
            description = "Keep each layer's input and recompute the layer in the backward pass.")
    boolean activationCheckpointing;

    @Option(names = "--format", defaultValue = "table", paramLabel = "FORMAT", description = "table or json.")
    Format format;

    /** What {@code --format json} prints: the inputs, every part in bytes, and the verdict. */
    record Report(String model, String modelType, long parameters, int gpus, int seqLen, int globalBatch,
                  int microBatch, String precision, boolean shardOptimizer, boolean activationCheckpointing,
                  long gpuMemoryBytes, long weightsBytes, long gradientsBytes, long optimizerBytes,
                  long activationsBytes, long activationsPerLayerBytes, long logitsBytes, long allowanceBytes,
                  long totalBytes, boolean fits, int largestMicroBatch) {
    }

    /** The run's shape, from the flags or a run config; {@code microBatch} is per GPU. */
    private record Run(String modelName, ModelConfig model, int seqLen, int globalBatch, int microBatch,
                       Precision precision, boolean shardOptimizer, boolean activationCheckpointing) {
    }

    @Override
    public void run() {
        long capacity = (long) (gpuMemory * (1L << 30));
        Run run = config != null ? fromConfig() : fromFlags();
        MemoryPlan.Setup setup = new MemoryPlan.Setup(run.model(), gpus, run.seqLen(), run.microBatch(),
                run.precision(), run.shardOptimizer(), run.activationCheckpointing(), MemoryPlan.CUDA_RUNTIME_BYTES);
        MemoryPlan plan = MemoryPlan.of(setup);
        int largest = MemoryPlan.largestMicroBatch(setup, run.globalBatch() / gpus, capacity);
        PrintWriter out = spec.commandLine().getOut();
        if (format == Format.json) {
            out.println(json(report(run, plan, capacity, largest)));
        } else {
            table(run, plan, capacity, largest, out);
        }
        out.flush();
    }

    /** The flags, checked together: every problem in one error, before anything is read. */
    private Run fromFlags() {
        List<String> problems = new ArrayList<>();
        if (model == null) {
            problems.add("--model: missing; give a model folder, its config.json or ORG/NAME (or --config RUN.yaml)");
        }
        if (seq == null) {
            problems.add("--seq: missing (tokens per sequence)");
        }
        if (globalBatch == null) {
            problems.add("--global-batch: missing (sequences per optimizer step)");
        }
        Precision p = precision == null ? Precision.FP32 : Choices.parse(Precision.class, precision, "--precision");
        commonProblems(problems);
        if (seq != null && seq < 1) {
            problems.add("--seq: " + seq + " is not a whole number ≥ 1");
        }
        int micro = checkedBatches(globalBatch, microBatch, problems);
        throwIfAny(problems);
        ModelConfig c = readModel(model, Path.of(""));
        if (seq > c.maxPositions()) {
            throw new UserError("--seq: " + seq + " is beyond the model's max_position_embeddings " + c.maxPositions()
                    + "; lower --seq");
        }
        return new Run(model, c, seq, globalBatch, micro, p, shardOptimizer, activationCheckpointing);
    }

    /** A run config through {@link TrainPlan} (so it is checked as train checks it); the flags it sets are refused. */
    private Run fromConfig() {
        List<String> problems = new ArrayList<>();
        List<String> given = new ArrayList<>();
        if (model != null) {
            given.add("--model");
        }
        if (seq != null) {
            given.add("--seq");
        }
        if (globalBatch != null) {
            given.add("--global-batch");
        }
        if (microBatch != null) {
            given.add("--micro-batch");
        }
        if (precision != null) {
            given.add("--precision");
        }
        if (shardOptimizer) {
            given.add("--shard-optimizer");
        }
        if (activationCheckpointing) {
            given.add("--activation-checkpointing");
        }
        if (!given.isEmpty()) {
            problems.add(String.join(", ", given) + ": the run config " + config + " sets these; give either "
                    + "--config or the flags");
        }
        commonProblems(problems);
        throwIfAny(problems);
        TrainPlan plan = TrainPlan.from(ConfigLoader.load(config, List.of()));
        int micro = checkedBatches(plan.globalBatch(), plan.microBatch(), problems);
        throwIfAny(problems.stream().map(problem -> config + ": " + problem).toList());
        String init = plan.loaded().config().model().init();
        ModelConfig c = plan.freshModel() != null ? plan.freshModel()
                : readModel(init, Path.of(plan.loaded().source()).toAbsolutePath().getParent());
        String name = init != null ? init : config + " (model.config)";
        return new Run(name, c, plan.seqLen(), plan.globalBatch(), micro, plan.compute().precision(),
                plan.compute().shardOptimizer(), plan.compute().activationCheckpointing());
    }

    private void commonProblems(List<String> problems) {
        if (gpus < 1) {
            problems.add("--gpus: " + gpus + " is not a whole number ≥ 1");
        }
        if (!(gpuMemory > 0) || Double.isInfinite(gpuMemory)) {
            problems.add("--gpu-memory: " + gpuMemory + " is not a positive number of GiB");
        }
    }

    /**
     * The micro-batch per GPU: {@code micro} (default the GPU's whole slice), which must divide the slice that
     * {@code --gpus} GPUs make of the global batch, as the trainer requires.
     */
    private int checkedBatches(Integer global, Integer micro, List<String> problems) {
        if (global == null || gpus < 1) {
            return 0;
        }
        if (global < 1) {
            problems.add("--global-batch: " + global + " is not a whole number ≥ 1");
            return 0;
        }
        if (global % gpus != 0) {
            problems.add("global batch " + global + " does not divide into " + gpus + " GPUs; choose a GPU count "
                    + "that divides it");
            return 0;
        }
        int slice = global / gpus;
        int m = micro == null ? slice : Math.min(micro, slice);
        if (m < 1 || slice % m != 0) {
            problems.add("micro batch " + micro + " does not divide the " + slice + " sequences each GPU trains on per "
                    + "step; choose a divisor of " + slice);
        }
        return m;
    }

    private static void throwIfAny(List<String> problems) {
        if (problems.size() == 1) {
            throw new UserError(problems.getFirst());
        }
        if (!problems.isEmpty()) {
            throw new UserError(problems, null);
        }
    }

    /** config.json as the rest of Perennial reads it; ORG/NAME through the Hub cache (config.json alone). */
    private static ModelConfig readModel(String spec, Path base) {
        return ModelConfigs.read(HubModels.resolveConfig(spec, base, HubSettings.fromEnvironment()));
    }

    private Report report(Run run, MemoryPlan plan, long capacity, int largest) {
        return new Report(run.modelName(), run.model().modelType(), plan.parameters(), gpus, run.seqLen(),
                run.globalBatch(), run.microBatch(), run.precision().id(), run.shardOptimizer(),
                run.activationCheckpointing(), capacity, plan.weights(), plan.gradients(), plan.optimizer(),
                plan.activations(), plan.activationsPerLayer(), plan.logits(), plan.allowance(), plan.total(),
                plan.fitsIn(capacity), largest);
    }

    private static String json(Report report) {
        try {
            return Json.MAPPER.writeValueAsString(report);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void table(Run run, MemoryPlan plan, long capacity, int largest, PrintWriter out) {
        boolean mixed = run.precision() == Precision.BF16_MIXED;
        out.printf(Locale.ROOT, "%s (%s): %,d parameters, %d layers%n", run.modelName(), run.model().modelType(),
                plan.parameters(), run.model().layers());
        out.printf(Locale.ROOT, "%d GPU%s × micro-batches of %d × %d tokens (global batch %d), %s%s%s%n", gpus,
                gpus == 1 ? "" : "s", run.microBatch(), run.seqLen(), run.globalBatch(), run.precision().id(),
                run.shardOptimizer() ? ", optimizer sharded" : "",
                run.activationCheckpointing() ? ", activation checkpointing" : "");
        out.println("memory per GPU:");
        row(out, "weights", plan.weights(), mixed ? "fp32 master + bf16 working copy" : "fp32");
        row(out, "gradients", plan.gradients(), mixed ? "fp32 + bf16 working copy's" : "fp32");
        row(out, "optimizer", plan.optimizer(), "AdamW's 2 fp32 moments"
                + (run.shardOptimizer() ? ", 1/" + gpus + " of them" : ""));
        row(out, "activations", plan.activations(), String.format(Locale.ROOT, "one micro-batch; %s per layer%s",
                gib(plan.activationsPerLayer()), run.activationCheckpointing()
                        ? ", one layer recomputed at a time, the inputs of all kept" : ""));
        row(out, "logits", plan.logits(), "B·T·V logits, log-probabilities and their gradients at the loss");
        row(out, "allowance", plan.allowance(), String.format(Locale.ROOT,
                "%.0f%% for fragmentation + %s CUDA context and workspaces", 100 * MemoryPlan.FRAGMENTATION,
                gib(MemoryPlan.CUDA_RUNTIME_BYTES)));
        row(out, "total", plan.total(), plan.fitsIn(capacity)
                ? "fits in " + gib(capacity) + " (" + gib(capacity - plan.total()) + " to spare)"
                : "does NOT fit in " + gib(capacity) + " (" + gib(plan.total() - capacity) + " over)");
        out.println(largest == 0 ? "not even a micro-batch of 1 fits: shard the optimizer, checkpoint activations, "
                + "use bf16-mixed, shorten the sequences or add GPUs"
                : "largest micro-batch that fits: " + largest + " (of the " + run.globalBatch() / gpus
                + " sequences per GPU per step)");
    }

    private static void row(PrintWriter out, String part, long bytes, String note) {
        out.printf(Locale.ROOT, "  %-12s %11s  %s%n", part, gib(bytes), note);
    }

    private static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.2f GiB", bytes / (double) (1L << 30));
    }
}

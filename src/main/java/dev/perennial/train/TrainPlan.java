package dev.perennial.train;

import dev.perennial.UserError;
import dev.perennial.config.ConfigLoader;
import dev.perennial.config.KeyPath;
import dev.perennial.config.MixtureRules;
import dev.perennial.config.Problems;
import dev.perennial.config.RunConfig;
import dev.perennial.config.StageConfig;
import dev.perennial.config.StageRules;
import dev.perennial.config.TrainSettings;
import dev.perennial.data.DataPlan;
import dev.perennial.data.Ledger;
import dev.perennial.data.MixtureSpec;
import dev.perennial.eval.TaskSpec;
import dev.perennial.hub.HubModels;
import dev.perennial.hub.HubSettings;
import dev.perennial.model.ModelConfig;
import dev.perennial.model.ModelConfigs;
import dev.perennial.schedule.RunSchedule;
import dev.perennial.tokenizer.Tokenizers;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything a training run needs, checked and completed with defaults: the one place where the trainer's keys
 * are validated (the schedule and data keys are checked by their own rules). Relative paths are taken from the
 * config file's folder. {@code init} is the model to continue from as written until {@link #resolved} finds it.
 */
public record TrainPlan(
        ConfigLoader.Loaded loaded,
        long seed,
        int seqLen,
        int globalBatch,
        int microBatch,
        Map<String, Path> corpora,
        RunSchedule schedule,
        List<MixtureSpec> mixtures,
        List<Boolean> resetOptimizer,
        Path init,
        ModelConfig freshModel,
        String tokenizer,
        TrainStep.Settings optimizer,
        Evaluation eval,
        Checkpoints checkpoints,
        Path out,
        int maxNonfinite,
        Compute compute) {

    /**
     * How the steps compute: {@code precision}, the {@code device} ("cpu", "cuda" or "cuda:N"), per-layer
     * activation checkpointing, and data parallelism's optimizer sharding (ZeRO-1) and overlapped all-reduce in
     * buckets of {@code bucketBytes}.
     */
    public record Compute(Precision precision, String device, boolean activationCheckpointing, boolean shardOptimizer,
                          boolean overlap, long bucketBytes) {

        /** fp32 on the CPU, nothing sharded, checkpointed or overlapped: what a config that says nothing gets. */
        public static final Compute DEFAULT = new Compute(Precision.FP32, "cpu", false, false, false,
                DEFAULT_BUCKET_MB << 20);

        /** One process computing at {@code precision}, checkpointing activations or not (benchmarks, tests). */
        public static Compute single(Precision precision, boolean activationCheckpointing) {
            return new Compute(precision, DEFAULT.device(), activationCheckpointing, false, false,
                    DEFAULT.bucketBytes());
        }
    }

    /**
     * When and what to evaluate: every {@code interval} steps, and every {@code finalInterval} steps in the last
     * {@code finalFraction} of a stage; {@code sequences} validation sequences per corpus (spread over the held-out
     * split when {@code spread}) in forward passes of {@code batch}, the corpora read so far plus
     * {@code extraCorpora}, and {@code tasks} scored on at most {@code taskLimit} examples each (0: all).
     */
    public record Evaluation(long interval, int sequences, int batch, List<String> extraCorpora,
                             List<TaskSpec.Task> tasks, int taskLimit, double finalFraction, long finalInterval,
                             boolean spread) {

        /** Whether an evaluation is due after {@code done} of a stage's {@code steps} steps (always at its end). */
        public boolean due(long done, long steps) {
            if (done == steps || done % interval == 0) {
                return true;
            }
            return done >= finalWindowStart(steps, finalFraction) && (steps - done) % finalInterval == 0;
        }

        /** The first step of a stage's final window: the last {@code fraction} of its steps, at least the last. */
        public static long finalWindowStart(long steps, double fraction) {
            return Math.min(steps, (long) Math.floor(steps * (1 - fraction)));
        }
    }

    /** A checkpoint every {@code interval} steps (and at every stage's end); the newest {@code keep} are kept. */
    public record Checkpoints(long interval, int keep) {
    }

    /** The tokens trained on after {@code steps} optimizer steps (each takes global_batch sequences of seq_len). */
    long tokensAfter(long steps) {
        return steps * globalBatch() * (long) seqLen();
    }

    /**
     * The run's data: its corpora opened and checked, one mixture per stage, the first starting from the ledger of the
     * model the run continues from (so that replay draws from what that model read), or from an empty one.
     */
    public DataPlan openData() {
        Ledger start = init == null ? Ledger.empty(seqLen) : new ParentModel(init).ledger(seqLen);
        List<DataPlan.StageData> stages = new ArrayList<>();
        for (int i = 0; i < mixtures.size(); i++) {
            RunSchedule.Placed p = schedule.stages().get(i);
            stages.add(new DataPlan.StageData(p.stage().name(), mixtures.get(i), p.stage().steps()));
        }
        return new DataPlan(corpora, stages, seed, seqLen, globalBatch, start);
    }

    public static final long DEFAULT_EVAL_INTERVAL = 100;
    public static final int DEFAULT_EVAL_SEQUENCES = 64;
    public static final long DEFAULT_CHECKPOINT_INTERVAL = 100;
    public static final int DEFAULT_KEEP = 2;
    public static final int DEFAULT_MAX_NONFINITE = 5;
    /** PyTorch DDP's bucket_cap_mb. */
    public static final long DEFAULT_BUCKET_MB = 25;

    public static TrainPlan from(ConfigLoader.Loaded loaded) {
        RunConfig c = loaded.config();
        String source = loaded.source();
        KeyPath at = KeyPath.root();
        RunSchedule schedule = StageRules.runSchedule(c, at, source);
        List<MixtureSpec> mixtures = MixtureRules.mixtures(c, at, source);
        Path base = Path.of(source).toAbsolutePath().getParent();
        Problems p = new Problems();

        int seqLen = whole(p, at.key("seq_len"), c.seqLen(), null, "tokens per sequence; required for training");
        int globalBatch = whole(p, at.key("global_batch"), c.globalBatch(), null,
                "sequences per optimizer step; required for training");
        int microBatch = whole(p, at.key("micro_batch"), c.microBatch(), (long) globalBatch,
                "sequences per forward and backward pass");
        if (microBatch > 0 && globalBatch > 0 && globalBatch % microBatch != 0) {
            p.add(at.key("micro_batch"), microBatch + " does not divide global_batch " + globalBatch
                    + "; gradient accumulation needs global_batch = micro_batch × steps");
        }
        long seed = c.seed() == null ? 0 : c.seed();

        Path init = null;
        ModelConfig fresh = null;
        TrainSettings.ModelSpec model = c.model();
        if (model == null || (model.init() == null) == (model.config() == null)) {
            p.add(at.key("model"), "give exactly one of init: (a Hugging Face model folder to continue from) or config: "
                    + "(a fresh architecture, config.json keys)");
        } else if (model.init() != null) {
            init = base.resolve(model.init()); // as written; resolved() looks ORG/NAME up in the Hub cache
        } else {
            fresh = ModelConfigs.parse(model.config(), source + ": model.config");
        }
        if (fresh != null) { // the weights alone, in float32; refused here to name the file before any compute
            ModelConfigs.fitProblem(fresh, 4, ModelConfigs.availableMemory())
                    .ifPresent(problem -> p.add(at.key("model").key("config"), problem));
        }
        if (fresh != null && seqLen > fresh.maxPositions()) {
            p.add(at.key("model").key("config").key("max_position_embeddings"), fresh.maxPositions()
                    + " is below seq_len " + seqLen + "; the model has no positions past it: raise "
                    + "max_position_embeddings or lower seq_len");
        }
        if (c.tokenizer() == null && init == null) {
            p.add(at.key("tokenizer"), "missing; give 'byte' or a tokenizer.json (or its folder) for a fresh model");
        }
        String tokenizer = Tokenizers.located(c.tokenizer(), base);

        Map<String, Path> corpora = new LinkedHashMap<>();
        if (c.corpora() != null) {
            c.corpora().forEach((name, dir) -> corpora.put(name, base.resolve(dir)));
        }
        TrainStep.Settings optimizer = optimizer(c, p, at);
        Evaluation eval = evaluation(c, corpora.keySet(), microBatch, base, p, at);
        Checkpoints checkpoints = checkpoints(c, p, at);
        int maxNonfinite = whole(p, at.key("max_nonfinite"), c.maxNonfinite(), (long) DEFAULT_MAX_NONFINITE,
                "non-finite steps in a row before training stops");
        Compute compute = compute(c, p, at);
        if (c.out() == null) {
            p.add(at.key("out"), "missing; name the run folder, e.g. 'out: runs/demo'");
        }
        List<Boolean> reset = new ArrayList<>();
        List<StageConfig> stages = c.stages();
        for (int i = 0; i < stages.size(); i++) {
            Boolean r = stages.get(i).resetOptimizer();
            reset.add(r == null ? i > 0 : r);
        }
        p.throwIfAny(source);
        return new TrainPlan(loaded, seed, seqLen, globalBatch, microBatch, corpora, schedule, mixtures, reset, init,
                fresh, tokenizer, optimizer, eval, checkpoints, base.resolve(c.out()), maxNonfinite, compute);
    }

    /** AdamW's settings and the clipping norm, with the paper's values where the config is silent. */
    private static TrainStep.Settings optimizer(RunConfig c, Problems p, KeyPath at) {
        TrainSettings.OptimizerSpec opt = c.optimizer() == null
                ? new TrainSettings.OptimizerSpec(null, null, null, null) : c.optimizer();
        double beta1 = or(opt.beta1(), TrainStep.BETA1);
        double beta2 = or(opt.beta2(), TrainStep.BETA2);
        double eps = or(opt.eps(), TrainStep.EPS);
        double weightDecay = or(opt.weightDecay(), TrainStep.WEIGHT_DECAY);
        p.inRange(at.key("optimizer").key("beta1"), beta1, 0, 0.999999, "AdamW's β1");
        p.inRange(at.key("optimizer").key("beta2"), beta2, 0, 0.999999, "AdamW's β2");
        p.positive(at.key("optimizer").key("eps"), eps, "AdamW's ε");
        p.nonNegative(at.key("optimizer").key("weight_decay"), weightDecay, "decoupled weight decay");
        double clip = or(c.clip(), TrainStep.CLIP);
        p.positive(at.key("clip"), clip, "the global gradient norm to clip to");
        return new TrainStep.Settings(beta1, beta2, eps, weightDecay, clip);
    }

    /** The eval: keys, with extra corpora checked against corpora: and task files found and parsed. */
    private static Evaluation evaluation(RunConfig c, Set<String> corpora, int microBatch, Path base, Problems p,
                                         KeyPath at) {
        TrainSettings.EvalSpec eval = c.eval() == null
                ? new TrainSettings.EvalSpec(null, null, null, null, null, null) : c.eval();
        long interval = whole(p, at.key("eval").key("interval"), eval.interval(), DEFAULT_EVAL_INTERVAL,
                "steps between evaluations");
        int sequences = whole(p, at.key("eval").key("sequences"), eval.sequences(),
                (long) DEFAULT_EVAL_SEQUENCES, "validation sequences per corpus");
        int batch = whole(p, at.key("eval").key("batch"), eval.batch(), (long) Math.max(1, microBatch),
                "validation sequences per forward pass");
        List<String> extra = eval.corpora() == null ? List.of() : eval.corpora();
        for (int i = 0; i < extra.size(); i++) {
            if (!corpora.contains(extra.get(i))) {
                p.add(at.key("eval").key("corpora").index(i), "'" + extra.get(i) + "' is not under corpora:");
            }
        }
        List<TaskSpec.Task> tasks = new ArrayList<>();
        Path shipped = Path.of(System.getProperty("perennial.home", ".")).resolve("data/tasks");
        for (int i = 0; eval.tasks() != null && i < eval.tasks().size(); i++) {
            try {
                tasks.add(TaskSpec.resolve(TaskSpec.located(eval.tasks().get(i), base), shipped));
            } catch (UserError e) {
                p.add(at.key("eval").key("tasks").index(i), e.getMessage());
            }
        }
        int taskLimit = eval.taskLimit() == null ? 0 : whole(p, at.key("eval").key("task_limit"), eval.taskLimit(), 0L,
                "examples per task at each evaluation");
        double finalFraction = eval.finalFraction() == null ? 0 : eval.finalFraction();
        p.inRange(at.key("eval").key("final_fraction"), finalFraction, 0, 1,
                "the last share of every stage evaluated every final_interval steps");
        long finalInterval = whole(p, at.key("eval").key("final_interval"), eval.finalInterval(), 1L,
                "steps between evaluations in the final window");
        return new Evaluation(interval, sequences, batch, List.copyOf(extra), List.copyOf(tasks), taskLimit,
                finalFraction, finalInterval, Boolean.TRUE.equals(eval.spread()));
    }

    /** precision:, device:, activation_checkpointing: and distributed:, with {@link Compute#DEFAULT} where silent. */
    private static Compute compute(RunConfig c, Problems p, KeyPath at) {
        Compute d = Compute.DEFAULT;
        Precision precision = c.precision() == null ? d.precision()
                : p.choice(Precision.class, c.precision(), d.precision(), at.key("precision")).orElse(d.precision());
        String device = c.device() == null ? d.device() : c.device();
        if (!device.matches("cpu|cuda(:[0-9]+)?")) {
            p.add(at.key("device"), "'" + device + "' is not a device; give cpu, cuda or cuda:N");
        }
        TrainSettings.DistributedSpec dist = c.distributed() == null
                ? new TrainSettings.DistributedSpec(null, null, null) : c.distributed();
        double bucketMb = dist.bucketMb() == null ? DEFAULT_BUCKET_MB : dist.bucketMb();
        p.positive(at.key("distributed").key("bucket_mb"), bucketMb, "megabytes of gradients per all-reduce bucket");
        boolean shard = dist.shardOptimizer() == null ? d.shardOptimizer() : dist.shardOptimizer();
        boolean overlap = dist.overlap() == null ? d.overlap() : dist.overlap();
        if (shard && overlap) {
            p.add(at.key("distributed").key("overlap"), "true cannot be combined with shard_optimizer: true (the "
                    + "sharded optimizer reduce-scatters the gradients after the backward pass, not during it); "
                    + "set one of them to false");
        }
        boolean checkpointing = c.activationCheckpointing() == null ? d.activationCheckpointing()
                : c.activationCheckpointing();
        // the buckets hook the fp32 parameters' gradients as one backward pass delivers them: a bf16 working copy
        // gets them instead, and checkpointing delivers tied embeddings' gradient in two backward calls
        if (overlap && precision == Precision.BF16_MIXED) {
            p.add(at.key("distributed").key("overlap"), "true cannot be combined with precision: bf16-mixed (the "
                    + "gradients reach the fp32 weights only after the backward pass); set one of them otherwise");
        }
        if (overlap && checkpointing) {
            p.add(at.key("distributed").key("overlap"), "true cannot be combined with activation_checkpointing: true "
                    + "(the backward pass runs layer by layer in separate calls); set one of them to false");
        }
        return new Compute(precision, device, checkpointing, shard, overlap, Math.max(1, (long) (bucketMb * (1 << 20))));
    }

    private static Checkpoints checkpoints(RunConfig c, Problems p, KeyPath at) {
        TrainSettings.CheckpointSpec ckpt = c.checkpoint() == null
                ? new TrainSettings.CheckpointSpec(null, null) : c.checkpoint();
        long interval = whole(p, at.key("checkpoint").key("interval"), ckpt.interval(),
                DEFAULT_CHECKPOINT_INTERVAL, "steps between checkpoints");
        int keep = whole(p, at.key("checkpoint").key("keep"), ckpt.keep(), (long) DEFAULT_KEEP,
                "checkpoints kept (the newest ones)");
        return new Checkpoints(interval, keep);
    }

    private static int whole(Problems p, KeyPath key, Long value, Long fallback, String meaning) {
        if (value == null && fallback == null) {
            p.add(key, "missing (" + meaning + ")");
            return 0;
        }
        long v = value != null ? value : fallback;
        return p.wholeFromOneTo(key, v, Integer.MAX_VALUE, meaning) ? Math.toIntExact(v) : 0;
    }

    private static double or(Double value, double fallback) {
        return value != null ? value : fallback;
    }

    /**
     * This plan with {@code model.init} as a model folder: a local folder as it is, ORG/NAME[@REVISION] through the
     * Hugging Face cache, downloading what is missing unless HF_HUB_OFFLINE is set. Kept apart from {@link #from}
     * so that checking a config never touches the network; commands that train call it once the plan is valid.
     */
    public TrainPlan resolved(HubSettings hub, boolean showProgress) {
        String written = loaded.config().model().init();
        if (written == null) {
            return this;
        }
        Path folder = HubModels.resolve(written, Path.of(loaded.source()).toAbsolutePath().getParent(), hub,
                showProgress);
        return new TrainPlan(loaded, seed, seqLen, globalBatch, microBatch, corpora, schedule, mixtures,
                resetOptimizer, folder, freshModel, tokenizer, optimizer, eval, checkpoints, out, maxNonfinite,
                compute);
    }
}

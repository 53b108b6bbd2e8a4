package dev.perennial.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.UserError;
import dev.perennial.checkpoint.ModelFolder;
import dev.perennial.config.ConfigLoader;
import dev.perennial.data.Accounting;
import dev.perennial.data.Batch;
import dev.perennial.data.Corpus;
import dev.perennial.data.DataPlan;
import dev.perennial.data.Ledger;
import dev.perennial.data.StageMixture;
import dev.perennial.io.AtomicFiles;
import dev.perennial.io.Hashing;
import dev.perennial.model.Model;
import dev.perennial.progress.Progress;
import dev.perennial.schedule.RunSchedule;
import dev.perennial.tensor.Tensors;
import dev.perennial.tokenizer.Tokenizer;
import dev.perennial.tokenizer.Tokenizers;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code perennial train}: runs the stages of a plan one after another, each with its schedule and data mixture,
 * evaluating every corpus seen so far and checkpointing as configured, and resumes from the newest complete
 * checkpoint so that an interrupted run ends exactly as an uninterrupted one (CPU, same config).
 */
public final class Trainer {

    /**
     * The data ledger a model folder carries (final/ and checkpoints of Perennial runs): a run continuing from
     * that model continues its data history, so that replay draws from what the model actually read.
     */
    public static final String LEDGER = "ledger.json";

    /** How a run ended: complete, or stopped by a signal at {@code steps}. */
    public record Outcome(boolean completed, long steps, Path finalDir, String message) {
    }

    private final TrainPlan plan;
    private final RunDirectory run;
    private final StopSignal stop;
    private final PrintStream log;
    private final boolean showProgress;

    private Trainer(TrainPlan plan, StopSignal stop, PrintStream log, boolean showProgress) {
        this.plan = plan;
        this.run = new RunDirectory(plan.out());
        this.stop = stop;
        this.log = log;
        this.showProgress = showProgress;
    }

    public static Outcome run(TrainPlan plan, boolean handleSignals, PrintStream log, boolean showProgress) {
        return new Trainer(plan, handleSignals ? StopSignal.install() : StopSignal.never(), log, showProgress).run();
    }

    /** Seconds a collective may wait for the other workers (PERENNIAL_DIST_TIMEOUT, default 120). */
    static long distributedTimeoutMs() {
        return 1000L * Long.parseLong(System.getenv().getOrDefault("PERENNIAL_DIST_TIMEOUT", "120"));
    }

    private Outcome run() {
        try (Distributed dist = Distributed.fromEnvironment(System.getenv(), distributedTimeoutMs())) {
            return run(dist);
        }
    }

    private Outcome run(Distributed dist) {
        boolean writer = dist == null || dist.rank() == 0;
        if (dist != null && (plan.globalBatch() % dist.worldSize() != 0
                || (plan.globalBatch() / dist.worldSize()) % Math.min(plan.microBatch(),
                plan.globalBatch() / dist.worldSize()) != 0)) {
            throw new UserError("global_batch " + plan.globalBatch() + " cannot be split into " + dist.worldSize()
                    + " equal slices of whole micro-batches; choose a worker count that divides it");
        }
        Optional<RunDirectory.Checkpoint> resumeFrom = run.newestValid(writer ? log::println : s -> { });
        if (resumeFrom.isPresent()) {
            checkUnchangedPast(resumeFrom.get().state());
        } else if (!run.checkpoints().isEmpty()) {
            throw new UserError(run.dir() + ": every checkpoint is damaged; remove " + run.checkpointsDir()
                    + " to start over");
        }
        try {
            Files.createDirectories(run.dir());
        } catch (IOException e) {
            throw new UserError("could not create " + run.dir() + ": " + e.getMessage(), e);
        }
        if (writer) {
            AtomicFiles.writeString(run.configFile(), plan.loaded().yaml());
        }
        List<DataPlan.StageData> stageData = stageData();
        try (DataPlan data = new DataPlan(plan.corpora(), stageData, plan.seed(), plan.seqLen(), plan.globalBatch(),
                inheritedLedger())) {
            String tokenizerHash = checkTokenizers(data);
            Map<String, String> corpusHashes = new LinkedHashMap<>();
            data.corpora().forEach((name, corpus) -> corpusHashes.put(name, corpus.hash()));
            resumeFrom.ifPresent(c -> checkSameCorpora(c.state(), corpusHashes, tokenizerHash));
            try (Model model = openModel(resumeFrom);
                 MetricsLog metrics = writer ? new MetricsLog(run.metricsFile(),
                         resumeFrom.map(c -> c.state().metricsBytes()).orElse(0L)) : null) {
                checkVocabulary(model, data);
                if (dist != null) {
                    broadcastParameters(model, dist);
                }
                return new Loop(model, data, metrics, tokenizerHash, corpusHashes, dist).run(resumeFrom);
            }
        }
    }

    /** The ledger of the model the run continues from, or an empty one. */
    private Ledger inheritedLedger() {
        if (plan.init() != null && Files.isRegularFile(plan.init().resolve(LEDGER))) {
            try {
                return RunDirectory.JSON.readValue(plan.init().resolve(LEDGER).toFile(), Ledger.class);
            } catch (IOException e) {
                throw new UserError(plan.init().resolve(LEDGER) + ": unreadable data ledger (" + e.getMessage() + ")", e);
            }
        }
        return Ledger.empty(plan.seqLen());
    }

    private List<DataPlan.StageData> stageData() {
        List<DataPlan.StageData> stages = new ArrayList<>();
        for (int i = 0; i < plan.mixtures().size(); i++) {
            RunSchedule.Placed p = plan.schedule().stages().get(i);
            stages.add(new DataPlan.StageData(p.stage().name(), plan.mixtures().get(i), p.stage().steps()));
        }
        return stages;
    }

    /** The tokenizer of the config, of the model to continue from, and of every corpus must be one and the same. */
    private String checkTokenizers(DataPlan data) {
        String hash = null;
        String from = null;
        if (plan.tokenizer() != null) {
            Tokenizer tokenizer = Tokenizers.open(plan.tokenizer());
            hash = tokenizer.hash();
            from = "tokenizer " + plan.tokenizer();
            if (tokenizer instanceof AutoCloseable closeable) {
                close(closeable);
            }
        }
        if (plan.init() != null && Files.isRegularFile(plan.init().resolve("tokenizer.json"))) {
            String initHash = Hashing.sha256(plan.init().resolve("tokenizer.json"));
            if (hash != null && !hash.equals(initHash)) {
                throw new UserError(from + " (" + hash.substring(0, 12) + ") is not the tokenizer of the model in "
                        + plan.init() + " (" + initHash.substring(0, 12) + "); drop 'tokenizer:' to use the model's");
            }
            hash = initHash;
            from = "the tokenizer of " + plan.init();
        }
        if (hash == null) {
            throw new UserError(plan.init() + " has no tokenizer.json; name one with 'tokenizer:'");
        }
        for (Map.Entry<String, Corpus> c : data.corpora().entrySet()) {
            String corpusHash = c.getValue().metadata().tokenizer().hash();
            if (!corpusHash.equals(hash)) {
                throw new UserError("corpus " + c.getKey() + " (" + c.getValue().dir() + ") was tokenized with "
                        + c.getValue().metadata().tokenizer().name() + " (" + corpusHash.substring(0, 12) + "), not "
                        + from + " (" + hash.substring(0, 12) + "); prepare it again with the model's tokenizer");
            }
        }
        return hash;
    }

    private static void close(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every rank starts from rank 0's weights (DDP's rule), whatever it loaded or initialised itself. */
    private static void broadcastParameters(Model model, Distributed dist) {
        try (org.bytedeco.pytorch.NoGradGuard guard = new org.bytedeco.pytorch.NoGradGuard()) {
            for (Tensor p : model.parameters().values()) {
                dist.broadcast(p);
            }
        }
    }

    private void checkVocabulary(Model model, DataPlan data) {
        for (Map.Entry<String, Corpus> c : data.corpora().entrySet()) {
            int vocab = c.getValue().metadata().tokenizer().vocabSize();
            if (vocab > model.config().vocabSize()) {
                throw new UserError("corpus " + c.getKey() + " uses " + vocab + " token ids but the model's vocab_size "
                        + "is " + model.config().vocabSize() + "; give the model a vocabulary of at least " + vocab);
            }
        }
    }

    private Model openModel(Optional<RunDirectory.Checkpoint> resumeFrom) {
        Path folder = resumeFrom.map(RunDirectory.Checkpoint::dir).orElse(plan.init());
        if (folder != null) {
            ModelFolder.Loaded loaded = ModelFolder.load(folder, torch.ScalarType.Float);
            loaded.tokenizer().close();
            return loaded.model();
        }
        return Model.initialise(plan.freshModel(), plan.seed(), torch.ScalarType.Float);
    }

    /**
     * A resumed run may append stages and change how it reports (eval, checkpoints, micro-batching), but not
     * what already happened: the seed, batch shape, model, tokenizer, and every stage up to the checkpoint's.
     */
    private void checkUnchangedPast(CheckpointState state) {
        JsonNode before;
        try {
            before = ConfigLoader.parse(Files.readString(run.configFile()), run.configFile().toString(), List.of())
                    .tree();
        } catch (IOException e) {
            throw new UserError(run.configFile() + ": cannot be read to check the resumed config (" + e.getMessage()
                    + ")", e);
        }
        ObjectNode now = plan.loaded().tree();
        List<String> changed = new ArrayList<>();
        for (String key : List.of("seed", "seq_len", "global_batch", "model", "tokenizer")) {
            if (!java.util.Objects.equals(before.get(key), now.get(key))) {
                changed.add(key);
            }
        }
        JsonNode oldStages = before.path("stages");
        JsonNode newStages = now.path("stages");
        for (int i = 0; i <= state.stage() && i < oldStages.size(); i++) {
            if (i >= newStages.size() || !oldStages.get(i).equals(newStages.get(i))) {
                changed.add("stages[" + i + "]");
            }
        }
        if (!changed.isEmpty()) {
            throw new UserError(run.dir() + " was trained up to step " + state.globalStep() + " with another "
                    + String.join(", ", changed) + "; changing them would rewrite what the model has already been "
                    + "trained on. Keep them as in " + run.configFile() + " (appending stages is fine), or train into "
                    + "another out: folder");
        }
    }

    private void checkSameCorpora(CheckpointState state, Map<String, String> hashes, String tokenizerHash) {
        if (!state.tokenizerHash().equals(tokenizerHash)) {
            throw new UserError(run.dir() + " was trained with another tokenizer; resume with the original one");
        }
        state.corpusHashes().forEach((name, hash) -> {
            if (hashes.containsKey(name) && !hashes.get(name).equals(hash)) {
                throw new UserError("corpus " + name + " changed since " + run.dir() + " was checkpointed (its content "
                        + "hash differs); resume with the original corpus or give the new one another name");
            }
        });
    }

    /** The training loop proper, over the stages from where the run stands. */
    private final class Loop {
        private final Model model;
        private final DataPlan data;
        private final MetricsLog metrics;
        private final String tokenizerHash;
        private final Map<String, String> corpusHashes;
        private final Evaluator evaluator;
        private final Progress progress;
        private TrainStep step;
        private Map<String, Double> stageStart = new LinkedHashMap<>();
        private int nonfiniteStreak;
        private long nonfiniteTotal;
        private final Distributed dist;
        private final boolean writer;

        Loop(Model model, DataPlan data, MetricsLog metrics, String tokenizerHash, Map<String, String> corpusHashes,
             Distributed dist) {
            this.dist = dist;
            this.writer = dist == null || dist.rank() == 0;
            this.model = model;
            this.data = data;
            this.metrics = metrics;
            this.tokenizerHash = tokenizerHash;
            this.corpusHashes = corpusHashes;
            this.evaluator = new Evaluator(data.corpora(), plan.seqLen(), plan.evalSequences(), plan.evalBatch(), dist);
            this.progress = showProgress && writer ? Progress.console("train", " tok", plan.schedule().totalSteps()
                    * (double) plan.globalBatch() * plan.seqLen()) : Progress.silent();
        }

        Outcome run(Optional<RunDirectory.Checkpoint> resumedFrom) {
            Optional<CheckpointState> resumed = resumedFrom.map(RunDirectory.Checkpoint::state);
            int stage = resumed.map(CheckpointState::stage).orElse(0);
            long stageStep = resumed.map(CheckpointState::stageStep).orElse(0L);
            resumed.ifPresent(s -> {
                stageStart = new LinkedHashMap<>(s.stageStartLosses());
                nonfiniteStreak = s.nonfiniteStreak();
                nonfiniteTotal = s.nonfiniteTotal();
            });
            List<RunSchedule.Placed> stages = plan.schedule().stages();
            if (resumed.isPresent() && stageStep == stages.get(stage).stage().steps() && stage + 1 < stages.size()) {
                stage++;
                stageStep = 0;
            }
            try {
                for (; stage < stages.size(); stage++, stageStep = 0) {
                    RunSchedule.Placed placed = stages.get(stage);
                    openOptimizer(stage, stageStep, resumedFrom);
                    if (stageStep == 0) {
                        stageStart = evaluate(placed, 0);
                    }
                    for (long n = stageStep; n < placed.stage().steps(); n++) {
                        trainOneStep(stage, placed, n);
                        long done = n + 1;
                        boolean stageEnd = done == placed.stage().steps();
                        if (done % plan.evalInterval() == 0 || stageEnd) {
                            evaluate(placed, done);
                        }
                        boolean stopping = stopAgreed();
                        if (done % plan.checkpointInterval() == 0 || stageEnd || stopping) {
                            checkpoint(stage, placed, done);
                        }
                        if (stopping && !(stageEnd && stage == stages.size() - 1)) {
                            long global = (long) placed.offset() + done;
                            progress.finish("stopped at step " + global);
                            return new Outcome(false, global, null, "stopped at step " + global + " with a checkpoint; "
                                    + "resume with: perennial train " + plan.loaded().source());
                        }
                    }
                }
            } finally {
                if (step != null) {
                    step.close();
                }
                if (tokenizerForTasks instanceof AutoCloseable closeable) {
                    close(closeable);
                }
            }
            Path finalDir = writer ? writeFinal() : run.finalDir();
            if (dist != null) {
                dist.barrier(); // the final folder exists before any worker reports success
            }
            progress.finish("done: " + plan.schedule().totalSteps() + " steps");
            return new Outcome(true, plan.schedule().totalSteps(), finalDir, "training complete; the model is in "
                    + finalDir);
        }

        /** Whether any rank was asked to stop: all ranks must stop after the same step. */
        private boolean stopAgreed() {
            if (dist == null) {
                return stop.requested();
            }
            try (PointerScope scope = new PointerScope()) {
                Tensor flag = Tensors.fromFloats(new float[] {stop.requested() ? 1 : 0}, 1);
                dist.allReduceSum(flag);
                return Tensors.toFloats(flag)[0] > 0;
            }
        }

        /** A new stage resets AdamW's state unless told not to (the paper's default); a resumed one reloads it. */
        private void openOptimizer(int stage, long stageStep, Optional<RunDirectory.Checkpoint> resumed) {
            boolean fresh = step == null || (stageStep == 0 && plan.resetOptimizer().get(stage));
            if (fresh) {
                if (step != null) {
                    step.close();
                }
                TrainStep.Settings settings = new TrainStep.Settings(plan.beta1(), plan.beta2(), plan.eps(),
                        plan.weightDecay(), plan.clip());
                step = new TrainStep(model, 0, settings);
                if (dist != null) {
                    step.distribute(dist);
                }
                boolean continuing = resumed.isPresent() && (stageStep > 0 || !plan.resetOptimizer().get(stage));
                if (continuing) {
                    step.load(resumed.get().dir().resolve("optimizer.pt")); // verified when the run started
                }
            }
        }

        private void trainOneStep(int stage, RunSchedule.Placed placed, long n) {
            long global = (long) placed.offset() + n;
            double lr = plan.schedule().lr(global);
            StageMixture mixture = data.stages().get(stage);
            long start = System.nanoTime();
            TrainStep.Result result;
            try (PointerScope scope = new PointerScope()) {
                step.setLearningRate(lr);
                result = step.step(microBatches(dist == null ? mixture.batch(n)
                        : mixture.batch(n, dist.rank(), dist.worldSize())));
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            if (result.applied()) {
                nonfiniteStreak = 0;
            } else {
                nonfiniteStreak++;
                nonfiniteTotal++;
                if (nonfiniteStreak >= plan.maxNonfinite()) {
                    throw new UserError(String.format(Locale.ROOT, "training stopped: %d steps in a row had a "
                                    + "non-finite loss or gradient (step %d: loss %s, gradient norm %s); lower the "
                                    + "learning rate, or check the data", nonfiniteStreak, global + 1, result.loss(),
                            result.gradNorm()));
                }
            }
            long tokens = (global + 1) * plan.globalBatch() * (long) plan.seqLen();
            Map<String, Object> record = new LinkedHashMap<>();
            record.put("type", "step");
            record.put("step", global + 1);
            record.put("stage", placed.stage().name());
            record.put("stage_step", n + 1);
            record.put("tokens", tokens);
            record.put("lr", lr);
            record.put("loss", result.loss());
            record.put("grad_norm", result.gradNorm());
            record.put("skipped", !result.applied());
            record.put("tokens_per_s", plan.globalBatch() * (double) plan.seqLen() / seconds);
            Accounting accounting = mixture.accounting(n + 1);
            Map<String, Long> consumed = new LinkedHashMap<>();
            Map<String, Long> replayed = new LinkedHashMap<>();
            for (Accounting.Row row : accounting.rows()) {
                (row.replay() ? replayed : consumed).merge(row.corpus(), row.tokens(), Long::sum);
            }
            record.put("consumed_tokens", consumed);
            record.put("replayed_tokens", replayed);
            log(record);
            progress.detail(String.format(Locale.ROOT, "stage %s step %d/%d loss %.4f lr %.2e",
                    placed.stage().name(), n + 1, placed.stage().steps(), result.loss(), lr));
            progress.advanceTo(tokens);
        }

        private List<Tensor> microBatches(Batch batch) {
            List<Tensor> micro = new ArrayList<>();
            long[] all = batch.tokensAsLongs();
            int rows = Math.min(plan.microBatch(), batch.rows());
            for (int first = 0; first < batch.rows(); first += rows) {
                long[] part = java.util.Arrays.copyOfRange(all, first * batch.columns(), (first + rows) * batch.columns());
                micro.add(Tensors.fromLongs(part, rows, batch.columns()));
            }
            return micro;
        }

        /** Evaluates every corpus read so far (and the extras); records losses and their change since stage start. */
        private Map<String, Double> evaluate(RunSchedule.Placed placed, long stageStep) {
            Map<String, Double> losses = evaluator.losses(model, evalCorpora(placed.index()));
            Map<String, Map<String, Double>> taskScores = new LinkedHashMap<>();
            if (!plan.evalTasks().isEmpty()) {
                dev.perennial.eval.Scorer scorer = new dev.perennial.eval.Scorer(model, tokenizer());
                for (dev.perennial.eval.TaskSpec.Task task : plan.evalTasks()) {
                    taskScores.put(task.name(), dev.perennial.eval.TaskRunner.run(task, scorer, plan.taskLimit())
                            .metrics());
                }
            }
            Map<String, Object> record = new LinkedHashMap<>();
            record.put("type", "eval");
            record.put("step", (long) placed.offset() + stageStep);
            record.put("stage", placed.stage().name());
            record.put("stage_step", stageStep);
            record.put("val_loss", losses);
            Map<String, Double> delta = new LinkedHashMap<>();
            Map<String, Double> baseline = stageStep == 0 ? losses : stageStart;
            losses.forEach((name, loss) -> delta.put(name, loss - baseline.getOrDefault(name, loss)));
            record.put("delta_since_stage_start", delta);
            if (!taskScores.isEmpty()) {
                record.put("tasks", taskScores);
            }
            log(record);
            return losses;
        }

        private List<String> evalCorpora(int stage) {
            Set<String> names = new LinkedHashSet<>();
            for (int i = 0; i <= stage; i++) {
                plan.mixtures().get(i).corpora().forEach(w -> names.add(w.corpus()));
            }
            names.addAll(plan.extraEvalCorpora());
            return List.copyOf(names);
        }

        private void log(Map<String, Object> record) {
            if (writer) {
                metrics.write(record);
            }
        }

        private void checkpoint(int stage, RunSchedule.Placed placed, long stageStep) {
            if (!writer) {
                return;
            }
            long global = (long) placed.offset() + stageStep;
            Ledger ledger = data.stages().get(stage).ledgerAfter(stageStep);
            CheckpointState state = new CheckpointState(global, stage, stageStep, metrics.bytes(), nonfiniteStreak,
                    nonfiniteTotal, stageStart, ledger, tokenizerHash, corpusHashes);
            run.writeCheckpoint(global, state, dir -> {
                ModelFolder.save(model, tokenizerSpec(), dir, ModelFolder.DEFAULT_SHARD_BYTES,
                        "Checkpoint at step " + global + " (stage " + placed.stage().name() + ", step " + stageStep
                                + ") of the Perennial run in " + run.dir() + ".");
                step.save(dir.resolve("optimizer.pt"));
                try {
                    byte[] json = RunDirectory.JSON.writeValueAsBytes(ledger);
                    AtomicFiles.write(dir.resolve(LEDGER), out -> out.write(json));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, plan.keepCheckpoints());
        }

        private Tokenizer tokenizerForTasks;

        /** The run's tokenizer, opened once when tasks are scored. */
        private Tokenizer tokenizer() {
            if (tokenizerForTasks == null) {
                tokenizerForTasks = Tokenizers.open(tokenizerSpec());
            }
            return tokenizerForTasks;
        }

        private String tokenizerSpec() {
            return plan.tokenizer() != null ? plan.tokenizer() : plan.init().toString();
        }

        private Path writeFinal() {
            Path target = run.finalDir();
            Path partial = run.dir().resolve(".final.partial");
            AtomicFiles.deleteTree(partial);
            Lineage lineage = Lineage.of(plan, data, tokenizerHash, corpusHashes);
            ModelFolder.save(model, tokenizerSpec(), partial, ModelFolder.DEFAULT_SHARD_BYTES, lineage.story());
            try {
                byte[] json = RunDirectory.JSON.writeValueAsBytes(lineage);
                AtomicFiles.write(partial.resolve("lineage.json"), out -> out.write(json));
                byte[] ledger = RunDirectory.JSON.writeValueAsBytes(data.ledgerAt(plan.mixtures().size()));
                AtomicFiles.write(partial.resolve(LEDGER), out -> out.write(ledger));
                AtomicFiles.deleteTree(target);
                Files.move(partial, target);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return target;
        }
    }
}

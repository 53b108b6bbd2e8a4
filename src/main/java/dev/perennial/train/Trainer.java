package dev.perennial.train;

import dev.perennial.UserError;
import dev.perennial.checkpoint.ModelFolder;
import dev.perennial.data.Batch;
import dev.perennial.data.DataPlan;
import dev.perennial.data.StageMixture;
import dev.perennial.io.AtomicFiles;
import dev.perennial.model.Model;
import dev.perennial.progress.Progress;
import dev.perennial.run.CheckpointState;
import dev.perennial.run.EventFile;
import dev.perennial.run.MetricsFile;
import dev.perennial.run.MetricsRecord;
import dev.perennial.run.RunFolder;
import dev.perennial.schedule.RunSchedule;
import dev.perennial.tensor.DType;
import dev.perennial.tensor.Devices;
import dev.perennial.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
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

    /** How a run ended: complete, or stopped by a signal at {@code steps}. */
    public record Outcome(boolean completed, long steps, Path finalDir, String message) {
    }

    private final TrainPlan plan;
    private final RunFolder run;
    private final PreRunChecks checks;
    private final StopSignal stop;
    private final PrintStream log;
    private final boolean showProgress;
    /** Where the model trains: the config's device, checked before anything is read or written. */
    private final Device device;

    private Trainer(TrainPlan plan, StopSignal stop, PrintStream log, boolean showProgress) {
        this.plan = plan;
        this.run = new RunFolder(plan.out());
        this.checks = new PreRunChecks(plan, run);
        this.stop = stop;
        this.log = log;
        this.showProgress = showProgress;
        this.device = Devices.open(plan.compute().device(), localRank(System.getenv()), "device");
    }

    /** torchrun's LOCAL_RANK: which of a node's GPUs a worker takes (0 for a single process). */
    static int localRank(Map<String, String> env) {
        return Integer.parseInt(env.getOrDefault("LOCAL_RANK", "0"));
    }

    public static Outcome run(TrainPlan plan, boolean handleSignals, PrintStream log, boolean showProgress) {
        return new Trainer(plan, handleSignals ? StopSignal.install() : StopSignal.never(), log, showProgress).run();
    }

    /**
     * The checks a run makes on its inputs before training, without training or writing anything: every corpus
     * opens and matches its checksums, one tokenizer serves the config, the model to continue from and every corpus,
     * and each stage's mixture can be served (replay from what the model read, the supply of new data).
     */
    public static void checkInputs(TrainPlan plan) {
        try (DataPlan data = plan.openData()) {
            new PreRunChecks(plan, new RunFolder(plan.out())).sameTokenizer(data);
        }
    }

    /** Seconds a collective may wait for the other workers (PERENNIAL_DIST_TIMEOUT, default 120). */
    static long distributedTimeoutMs() {
        return 1000L * Long.parseLong(System.getenv().getOrDefault("PERENNIAL_DIST_TIMEOUT", "120"));
    }

    private Outcome run() {
        try (Distributed dist = Distributed.fromEnvironment(System.getenv(), distributedTimeoutMs(),
                device.is_cuda())) {
            return run(dist);
        }
    }

    private Outcome run(Distributed dist) {
        checks.workersSplitTheBatch(dist);
        try (RunFolder.Lock lock = dist.leads() ? run.lock() : RunFolder.Lock.none()) {
            return train(dist);
        }
    }

    /** The run proper, once this process holds the run folder. */
    private Outcome train(Distributed dist) {
        Optional<RunFolder.Checkpoint> resumeFrom = checks.resumePoint(dist.leads() ? log::println : s -> { });
        createRunFolder(dist);
        try (DataPlan data = plan.openData()) {
            if (dist.leads()) {
                data.notes().forEach(log::println);
            }
            InputHashes hashes = InputHashes.of(checks.sameTokenizer(data), data);
            resumeFrom.ifPresent(c -> checks.sameInputsAsCheckpointed(c.state(), hashes));
            try (Model model = openModel(resumeFrom);
                 MetricsFile.Writer metrics = dist.leads() ? MetricsFile.append(run.metricsFile(),
                         resumeFrom.map(c -> c.state().metricsBytes()).orElse(0L)) : null;
                 // after metrics.jsonl was cut back to the checkpoint: the event file holds what it holds
                 EventFile.Writer events = dist.leads()
                         ? EventFile.rewrite(run, MetricsFile.readAll(run.metricsFile()).records()) : null) {
                checks.vocabularyFits(model, data);
                broadcastParameters(model, dist);
                return new Loop(model, data, new Recorder(plan, metrics, events), hashes, dist).run(resumeFrom);
            }
        }
    }

    /** The run's folder, with the config it was started with (rank 0 writes it). */
    private void createRunFolder(Distributed dist) {
        try {
            Files.createDirectories(run.dir());
        } catch (IOException e) {
            throw new UserError("could not create " + run.dir() + ": " + e.getMessage(), e);
        }
        if (dist.leads()) {
            AtomicFiles.writeString(run.configFile(), plan.loaded().yaml());
        }
    }

    /** Every rank starts from rank 0's weights (DDP's rule), whatever it loaded or initialised itself. */
    private static void broadcastParameters(Model model, Distributed dist) {
        try (NoGradGuard guard = new NoGradGuard()) {
            for (Tensor p : model.parameters().values()) {
                dist.broadcast(p);
            }
        }
    }

    private Model openModel(Optional<RunFolder.Checkpoint> resumeFrom) {
        Path folder = resumeFrom.map(RunFolder.Checkpoint::dir).orElse(plan.init());
        if (folder != null) {
            ModelFolder.Loaded loaded = ModelFolder.load(folder, DType.F32);
            loaded.tokenizer().close();
            return loaded.model().to(device);
        }
        return Model.initialise(plan.freshModel(), plan.seed(), torch.ScalarType.Float).to(device);
    }

    /** The training loop proper, over the stages from where the run stands. */
    private final class Loop {
        private final Model model;
        private final DataPlan data;
        private final Distributed dist;
        private final Recorder recorder;
        private final NonfiniteGuard nonfinite;
        private final Checkpointer checkpointer;
        private final Evaluator evaluator;
        private final Progress progress;
        private TrainStep step;

        Loop(Model model, DataPlan data, Recorder recorder, InputHashes hashes, Distributed dist) {
            this.model = model;
            this.data = data;
            this.dist = dist;
            this.recorder = recorder;
            this.nonfinite = new NonfiniteGuard(plan.maxNonfinite());
            this.checkpointer = new Checkpointer(plan, run, dist, model, data, hashes, recorder, nonfinite);
            this.evaluator = new Evaluator(data.corpora(), plan.seqLen(), plan.eval().sequences(), plan.eval().batch(),
                    plan.eval().spread(), dist);
            this.progress = showProgress && dist.leads() ? Progress.console("train", " tok",
                    plan.tokensAfter(plan.schedule().totalSteps())) : Progress.silent();
        }

        Outcome run(Optional<RunFolder.Checkpoint> resumedFrom) {
            Optional<CheckpointState> resumed = resumedFrom.map(RunFolder.Checkpoint::state);
            int stage = resumed.map(CheckpointState::stage).orElse(0);
            long stageStep = resumed.map(CheckpointState::stageStep).orElse(0L);
            resumed.ifPresent(recorder::resume);
            resumed.ifPresent(state -> progress.startAt(plan.tokensAfter(state.globalStep())));
            resumed.ifPresent(nonfinite::resume);
            List<RunSchedule.Placed> stages = plan.schedule().stages();
            if (resumed.isPresent() && stageStep == stages.get(stage).stage().steps() && stage + 1 < stages.size()) {
                stage++;
                stageStep = 0;
            }
            try (TaskScores tasks = new TaskScores(plan.eval().tasks(), plan.eval().taskLimit(), checkpointer.tokenizerSpec())) {
                for (; stage < stages.size(); stage++, stageStep = 0) {
                    RunSchedule.Placed placed = stages.get(stage);
                    openOptimizer(stage, stageStep, resumedFrom);
                    if (stageStep == 0) {
                        evaluate(placed, 0, tasks);
                    }
                    for (long n = stageStep; n < placed.stage().steps(); n++) {
                        trainOneStep(placed, n);
                        long done = n + 1;
                        boolean stageEnd = done == placed.stage().steps();
                        if (recorder.evalDue(done, placed.stage().steps())) {
                            evaluate(placed, done, tasks);
                        }
                        boolean stopping = dist.any(stop.requested()); // all ranks stop after the same step
                        checkpointer.maybeSave(placed, done, stopping, step);
                        if (stopping && !(stageEnd && stage == stages.size() - 1)) {
                            return stopped((long) placed.offset() + done);
                        }
                    }
                }
            } finally {
                if (step != null) {
                    step.close();
                }
            }
            Path finalDir = checkpointer.writeFinal();
            dist.barrier(); // the final folder exists before any worker reports success
            progress.finish("done: " + plan.schedule().totalSteps() + " steps");
            return new Outcome(true, plan.schedule().totalSteps(), finalDir, "training complete; the model is in "
                    + finalDir);
        }

        private Outcome stopped(long global) {
            progress.finish("stopped at step " + global);
            return new Outcome(false, global, null, "stopped at step " + global + " with a checkpoint; "
                    + "resume with: perennial train " + plan.loaded().source());
        }

        /** A new stage resets AdamW's state unless told not to (the paper's default); a resumed one reloads it. */
        private void openOptimizer(int stage, long stageStep, Optional<RunFolder.Checkpoint> resumed) {
            boolean fresh = step == null || (stageStep == 0 && plan.resetOptimizer().get(stage));
            if (fresh) {
                if (step != null) {
                    step.close();
                }
                step = new TrainStep(model, 0, plan.optimizer(), dist, plan.compute());
                boolean continuing = resumed.isPresent() && (stageStep > 0 || !plan.resetOptimizer().get(stage));
                if (continuing) {
                    step.load(resumed.get().optimizer()); // verified when the run started
                }
            }
        }

        private void trainOneStep(RunSchedule.Placed placed, long n) {
            long global = (long) placed.offset() + n;
            double lr = plan.schedule().lr(global);
            StageMixture mixture = data.stages().get(placed.index());
            long start = System.nanoTime();
            TrainStep.Result result;
            try (PointerScope scope = new PointerScope()) {
                step.setLearningRate(lr);
                result = step.step(microBatches(mixture.batch(n, dist.rank(), dist.worldSize())));
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            nonfinite.count(result, global + 1);
            MetricsRecord.Step record = recorder.step(placed, mixture, n, lr, result, seconds);
            progress.detail(String.format(Locale.ROOT, "stage %s step %d/%d loss %.4f lr %.2e",
                    placed.stage().name(), n + 1, placed.stage().steps(), result.loss(), lr));
            progress.advanceTo(record.tokens());
        }

        private List<Tensor> microBatches(Batch batch) {
            List<Tensor> micro = new ArrayList<>();
            long[] all = batch.tokensAsLongs();
            int rows = Math.min(plan.microBatch(), batch.rows());
            for (int first = 0; first < batch.rows(); first += rows) {
                long[] part = Arrays.copyOfRange(all, first * batch.columns(), (first + rows) * batch.columns());
                micro.add(Devices.transfer(Tensors.fromLongs(part, rows, batch.columns()), device));
            }
            return micro;
        }

        /** Evaluates every corpus read so far (and the extras) and the tasks, and records them. */
        private void evaluate(RunSchedule.Placed placed, long stageStep, TaskScores tasks) {
            Map<String, Evaluator.Loss> measured = evaluator.losses(model, evalCorpora(placed.index()));
            Map<String, Double> losses = new LinkedHashMap<>();
            Map<String, Double> stderr = new LinkedHashMap<>();
            measured.forEach((name, loss) -> {
                losses.put(name, loss.mean());
                if (Double.isFinite(loss.stderr())) { // one validation batch has none; JSON has no NaN
                    stderr.put(name, loss.stderr());
                }
            });
            MetricsRecord.Eval record = recorder.eval(placed, stageStep, losses, stderr.isEmpty() ? null : stderr,
                    tasks.score(model));
            progress.note(evalLine(record));
        }

        /** "eval, stage d1 step 20: d0 4.1230 (+0.0120), d1 3.4560 (-0.5010)": the losses and their change. */
        private static String evalLine(MetricsRecord.Eval record) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "eval, stage %s step %d:",
                    record.stage(), record.stageStep()));
            record.valLoss().forEach((corpus, loss) -> line.append(String.format(Locale.ROOT, " %s %.4f (%+.4f),",
                    corpus, loss, record.deltaSinceStageStart().get(corpus))));
            line.setLength(line.length() - 1);
            return line.toString();
        }

        /**
         * Every corpus the model has read: those the model it continues from read (its ledger's, where the config
         * names them under corpora:, so that forgetting is measured without eval.corpora), this run's stages so
         * far, and the extras.
         */
        private List<String> evalCorpora(int stage) {
            Set<String> names = new LinkedHashSet<>();
            Set<String> readBefore = data.ledgerAt(0).corpora().keySet();
            plan.corpora().keySet().stream().filter(readBefore::contains).forEach(names::add);
            for (int i = 0; i <= stage; i++) {
                plan.mixtures().get(i).corpora().forEach(w -> names.add(w.corpus()));
            }
            names.addAll(plan.eval().extraCorpora());
            return List.copyOf(names);
        }
    }
}

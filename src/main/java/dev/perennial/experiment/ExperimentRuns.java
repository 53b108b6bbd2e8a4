package dev.perennial.experiment;

import dev.perennial.config.RunConfig;
import dev.perennial.config.ScheduleConfig;
import dev.perennial.config.StageConfig;
import dev.perennial.config.TrainSettings;
import dev.perennial.eval.TaskSpec;
import dev.perennial.run.RunFolder;
import dev.perennial.train.TrainPlan;
import dev.perennial.tokenizer.Tokenizers;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/** The paper's runs as train configs: each a list of stages over D0 and D1 with its schedule and replay. */
final class ExperimentRuns {

    static final String D0_ONLY = "d0-only";
    static final String D1_SCRATCH = "d1-scratch";
    static final String UNION = "union";
    static final String INFINITE = "infinite";

    private final ExperimentSpec spec;
    private final Path base;
    private final Path runs;

    ExperimentRuns(ExperimentSpec spec, Path specFolder, Path runs) {
        this.spec = spec;
        this.base = specFolder;
        this.runs = runs;
    }

    /**
     * The runs the spec makes: all of them, or those {@code runs:} names plus {@code d0-only} (the checkpoint the
     * continual runs start from) and {@code union} (what the verdict compares with), in the protocol's order.
     */
    List<RunDefinition> selected() {
        List<String> chosen = spec.runs();
        return all().stream().filter(r -> chosen == null || chosen.contains(r.name()) || r.name().equals(D0_ONLY)
                || r.name().equals(UNION)).toList();
    }

    /** The names of every run the spec can make, in the protocol's order. */
    static List<String> selectable(ExperimentSpec spec) {
        List<String> names = new ArrayList<>(List.of(D0_ONLY, D1_SCRATCH, UNION, "constant-min", "rewarm-constant"));
        spec.replays().forEach(replay -> names.add(replayName(replay)));
        sweep(spec).forEach(eta -> names.add(etaName(eta)));
        if (spec.infinite() == null || spec.infinite()) {
            names.add(INFINITE);
        }
        return names;
    }

    static String replayName(double replay) {
        return "rewarm-redecay-replay-" + percent(replay);
    }

    private static String etaName(double eta) {
        return String.format(Locale.ROOT, "rewarm-redecay-eta-%s", eta);
    }

    private static List<Double> sweep(ExperimentSpec spec) {
        return spec.etaMaxSweep() == null || spec.lr() == null || spec.lr().max() == null ? List.of()
                : spec.etaMaxSweep();
    }

    List<RunDefinition> all() {
        List<RunDefinition> all = new ArrayList<>();
        double m = spec.minLr();
        double big = spec.maxLr();
        double d0 = spec.d0Budget();
        double d1 = spec.d1Budget();
        all.add(new RunDefinition(D0_ONLY, RunDefinition.Kind.BASELINE, null, 0, big, "D0 only (the D0 checkpoint)",
                scratch(stage("d0", d0, data("d0"), 0, cosine(big)))));
        all.add(new RunDefinition(D1_SCRATCH, RunDefinition.Kind.BASELINE, null, 0, big, "D1 only, from scratch",
                scratch(stage("d1", d1, data("d1"), 0, cosine(big)))));
        // the union of the two datasets: each weighted by its budget (equal weights when the budgets are)
        List<StageConfig.DataEntry> both = List.of(new StageConfig.DataEntry("d0", d0 / (d0 + d1)),
                new StageConfig.DataEntry("d1", d1 / (d0 + d1)));
        all.add(new RunDefinition(UNION, RunDefinition.Kind.UNION, null, 0, big,
                "re-training from scratch on D0 ∪ D1 (same total tokens)",
                scratch(stage("union", d0 + d1, both, 0, cosine(big)))));
        all.add(continual("constant-min", 0, m, "continue at constant η_min (no re-warming)", constant(m, 0)));
        all.add(continual("rewarm-constant", 0, big, "re-warm, no re-decay", constant(big, spec.warmup())));
        for (double replay : spec.replays()) {
            all.add(continual(replayName(replay), replay, big,
                    "re-warm + re-decay, " + percent(replay) + "% replay", cosine(big)));
        }
        for (double eta : sweep(spec)) {
            double replay = spec.sweepReplay() != null ? spec.sweepReplay() : 0.05;
            // the authors' configs keep min_lr = 0.1 · lr when they change lr: η_min scales with η_max
            double etaMin = eta * spec.minLr() / spec.maxLr();
            all.add(continual(etaName(eta), replay, eta, "re-warm + re-decay to η_max " + eta + " (η_min " + etaMin
                    + "), " + percent(replay) + "% replay", cosine(eta, etaMin)));
        }
        if (spec.infinite() == null || spec.infinite()) {
            all.add(infinite());
        }
        return all;
    }

    static String percent(double fraction) {
        double p = 100 * fraction;
        return p == Math.rint(p) ? String.valueOf((long) p) : String.valueOf(p);
    }

    private RunDefinition continual(String name, double replay, double maxLr, String description,
                                    ScheduleConfig schedule) {
        TrainSettings.ModelSpec d0Checkpoint = new TrainSettings.ModelSpec(
                new RunFolder(runs.resolve(D0_ONLY)).finalDir().toString(), null);
        RunConfig config = config(d0Checkpoint, List.of(stage("d1", spec.d1Budget(), data("d1"), replay, schedule)));
        return new RunDefinition(name, RunDefinition.Kind.CONTINUAL, D0_ONLY, replay, maxLr, description, config);
    }

    /** Warm up once, cool down to η_const during D0, stay constant into D1 and anneal only at the very end. */
    private RunDefinition infinite() {
        double c = spec.constantLr();
        double replay = spec.infiniteReplay() != null ? spec.infiniteReplay() : 0.05;
        ScheduleConfig first = infiniteCosine(spec.maxLr(), c, spec.warmup(), 0.6, 1 - spec.warmup());
        ScheduleConfig second = infiniteCosine(c, c, 0, 0, 0.85);
        StageConfig d1 = stage("d1", spec.d1Budget(), data("d1"), replay, second);
        StageConfig d1KeepingOptimizer = new StageConfig(d1.name(), d1.steps(), d1.tokens(), d1.schedule(), d1.data(),
                d1.replay(), d1.replayFrom(), d1.onExhausted(), false);
        RunConfig config = config(fresh(), List.of(stage("d0", spec.d0Budget(), data("d0"), 0, first),
                d1KeepingOptimizer));
        return new RunDefinition(INFINITE, RunDefinition.Kind.CONTINUAL, null, replay, spec.maxLr(),
                "infinite schedule across D0 and D1, no re-warming, " + percent(replay) + "% replay", config);
    }

    private RunConfig scratch(StageConfig stage) {
        return config(fresh(), List.of(stage));
    }

    private TrainSettings.ModelSpec fresh() {
        return new TrainSettings.ModelSpec(null, spec.model().deepCopy());
    }

    /** The settings every run shares, with paths made absolute: run.yaml lives in the run's folder, not the spec's. */
    private RunConfig config(TrainSettings.ModelSpec model, List<StageConfig> stages) {
        Map<String, String> corpora = new LinkedHashMap<>();
        spec.corpora().forEach((name, dir) -> corpora.put(name, base.resolve(dir).toString()));
        boolean tasks = spec.tasks() != null && !spec.tasks().isEmpty();
        TrainSettings.EvalSpec eval = new TrainSettings.EvalSpec(spec.evalInterval(), spec.evalSequences(), null,
                List.of("d0", "d1"), tasks ? spec.tasks().stream().map(t -> TaskSpec.located(t, base)).toList() : null,
                tasks ? spec.taskLimit() : null, spec.finalFraction(), finalInterval(stages.getLast()),
                spec.spreadValidation());
        long seed = spec.seed() == null ? 0 : spec.seed();
        long microBatch = spec.microBatch() == null ? spec.globalBatch() : spec.microBatch();
        return new RunConfig(seed, spec.seqLen(), spec.globalBatch(), corpora, stages, model,
                Tokenizers.located(spec.tokenizer(), base), microBatch, null, null, eval,
                new TrainSettings.CheckpointSpec(1_000_000L, 1L), ".", null, null, null, null, null);
    }

    /**
     * Steps between evaluations in a stage's final window, so that about {@code final_evals} of them fall there
     * (every step when the window is shorter).
     */
    private long finalInterval(StageConfig stage) {
        long steps = (long) Math.ceil(stage.tokens() / ((double) spec.seqLen() * spec.globalBatch()));
        long window = steps - TrainPlan.Evaluation.finalWindowStart(steps, spec.finalFraction());
        return Math.max(1, window / spec.finalEvals());
    }

    private StageConfig stage(String name, double tokens, List<StageConfig.DataEntry> data, double replay,
                              ScheduleConfig schedule) {
        return new StageConfig(name, null, tokens, schedule, data, replay > 0 ? replay : null, null, null, null);
    }

    private static List<StageConfig.DataEntry> data(String... corpora) {
        return Stream.of(corpora).map(corpus -> new StageConfig.DataEntry(corpus, null)).toList();
    }

    private ScheduleConfig cosine(double maxLr) {
        return cosine(maxLr, spec.minLr());
    }

    private ScheduleConfig cosine(double maxLr, double minLr) {
        return new ScheduleConfig("cosine", maxLr, minLr, null, spec.warmup(), null, null, null, null, null,
                null, null, null);
    }

    private static ScheduleConfig constant(double lr, double warmup) {
        return new ScheduleConfig("constant", lr, null, null, warmup, null, null, null, null, null, null, null, null);
    }

    private ScheduleConfig infiniteCosine(double maxLr, double constantLr, double warmup, double cooldown,
                                          double constantEnd) {
        return new ScheduleConfig("infinite-cosine", maxLr, spec.minLr(), constantLr, warmup, null, null, null,
                cooldown, constantEnd, null, null, null);
    }
}

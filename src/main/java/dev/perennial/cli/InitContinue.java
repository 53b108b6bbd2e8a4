package dev.perennial.cli;

import dev.perennial.UserError;
import dev.perennial.config.Numbers;
import dev.perennial.config.RunConfig;
import dev.perennial.config.ScheduleConfig;
import dev.perennial.config.ScheduleRules;
import dev.perennial.config.StageConfig;
import dev.perennial.config.TrainSettings;
import dev.perennial.data.Corpus;
import dev.perennial.data.Ledger;
import dev.perennial.schedule.RunSchedule;
import dev.perennial.schedule.Schedule;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code perennial init continue}: a run config that continues a trained model on new corpora the paper's way:
 * re-warm, re-decay and replay the corpora its ledger says it read. {@link Infinite} does the same with an infinite
 * schedule.
 */
@Command(name = "continue", mixinStandardHelpOptions = true,
        description = {"Write a run config that continues a trained model on new corpora: re-warm to the same peak "
                + "learning rate, re-decay with a cosine to a tenth of it, and replay a share of the corpora the "
                + "model read (its ledger).", ""})
class InitContinue implements Runnable {

    /** The paper's recommendation: 5% is enough for a weak shift; 25% for a strong one such as a new language. */
    static final double DEFAULT_REPLAY = 0.05;

    @Spec
    CommandSpec spec;

    @Mixin
    InitCommand.Options options;

    @Option(names = "--from", required = true, paramLabel = "MODEL_DIR",
            description = "The trained model folder to continue from (a run's final/ or one of its checkpoints).")
    Path from;

    @Option(names = "--replay", paramLabel = "X", defaultValue = "0.05",
            description = "Share of the stage's sequences re-read from the corpora the model read (default: "
                    + "${DEFAULT-VALUE}; the paper: 0.05 for a weak shift, 0.25 for a strong one).")
    double replay;

    @Option(names = "--parent-corpus", paramLabel = "NAME=DIR",
            description = "The folder of a corpus the model read (named in its ledger), when its run's config does "
                    + "not lead to it (repeatable).")
    List<String> parentCorpora = new ArrayList<>();

    /** {@code perennial init infinite}: the same update with an infinite schedule. */
    @Command(name = "infinite", mixinStandardHelpOptions = true,
            description = {"Write a run config that continues a trained model on new corpora with an infinite "
                    + "schedule (constant learning rate, no re-warming), replaying a share of what it read.", ""})
    static final class Infinite extends InitContinue {

        @Option(names = "--no-anneal", description = "End the stage in the constant phase (no anneal to min-lr), so "
                + "that the next update carries on without re-warming.")
        boolean noAnneal;

        @Override
        ScheduleConfig schedule(InitParent parent, double peak, RunTemplate t) {
            double constantEnd = noAnneal ? 1 : ScheduleRules.DEFAULT_CONSTANT_END;
            Optional<Schedule.Infinite> carried = parent.lastStage().filter(InitContinue::endsConstant)
                    .map(p -> (Schedule.Infinite) p.stage().schedule());
            t.note("stages[0].schedule.constant_end", noAnneal ? "constant_end = 1 − warmup: the stage ends in its "
                    + "constant phase, with no anneal, so the next update carries on without re-warming."
                    : "Constant until 85% of the stage (counted from the end of the warmup), then an exponential "
                    + "anneal to min_lr: the paper anneals only before releasing a model. --no-anneal ends the stage "
                    + "in the constant phase instead, for another update to carry on.");
            if (carried.isPresent()) {
                double c = carried.get().constantLr();
                t.note("stages[0].schedule.family", "An infinite schedule (the paper's §7.2). " + parent.dir()
                        + " ended in the constant phase of its infinite schedule, at η_const = " + Numbers.format(c)
                        + ", so this stage carries on there: no warmup, no cooldown (max_lr = constant_lr), and so "
                        + "none of the forgetting that re-warming causes.");
                t.note("stages[0].schedule.max_lr", "η_max = η_const: there is no peak to warm up to.");
                t.note("stages[0].schedule.min_lr", "η_min of the model's schedule, where the anneal ends.");
                t.note("stages[0].schedule.warmup", "0: no re-warming.");
                t.note("stages[0].schedule.cooldown", "0: no cooldown; the constant phase goes on.");
                return RunTemplate.infinite(c, c, carried.get().minLr(), 0, 0, constantEnd);
            }
            double warmup = ScheduleRules.DEFAULT_WARMUP;
            t.note("stages[0].schedule.family", "An infinite schedule (the paper's §7.2). " + parent.dir() + " did not "
                    + "end in the constant phase of an infinite schedule (" + lastFamily(parent) + "), so this stage "
                    + "warms up once to η_max, cools down to η_const over 60% of the stage (cooldown) and holds it; "
                    + "updates after it carry on at η_const without re-warming.");
            t.note("stages[0].schedule.max_lr", peakComment(parent));
            t.note("stages[0].schedule.constant_lr", "η_const = 0.55 × η_max, the paper's (1.65e-4 for 3e-4).");
            t.note("stages[0].schedule.min_lr", "η_min = η_max / 10, the paper's floor, reached by the anneal.");
            t.note("stages[0].schedule.warmup", "Warm up once over 1% of the stage, the paper's.");
            t.note("stages[0].schedule.cooldown", "A cosine cooldown from η_max to η_const over 60% of the stage, "
                    + "the paper's.");
            return RunTemplate.infinite(peak, ScheduleRules.DEFAULT_CONSTANT_LR_RATIO * peak,
                    ScheduleRules.DEFAULT_MIN_LR_RATIO * peak, warmup, ScheduleRules.DEFAULT_COOLDOWN,
                    noAnneal ? 1 - warmup : constantEnd);
        }

        @Override
        String kind() {
            return "infinite";
        }
    }

    @Override
    public void run() {
        InitCommand.checkFlags(options);
        if (!(replay >= 0 && replay < 1)) {
            throw new UserError("--replay " + Numbers.format(replay) + " is not in [0, 1) (the share of the stage's "
                    + "sequences re-read from earlier data; the paper: 0.05, or 0.25 for a strong shift)");
        }
        InitParent parent = InitParent.open(from);
        List<InitCommand.NewCorpus> corpora = InitCommand.newCorpora(options);
        Map<String, Path> old = oldCorpora(parent, corpora);
        long seqLen = seqLen(parent);
        Optional<RunConfig> run = parent.run();
        long globalBatch = options.globalBatch != null ? options.globalBatch : run.map(RunConfig::globalBatch)
                .orElseThrow(() -> new UserError("--global-batch is missing: " + from + " has no run config to take "
                        + "it from; give the sequences per optimizer step"));
        Long microBatch = run.filter(r -> Objects.equals(r.globalBatch(), globalBatch)).map(RunConfig::microBatch)
                .orElse(null);
        InitCommand.Length length = InitCommand.length(options, corpora, seqLen * globalBatch, replay);
        double peak = options.maxLr != null ? options.maxLr : parent.peakLr().orElse(ScheduleRules.DEFAULT_MAX_LR);

        RunTemplate t = new RunTemplate()
                .header("A run config written by 'perennial init " + kind() + "': a continual update of a trained "
                                + "model on new data",
                        "with the strategies of Ibrahim et al., \"Simple and Scalable Strategies to Continually "
                                + "Pre-train Large",
                        "Language Models\" (TMLR 2024): re-warming and re-decaying the learning rate (or an infinite "
                                + "schedule),",
                        "and replaying a share of the data the model read before. With them, continual pre-training "
                                + "matched",
                        "re-training on all the data at about half the compute. Every key is described in README.md, "
                                + "\"Run configuration\".")
                .seed(options.seed, "Fixes the data order: the same seed reads the same batches.")
                .batch(seqLen, globalBatch, microBatch)
                .note("seq_len", options.seqLen != null ? "Given with --seq-len." : "As the model was trained with: "
                        + "its ledger counts sequences of this length, so it stays.")
                .note("global_batch", (options.globalBatch != null ? "Given with --global-batch" : "As the model "
                        + "was trained with") + String.format(Locale.ROOT, ": %,d tokens per step.",
                        seqLen * globalBatch))
                .note("corpora", corporaComment(corpora, old))
                .model(new TrainSettings.ModelSpec(parent.dir().toString(), null), "The model to continue from. "
                        + "Its data ledger (what it read) comes with it: replay draws from what it actually read, and "
                        + "the corpora it read are evaluated from the start, so forgetting is measured. AdamW starts "
                        + "with fresh moments, as the paper resets the optimizer for a new dataset.")
                .out(InitCommand.runFolder(options).toString(), "The run folder: metrics.jsonl, checkpoints/ and "
                        + "final/, the updated model (continue it again with 'perennial init " + kind() + " --from "
                        + "OUT/final ...').");
        corpora.forEach(c -> t.corpus(c.name(), c.dir().toString()));
        old.forEach((name, dir) -> t.corpus(name, dir.toString()));
        String name = corpora.size() == 1 ? corpora.getFirst().name() : "update";
        List<StageConfig.DataEntry> data = corpora.stream().map(c -> new StageConfig.DataEntry(c.name(), null))
                .toList();
        ScheduleConfig schedule = schedule(parent, peak, t);
        t.stage(new StageConfig(name, length.steps(), length.tokens(), schedule, data, replay, null, null, null),
                length.stepCount());
        t.note("stages[0].tokens", length.comment()).note("stages[0].steps", length.comment());
        t.note("stages[0].data", "The new data" + (corpora.size() == 1 ? "." : ", in equal shares (give each a "
                + "weight: to change them)."));
        t.note("stages[0].replay", replayComment(old.keySet()));
        InitCommand.checkAndWrite(t, options, spec.commandLine().getOut());
    }

    String kind() {
        return "continue";
    }

    /** Re-warm to the parent's peak and re-decay with a cosine to a tenth of it (the paper's recipe). */
    ScheduleConfig schedule(InitParent parent, double peak, RunTemplate t) {
        t.note("stages[0].schedule.family", "Re-warm and re-decay: warm up again from 0 to η_max, then decay with a "
                + "cosine to η_min over the stage. Continuing at η_min instead forgets least but adapts worst.");
        t.note("stages[0].schedule.max_lr", peakComment(parent));
        t.note("stages[0].schedule.min_lr", "η_min = η_max / 10, the paper's floor.");
        t.note("stages[0].schedule.warmup", "Re-warm over 1% of the stage, the paper's; warmup_steps: N or "
                + "warmup_tokens: N give it in steps or tokens instead.");
        return RunTemplate.cosine(peak, ScheduleRules.DEFAULT_MIN_LR_RATIO * peak, ScheduleRules.DEFAULT_WARMUP);
    }

    String peakComment(InitParent parent) {
        if (options.maxLr != null) {
            return "η_max, given with --max-lr.";
        }
        return parent.peakLr().isPresent() ? "η_max: the peak the model was trained with (" + parent.runConfigFile()
                + "), as the paper re-warms to the same one; a larger one adapts more and forgets more."
                : "η_max: the paper's 3e-4 (§7.2); " + from + " has no run config to read its own peak from.";
    }

    /** Whether a stage ends in the constant phase of an infinite schedule, which a next stage can carry on. */
    static boolean endsConstant(RunSchedule.Placed stage) {
        return stage.stage().schedule() instanceof Schedule.Infinite
                && stage.curve().phase(stage.stage().steps()).equals("constant");
    }

    static String lastFamily(InitParent parent) {
        return parent.lastStage().map(p -> "its last stage: " + p.stage().schedule().family().id()
                + (p.stage().schedule() instanceof Schedule.Infinite ? ", annealed" : ""))
                .orElse("it has no run config that says how it was trained");
    }

    private String corporaComment(List<InitCommand.NewCorpus> corpora, Map<String, Path> old) {
        String oldText = old.isEmpty() ? " The model carries no ledger of other corpora, so there is nothing to "
                + "replay or to measure forgetting on." : " Read by the model before (its ledger), replayed and "
                + "evaluated for forgetting: " + String.join(", ", old.keySet()) + ".";
        return "The prepared corpora by name (absolute folders). New data: " + InitCommand.names(corpora) + "."
                + oldText;
    }

    private String replayComment(Set<String> old) {
        return "Share of each step's sequences re-read from the corpora the model read (" + (old.isEmpty() ? "none"
                : String.join(", ", old)) + "), in proportion to how much of each it read. The paper found 5% enough "
                + "for a weak shift (English to English) and 25% for a strong one (English to German); even 1% "
                + "removes much of the forgetting." + (replay == DEFAULT_REPLAY ? " 0.05 is the default of --replay."
                : " Given with --replay.");
    }

    /**
     * The folders of the corpora the parent read (other than those this stage reads as new data), each holding the
     * very corpus its ledger names: from --parent-corpus, else from the parent's run config.
     */
    private Map<String, Path> oldCorpora(InitParent parent, List<InitCommand.NewCorpus> corpora) {
        Map<String, Ledger.Entry> read = parent.corporaRead();
        for (InitCommand.NewCorpus c : corpora) {
            Ledger.Entry entry = read.get(c.name());
            if (entry != null && !entry.hash().equals(c.hash())) {
                throw new UserError("--corpus " + c.name() + "=" + c.dir() + ": " + from + " read another corpus "
                        + "named '" + c.name() + "' (its ledger's hash differs); give the new one another name, "
                        + "e.g. --corpus " + c.name() + "2=" + c.dir());
            }
        }
        Set<String> fresh = corpora.stream().map(InitCommand.NewCorpus::name).collect(Collectors.toSet());
        Map<String, Path> given = given(read);
        Map<String, Path> old = new LinkedHashMap<>();
        read.forEach((name, entry) -> {
            if (!fresh.contains(name)) {
                Path dir = Optional.ofNullable(given.get(name)).or(() -> parent.corpusFolder(name, entry.hash()))
                        .orElseThrow(() -> new UserError("--from " + from + ": the model read corpus '" + name
                                + "' (its ledger), whose folder its run's config does not lead to; give it with "
                                + "--parent-corpus " + name + "=DIR"));
                old.put(name, dir);
            }
        });
        if (replay > 0 && old.isEmpty()) {
            throw new UserError("--replay " + Numbers.format(replay) + ": " + from + (parent.ledger().isEmpty()
                    ? " carries no data ledger (it was not trained by Perennial)" : " read no corpus other than this "
                    + "stage's new data") + ", so there is nothing to replay; give --replay 0");
        }
        return old;
    }

    /** --parent-corpus NAME=DIR, each checked to be the corpus the ledger names. */
    private Map<String, Path> given(Map<String, Ledger.Entry> read) {
        Map<String, Path> given = new LinkedHashMap<>();
        for (String argument : parentCorpora) {
            CorpusArgument corpus = CorpusArgument.parse(argument);
            Ledger.Entry entry = read.get(corpus.name());
            if (entry == null) {
                throw new UserError("--parent-corpus " + argument + ": the model's ledger names no corpus '"
                        + corpus.name() + "' (it read: " + (read.isEmpty() ? "none" : String.join(", ", read.keySet()))
                        + ")");
            }
            if (!Files.isDirectory(corpus.dir())) {
                throw new UserError("--parent-corpus " + argument + ": no such folder");
            }
            try (Corpus opened = Corpus.open(corpus.dir())) {
                if (!opened.hash().equals(entry.hash())) {
                    throw new UserError("--parent-corpus " + argument + ": not the corpus the model read as '"
                            + corpus.name() + "' (its content hash differs from the ledger's); give the original");
                }
            }
            given.put(corpus.name(), corpus.dir().toAbsolutePath().normalize());
        }
        return given;
    }

    /** The parent's sequence length: its ledger counts sequences of it, so a continuation keeps it. */
    private long seqLen(InitParent parent) {
        Optional<Long> trained = parent.ledger().filter(l -> !l.corpora().isEmpty()).map(l -> (long) l.seqLen())
                .or(() -> parent.run().map(RunConfig::seqLen));
        long seqLen;
        if (options.seqLen != null) {
            if (trained.isPresent() && !trained.get().equals(options.seqLen)) {
                throw new UserError("--seq-len " + options.seqLen + ": " + from + " was trained on sequences of "
                        + trained.get() + " tokens, which its ledger counts; keep " + trained.get()
                        + " (leave --seq-len out)");
            }
            seqLen = options.seqLen;
        } else {
            seqLen = trained.orElseThrow(() -> new UserError("--seq-len is missing: " + from + " has no ledger or run "
                    + "config to take it from; give the tokens per sequence (at most "
                    + parent.config().maxPositions() + ")"));
        }
        if (seqLen > parent.config().maxPositions()) {
            throw new UserError("--seq-len " + seqLen + " is beyond the " + parent.config().maxPositions()
                    + " positions of " + from + " (max_position_embeddings); choose "
                    + parent.config().maxPositions() + " or less");
        }
        return seqLen;
    }
}

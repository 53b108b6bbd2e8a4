package dev.perennial.cli;

import dev.perennial.config.ConfigLoader;
import dev.perennial.config.RunConfig;
import dev.perennial.config.ScheduleConfig;
import dev.perennial.config.StageConfig;
import dev.perennial.config.TrainSettings;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A run config that {@code perennial init} is writing: one stage, its settings, and beside each setting the comment
 * that says why it has that value. {@link #yaml()} renders it through the run config's owner, {@link ConfigLoader}.
 */
final class RunTemplate {

    /** Evaluations per stage, and checkpoints per stage, when the stage is long enough. */
    static final int EVALUATIONS = 20;
    static final int CHECKPOINTS = 10;

    private final List<String> header = new ArrayList<>();
    private final Map<String, String> comments = new LinkedHashMap<>();
    private final Map<String, String> corpora = new LinkedHashMap<>();
    private long seed;
    private long seqLen;
    private long globalBatch;
    private Long microBatch;
    private StageConfig stage;
    private TrainSettings.ModelSpec model;
    private String tokenizer;
    private TrainSettings.EvalSpec eval;
    private TrainSettings.CheckpointSpec checkpoint;
    private String out;

    RunTemplate header(String... lines) {
        header.addAll(List.of(lines));
        return this;
    }

    /** The comment above {@code keyPath} ({@code stages[0].schedule.max_lr}). */
    RunTemplate note(String keyPath, String comment) {
        comments.put(keyPath, comment);
        return this;
    }

    RunTemplate seed(long seed, String comment) {
        this.seed = seed;
        return note("seed", comment);
    }

    RunTemplate batch(long seqLen, long globalBatch, Long microBatch) {
        this.seqLen = seqLen;
        this.globalBatch = globalBatch;
        this.microBatch = microBatch;
        return this;
    }

    RunTemplate corpus(String name, String folder) {
        corpora.put(name, folder);
        return this;
    }

    RunTemplate model(TrainSettings.ModelSpec model, String comment) {
        this.model = model;
        return note("model", comment);
    }

    RunTemplate tokenizer(String tokenizer, String comment) {
        this.tokenizer = tokenizer;
        return note("tokenizer", comment);
    }

    RunTemplate out(String out, String comment) {
        this.out = out;
        return note("out", comment);
    }

    /** The stage, with evaluations and checkpoints spread over its {@code steps}. */
    RunTemplate stage(StageConfig stage, long steps) {
        this.stage = stage;
        long evalInterval = Math.max(1, steps / EVALUATIONS);
        long checkpointInterval = Math.max(1, steps / CHECKPOINTS);
        eval = new TrainSettings.EvalSpec(evalInterval, null, null, null, null, null);
        checkpoint = new TrainSettings.CheckpointSpec(checkpointInterval, null);
        note("eval", "Validation loss of every corpus read so far (for a model that continues, the corpora its "
                + "ledger lists too) every " + evalInterval + " steps, about " + EVALUATIONS + " times in the stage, "
                + "and at its start and end: its change since the stage began is forgetting on old corpora and "
                + "adaptation on new ones.");
        return note("checkpoint", "A checkpoint every " + checkpointInterval + " steps and at the end; an interrupted "
                + "'perennial train' resumes from the newest.");
    }

    static ScheduleConfig cosine(double maxLr, double minLr, double warmup) {
        return new ScheduleConfig("cosine", maxLr, minLr, null, warmup, null, null, null, null, null, null, null,
                null);
    }

    static ScheduleConfig infinite(double maxLr, double constantLr, double minLr, double warmup, double cooldown,
                                   double constantEnd) {
        return new ScheduleConfig("infinite-cosine", maxLr, minLr, constantLr, warmup, null, null, null, cooldown,
                constantEnd, null, null, null);
    }

    RunConfig config() {
        return new RunConfig(seed, seqLen, globalBatch, corpora, List.of(stage), model, tokenizer, microBatch, null,
                null, eval, checkpoint, out, null, null, null, null, null);
    }

    String yaml() {
        return ConfigLoader.commentedYaml(config(), header, comments);
    }
}

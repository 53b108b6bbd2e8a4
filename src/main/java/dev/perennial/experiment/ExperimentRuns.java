package dev.perennial.experiment;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The paper's runs as train configs: each a list of stages over D0 and D1 with its schedule and replay. */
final class ExperimentRuns {

    static final String D0_ONLY = "d0-only";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ExperimentSpec spec;
    private final Path base;
    private final Path runs;

    ExperimentRuns(ExperimentSpec spec, Path specFolder, Path runs) {
        this.spec = spec;
        this.base = specFolder;
        this.runs = runs;
    }

    List<RunDefinition> all() {
        List<RunDefinition> all = new ArrayList<>();
        double m = spec.minLr();
        double big = spec.maxLr();
        all.add(new RunDefinition(D0_ONLY, RunDefinition.Kind.BASELINE, null, 0, big, "D0 only (the D0 checkpoint)",
                scratch(stage("d0", 1, data("d0"), 0, cosine(big)))));
        all.add(new RunDefinition("d1-scratch", RunDefinition.Kind.BASELINE, null, 0, big, "D1 only, from scratch",
                scratch(stage("d1", 1, data("d1"), 0, cosine(big)))));
        ArrayNode both = JSON.createArrayNode();
        both.add(entry("d0")).add(entry("d1"));
        all.add(new RunDefinition("union", RunDefinition.Kind.UNION, null, 0, big,
                "re-training from scratch on D0 ∪ D1 (same total tokens)", scratch(stage("union", 2, both, 0,
                cosine(big)))));
        all.add(continual("constant-min", 0, m, "continue at constant η_min (no re-warming)", constant(m, 0)));
        all.add(continual("rewarm-constant", 0, big, "re-warm, no re-decay", constant(big, spec.warmup())));
        for (double replay : spec.replays()) {
            all.add(continual(String.format(Locale.ROOT, "rewarm-redecay-replay-%s", percent(replay)), replay, big,
                    "re-warm + re-decay, " + percent(replay) + "% replay", cosine(big)));
        }
        for (double eta : spec.etaMaxSweep() == null ? List.<Double>of() : spec.etaMaxSweep()) {
            double replay = spec.sweepReplay() != null ? spec.sweepReplay() : 0.05;
            all.add(continual(String.format(Locale.ROOT, "rewarm-redecay-eta-%s", eta), replay, eta,
                    "re-warm + re-decay to η_max " + eta + ", " + percent(replay) + "% replay", cosine(eta)));
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

    private RunDefinition continual(String name, double replay, double maxLr, String description, ObjectNode schedule) {
        ObjectNode config = common();
        config.putObject("model").put("init", runs.resolve(D0_ONLY).resolve("final").toString());
        config.putArray("stages").add(stage("d1", 1, data("d1"), replay, schedule));
        return new RunDefinition(name, RunDefinition.Kind.CONTINUAL, D0_ONLY, replay, maxLr, description, config);
    }

    /** Warm up once, cool down to η_const during D0, stay constant into D1 and anneal only at the very end. */
    private RunDefinition infinite() {
        double c = spec.constantLr();
        double replay = spec.infiniteReplay() != null ? spec.infiniteReplay() : 0.05;
        ObjectNode first = JSON.createObjectNode().put("family", "infinite-cosine").put("max_lr", spec.maxLr())
                .put("constant_lr", c).put("min_lr", spec.minLr()).put("warmup", spec.warmup()).put("cooldown", 0.6)
                .put("constant_end", 1 - spec.warmup());
        ObjectNode second = JSON.createObjectNode().put("family", "infinite-cosine").put("max_lr", c)
                .put("constant_lr", c).put("min_lr", spec.minLr()).put("warmup", 0).put("cooldown", 0)
                .put("constant_end", 0.85);
        ObjectNode config = common();
        config.set("model", JSON.createObjectNode().set("config", spec.model().deepCopy()));
        ArrayNode stages = config.putArray("stages");
        stages.add(stage("d0", 1, data("d0"), 0, first));
        stages.add(stage("d1", 1, data("d1"), replay, second).put("reset_optimizer", false));
        return new RunDefinition("infinite", RunDefinition.Kind.CONTINUAL, null, replay, spec.maxLr(),
                "infinite schedule across D0 and D1, no re-warming, " + percent(replay) + "% replay", config);
    }

    private ObjectNode scratch(ObjectNode stage) {
        ObjectNode config = common();
        config.set("model", JSON.createObjectNode().set("config", spec.model().deepCopy()));
        config.putArray("stages").add(stage);
        return config;
    }

    private ObjectNode common() {
        ObjectNode config = JSON.createObjectNode();
        config.put("seed", spec.seed() == null ? 0 : spec.seed());
        config.put("seq_len", spec.seqLen());
        config.put("global_batch", spec.globalBatch());
        config.put("micro_batch", spec.microBatch() == null ? spec.globalBatch() : spec.microBatch());
        config.put("tokenizer", spec.tokenizer().equals("byte") ? "byte" : base.resolve(spec.tokenizer()).toString());
        ObjectNode corpora = config.putObject("corpora");
        spec.corpora().forEach((name, dir) -> corpora.put(name, base.resolve(dir).toString()));
        ObjectNode eval = config.putObject("eval");
        eval.put("interval", spec.evalInterval());
        eval.put("sequences", spec.evalSequences());
        eval.putArray("corpora").add("d0").add("d1");
        if (spec.tasks() != null && !spec.tasks().isEmpty()) {
            var tasks = eval.putArray("tasks");
            spec.tasks().forEach(t -> tasks.add(t.endsWith(".yaml") ? base.resolve(t).toString() : t));
            if (spec.taskLimit() != null) {
                eval.put("task_limit", spec.taskLimit());
            }
        }
        config.putObject("checkpoint").put("interval", 1_000_000).put("keep", 1);
        config.put("out", ".");
        return config;
    }

    private ObjectNode stage(String name, int budgets, ArrayNode data, double replay, ObjectNode schedule) {
        ObjectNode stage = JSON.createObjectNode();
        stage.put("name", name);
        stage.put("tokens", budgets * spec.tokensPerStage());
        stage.set("data", data);
        if (replay > 0) {
            stage.put("replay", replay);
        }
        stage.set("schedule", schedule);
        return stage;
    }

    private static ArrayNode data(String corpus) {
        return JSON.createArrayNode().add(entry(corpus));
    }

    private static ObjectNode entry(String corpus) {
        return JSON.createObjectNode().put("corpus", corpus);
    }

    private ObjectNode cosine(double maxLr) {
        return JSON.createObjectNode().put("family", "cosine").put("max_lr", maxLr).put("min_lr", spec.minLr())
                .put("warmup", spec.warmup());
    }

    private static ObjectNode constant(double lr, double warmup) {
        return JSON.createObjectNode().put("family", "constant").put("max_lr", lr).put("warmup", warmup);
    }
}

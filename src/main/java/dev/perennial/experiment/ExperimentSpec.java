package dev.perennial.experiment;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.UserError;
import dev.perennial.config.KeyPath;
import dev.perennial.config.Problems;
import dev.perennial.io.Json;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * An experiment in the paper's protocol (Ibrahim et al. 2024, §5–7): two corpora D0 and D1, one model
 * configuration, a token budget per stage, and the runs to compare: baselines (D0 only, D1 from scratch, union
 * re-training with the same total tokens) and continual runs from the D0 checkpoint (constant at η_min, re-warm
 * without re-decay, re-warm + re-decay with each replay fraction, an infinite schedule, optionally an η_max sweep).
 */
public record ExperimentSpec(
        String name,
        Map<String, String> corpora,
        String tokenizer,
        ObjectNode model,
        Long seed,
        Long seqLen,
        Long globalBatch,
        Long microBatch,
        Double tokensPerStage,
        Double d1Tokens,
        Lr lr,
        List<Double> replay,
        Boolean infinite,
        Double infiniteReplay,
        List<Double> etaMaxSweep,
        Double sweepReplay,
        Eval eval,
        List<String> tasks,
        Long taskLimit,
        String tolerance,
        List<String> runs,
        String out) {

    /** The learning rates: η_max, η_min (default 0.1·η_max), the infinite schedule's η_const, and the warmup. */
    public record Lr(Double max, Double min, Double constant, Double warmup) {
    }

    /**
     * Evaluation every {@code interval} steps on {@code sequences} per corpus, spread over the held-out split unless
     * {@code spread: false}; in the last {@code final_fraction} of every stage {@code final_evals} evaluations, whose
     * mean is the run's final loss. {@code last} is the former key, refused with the fix.
     */
    public record Eval(Long interval, Long sequences, Long last, Double finalFraction, Long finalEvals,
                       Boolean spread) {
    }

    public static ExperimentSpec load(Path file) {
        ExperimentSpec spec;
        try {
            spec = Json.YAML.readValue(file.toFile(), ExperimentSpec.class);
        } catch (IOException e) {
            throw new UserError(file + ": " + e.getMessage().lines().findFirst().orElse("not a valid experiment spec")
                    + "; see README 'perennial experiment' for the keys", e);
        }
        if (spec == null) {
            throw new UserError(file + ": empty; an experiment spec needs corpora, model, tokenizer and budgets");
        }
        spec.check(file.toString());
        return spec;
    }

    private void check(String source) {
        Problems p = new Problems();
        KeyPath at = KeyPath.root();
        if (corpora == null || !corpora.containsKey("d0") || !corpora.containsKey("d1")) {
            p.add(at.key("corpora"), "needs d0 and d1 (prepared corpus folders), e.g. {d0: corpora/en, d1: corpora/de}");
        }
        if (tokenizer == null) {
            p.add(at.key("tokenizer"), "missing; the tokenizer the corpora were prepared with ('byte' or a folder)");
        }
        if (model == null) {
            p.add(at.key("model"), "missing; a config.json-style architecture, e.g. {model_type: gpt_neox, ...}");
        }
        for (String key : List.of("seq_len", "global_batch")) {
            Long v = key.equals("seq_len") ? seqLen : globalBatch;
            if (v == null || v < 1) {
                p.add(at.key(key), v == null ? "missing" : v + " must be at least 1");
            }
        }
        if (tokensPerStage == null || tokensPerStage < 1) {
            p.add(at.key("tokens_per_stage"), "missing or below 1: the token budget B of each stage");
        }
        if (d1Tokens != null && d1Tokens < 1) {
            p.add(at.key("d1_tokens"), d1Tokens + " is below 1: D1's token budget (default tokens_per_stage)");
        }
        if (eval != null && eval.last() != null) {
            p.add(at.key("eval").key("last"), "no longer used: the final loss is the mean of the evaluations in the "
                    + "last final_fraction of the run (default 0.01); remove it, or set eval.final_fraction");
        }
        if (eval != null && eval.finalFraction() != null) {
            p.inRange(at.key("eval").key("final_fraction"), eval.finalFraction(), 1e-6, 0.5,
                    "the last share of each stage whose evaluations give the final loss");
        }
        if (eval != null && eval.finalEvals() != null && eval.finalEvals() < 1) {
            p.add(at.key("eval").key("final_evals"), eval.finalEvals() + " must be at least 1");
        }
        for (int i = 0; runs != null && i < runs.size(); i++) {
            if (!ExperimentRuns.selectable(this).contains(runs.get(i))) {
                p.add(at.key("runs").index(i), "'" + runs.get(i) + "' is not a run of this spec; choose among "
                        + String.join(", ", ExperimentRuns.selectable(this)));
            }
        }
        if (lr == null || lr.max() == null || !(lr.max() > 0)) {
            p.add(at.key("lr").key("max"), "missing or not above 0: η_max");
        }
        for (int i = 0; replay != null && i < replay.size(); i++) {
            p.inRange(at.key("replay").index(i), replay.get(i), 0, 0.99, "a replay fraction");
        }
        if (tolerance != null && !(parseTolerance(tolerance) > 0)) {
            p.add(at.key("tolerance"), "'" + tolerance + "' is not a tolerance; give nats of average loss above 0 "
                    + "(e.g. 0.05) or a percentage of union's average loss (e.g. 1%)");
        }
        p.throwIfAny(source);
    }

    double maxLr() {
        return lr.max();
    }

    double minLr() {
        return lr.min() != null ? lr.min() : 0.1 * lr.max();
    }

    double constantLr() {
        return lr.constant() != null ? lr.constant() : 0.55 * lr.max();
    }

    double warmup() {
        return lr.warmup() != null ? lr.warmup() : 0.01;
    }

    List<Double> replays() {
        return replay != null ? replay : List.of(0.0, 0.01, 0.05, 0.25, 0.5);
    }

    long evalInterval() {
        return eval != null && eval.interval() != null ? eval.interval() : 25;
    }

    long evalSequences() {
        return eval != null && eval.sequences() != null ? eval.sequences() : 128;
    }

    /** D0's budget: each stage's unless D1's is given apart. */
    double d0Budget() {
        return tokensPerStage;
    }

    /** D1's budget (the paper's German update: 200B against D0's 300B). */
    double d1Budget() {
        return d1Tokens != null ? d1Tokens : tokensPerStage;
    }

    double finalFraction() {
        return eval != null && eval.finalFraction() != null ? eval.finalFraction() : 0.01;
    }

    long finalEvals() {
        return eval != null && eval.finalEvals() != null ? eval.finalEvals() : 10;
    }

    boolean spreadValidation() {
        return eval == null || eval.spread() == null || eval.spread();
    }

    /**
     * How far above union's average loss {@code unionAverage} the best continual run may end and still match: the
     * {@code tolerance:} in nats, or that percentage of union's average; 0.05 nats when the spec is silent.
     */
    double tolerance(double unionAverage) {
        if (tolerance == null) {
            return 0.05;
        }
        double value = parseTolerance(tolerance);
        return tolerance.strip().endsWith("%") ? value / 100 * unionAverage : value;
    }

    /** The number of a tolerance ("0.05" or "1%"), NaN when it is neither. */
    private static double parseTolerance(String text) {
        String number = text.strip();
        number = number.endsWith("%") ? number.substring(0, number.length() - 1).strip() : number;
        try {
            return Double.parseDouble(number);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}

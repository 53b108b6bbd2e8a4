package dev.perennial.cli;

import dev.perennial.UserError;
import dev.perennial.experiment.ExperimentSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code perennial reproduce}: the paper's protocol on the embedded corpora at the scale chosen for about an hour
 * on 2 cores (README, "perennial reproduce": how it was chosen), with the runs the comparison needs.
 */
@Command(name = "reproduce", mixinStandardHelpOptions = true,
        description = {"Run the paper's experiment on the embedded demo corpora at a scale where its conditions can "
                + "hold: the quickstart's 1.1M-parameter model with 4,000,000 tokens per stage (about 3.6 tokens per "
                + "parameter per stage; the weak shift's D1 gets half), making d0-only, union and re-warm + re-decay "
                + "with two replay fractions (25%% and 50%% for the strong shift, 5%% and 25%% for the weak one). 40 "
                + "minutes (strong) and 45 (weak) on 2 cores shared with other work; "
                + "resumable: run it again after an interruption. Prints the table, the regime check and the verdict.",
                ""})
public final class ReproduceCommand implements Runnable {

    /** The scale, chosen by the probe README's "perennial reproduce" describes. */
    static final long TOKENS_PER_STAGE = 4_000_000;

    /** Optimizer steps between ordinary evaluations: about 20 in a stage. */
    private static final int EVALUATIONS = 20;

    @Spec
    CommandSpec spec;

    @Option(names = "--shift", defaultValue = "strong", paramLabel = "SHIFT",
            description = "strong (English → German, default) or weak (English → English of another domain).")
    EmbeddedExperiment.Shift shift;

    @Option(names = "--out", defaultValue = "reproduce", paramLabel = "DIR",
            description = "Where corpora, runs and the report go (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--tokens-per-stage", paramLabel = "N",
            description = "Another scale (default " + TOKENS_PER_STAGE + "), e.g. a smaller one to try the command; "
                    + "a folder keeps the scale it was started with.")
    Long tokensPerStage;

    /** Finished runs are kept, so a folder started at one scale must not go on at another. */
    private static void refuseAnotherScale(Path existing, long tokens) {
        if (!Files.isRegularFile(existing)) {
            return;
        }
        double started = ExperimentSpec.load(existing).tokensPerStage();
        if (started != tokens) {
            throw new UserError(String.format(Locale.ROOT, "%s was started with %,.0f tokens per stage, not %,d; "
                    + "resume it with --tokens-per-stage %.0f, or give another --out", existing, started, tokens,
                    started));
        }
    }

    @Override
    public void run() {
        long tokens = tokensPerStage != null ? tokensPerStage : TOKENS_PER_STAGE;
        if (tokens < 16 * 128) {
            throw new UserError("--tokens-per-stage " + tokens + ": needs at least one batch of 16 × 128 = 2048 tokens");
        }
        refuseAnotherScale(out.resolve(shift.name()).resolve("experiment.yaml"), tokens);
        List<Double> replays = shift == EmbeddedExperiment.Shift.strong ? List.of(0.25, 0.5) : List.of(0.05, 0.25);
        String runs = replays.stream().map(r -> "rewarm-redecay-replay-" + Math.round(100 * r))
                .collect(Collectors.joining(", ", "[", "]"));
        // the weak shift's D1 (English quotations) holds under 1M tokens: half of D0's budget, about two passes
        long d1Tokens = shift == EmbeddedExperiment.Shift.strong ? tokens : tokens / 2;
        long steps = Math.ceilDiv(tokens, 16 * 128);
        EmbeddedExperiment.run("reproduce", "/dev/perennial/reproduce/experiment.yaml", out, shift, Map.of(
                        "NAME", "reproduce-" + shift,
                        "TOKENS_PER_STAGE", Long.toString(tokens),
                        "D1_TOKENS", Long.toString(d1Tokens),
                        "REPLAYS", replays.stream().map(r -> String.format(Locale.ROOT, "%s", r))
                                .collect(Collectors.joining(", ", "[", "]")),
                        "RUNS", runs,
                        "EVAL_INTERVAL", Long.toString(Math.max(1, steps / EVALUATIONS))),
                spec.commandLine().getOut(), spec.commandLine().getErr());
    }
}

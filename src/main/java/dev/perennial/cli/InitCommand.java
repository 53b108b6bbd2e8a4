package dev.perennial.cli;

import dev.perennial.UserError;
import dev.perennial.config.ConfigLoader;
import dev.perennial.config.Numbers;
import dev.perennial.config.ScheduleRules;
import dev.perennial.data.Corpus;
import dev.perennial.data.CorpusMetadata;
import dev.perennial.hub.HubSettings;
import dev.perennial.io.AtomicFiles;
import dev.perennial.train.TrainPlan;
import dev.perennial.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code perennial init}: writes a commented run config for a typical job with the paper's defaults: pre-training
 * from scratch, a continual update from a trained model (re-warm, re-decay, replay), or an update with an infinite
 * schedule. The config is checked as {@code perennial train} would check it before it is written.
 */
@Command(name = "init", mixinStandardHelpOptions = true,
        description = {"Write a commented run config for a typical job, with the defaults of Ibrahim et al. "
                + "(TMLR 2024), checked before it is written. Then preview it with 'perennial schedule' and "
                + "'perennial mixture', and run it with 'perennial train'.", ""},
        subcommands = {InitPretrain.class, InitContinue.class, InitContinue.Infinite.class},
        footer = {"", "Examples:",
                "  perennial init pretrain --corpus corpora/en --out pretrain.yaml",
                "  perennial init continue --from runs/pretrain/final --corpus corpora/de --replay 0.25 "
                        + "--out update.yaml",
                "  perennial init infinite --from runs/pretrain/final --corpus corpora/de --out update.yaml"})
public final class InitCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The options every kind of job takes. */
    static final class Options {

        @Option(names = "--corpus", required = true, paramLabel = "[NAME=]DIR",
                description = "A prepared corpus of the stage's new data (repeatable); NAME defaults to the folder's.")
        List<String> corpora = new ArrayList<>();

        @Option(names = "--out", required = true, paramLabel = "FILE", description = "The run config to write.")
        Path out;

        @Option(names = "--force", description = "Replace FILE when it exists.")
        boolean force;

        @Option(names = "--tokens", paramLabel = "N",
                description = "The stage's length in tokens (default: one pass over the new corpora).")
        Double tokens;

        @Option(names = "--steps", paramLabel = "N", description = "The stage's length in optimizer steps instead.")
        Long steps;

        @Option(names = "--max-lr", paramLabel = "LR", description = "The peak learning rate η_max.")
        Double maxLr;

        @Option(names = "--seq-len", paramLabel = "N", description = "Tokens per sequence.")
        Long seqLen;

        @Option(names = "--global-batch", paramLabel = "N", description = "Sequences per optimizer step.")
        Long globalBatch;

        @Option(names = "--seed", paramLabel = "N", defaultValue = "0",
                description = "Fixes the data order and initialisation (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--run-folder", paramLabel = "DIR",
                description = "The run's out: folder (default: runs/NAME beside FILE, NAME being FILE's name).")
        Path runFolder;
    }

    /** A new corpus, opened and checked, with what the template needs of it. */
    record NewCorpus(String name, Path dir, long trainTokens, CorpusMetadata.TokenizerInfo tokenizer, String hash) {
    }

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]+");

    /** Refuses to replace an existing file without --force, and flags out of range, before any work. */
    static void checkFlags(Options options) {
        if (Files.exists(options.out) && !options.force) {
            throw new UserError("--out " + options.out + " exists; give --force to replace it, or another --out");
        }
        if (options.tokens != null && options.steps != null) {
            throw new UserError("--tokens and --steps both given; give the stage's length one way");
        }
        atLeastOne("--seq-len", options.seqLen);
        atLeastOne("--global-batch", options.globalBatch);
        if (options.maxLr != null && !(options.maxLr > 0 && options.maxLr <= ScheduleRules.MAX_MAX_LR)) {
            throw new UserError("--max-lr " + Numbers.format(options.maxLr) + " must be a learning rate above 0 "
                    + "(about 1e-4 to 1e-2)");
        }
    }

    private static void atLeastOne(String flag, Long value) {
        if (value != null && value < 1) {
            throw new UserError(flag + " " + value + " must be at least 1");
        }
    }

    /** Every --corpus, each a prepared corpus under a name of its own. */
    static List<NewCorpus> newCorpora(Options options) {
        List<NewCorpus> corpora = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (String argument : options.corpora) {
            CorpusArgument corpus = CorpusArgument.parse(argument);
            if (!NAME.matcher(corpus.name()).matches()) {
                throw new UserError("--corpus " + argument + ": the name '" + corpus.name() + "' may hold only "
                        + "letters, digits, '_', '.' and '-'; name it with --corpus NAME=DIR");
            }
            if (!names.add(corpus.name())) {
                throw new UserError("--corpus " + argument + ": the name '" + corpus.name() + "' is given twice; "
                        + "name each corpus with --corpus NAME=DIR");
            }
            if (!Files.isDirectory(corpus.dir())) {
                throw new UserError("--corpus " + argument + ": no such folder; give a corpus folder made by "
                        + "'perennial prepare'");
            }
            try (Corpus opened = Corpus.open(corpus.dir())) {
                corpora.add(new NewCorpus(corpus.name(), corpus.dir().toAbsolutePath().normalize(),
                        opened.train().tokens(), opened.metadata().tokenizer(), opened.hash()));
            }
        }
        return corpora;
    }

    /** The stage's length in tokens, and the comment that says where it comes from. */
    record Length(Double tokens, Double steps, long stepCount, String comment) {
    }

    static Length length(Options options, List<NewCorpus> corpora, long tokensPerStep, double replay) {
        if (options.steps != null) {
            if (options.steps < 1) {
                throw new UserError("--steps " + options.steps + " must be at least 1");
            }
            return new Length(null, options.steps.doubleValue(), options.steps, "Given with --steps.");
        }
        double tokens;
        String why;
        if (options.tokens != null) {
            if (!(options.tokens >= 1) || options.tokens != Math.rint(options.tokens)) {
                throw new UserError("--tokens " + Numbers.format(options.tokens) + " must be a whole number of at "
                        + "least 1");
            }
            tokens = options.tokens;
            why = "Given with --tokens";
        } else {
            tokens = corpora.stream().mapToLong(NewCorpus::trainTokens).sum();
            why = "One pass over the training tokens of " + names(corpora) + ", as the paper reads each dataset once";
        }
        long steps = (long) Math.ceil(tokens / tokensPerStep);
        String replayed = replay > 0 ? String.format(Locale.ROOT, " With replay %s, %s of these are new data and %s "
                + "re-read earlier data: the paper's compute-equivalent replay keeps the budget and reads fewer new "
                + "tokens.", Numbers.format(replay), percent(1 - replay), percent(replay)) : "";
        return new Length(tokens, null, steps, String.format(Locale.ROOT, "%s: %,d tokens, rounded up to whole "
                + "steps of seq_len × global_batch = %,d tokens (%,d steps).%s", why, (long) tokens, tokensPerStep,
                steps, replayed));
    }

    static String names(List<NewCorpus> corpora) {
        return String.join(", ", corpora.stream().map(NewCorpus::name).toList());
    }

    static String percent(double fraction) {
        return Numbers.format(100 * fraction) + "%";
    }

    /** The run folder the config names: --run-folder, or runs/NAME beside the config file. */
    static Path runFolder(Options options) {
        if (options.runFolder != null) {
            return options.runFolder.toAbsolutePath().normalize();
        }
        Path file = options.out.toAbsolutePath().normalize();
        String name = file.getFileName().toString().replaceFirst("\\.ya?ml$", "");
        return file.getParent().resolve("runs").resolve(name);
    }

    /**
     * Checks the config as {@code perennial train} checks it before training (every key, the corpora, the
     * tokenizer, the mixture and its replay), then writes it atomically and says what to do next.
     */
    static void checkAndWrite(RunTemplate template, Options options, PrintWriter out) {
        String yaml = template.yaml();
        Path file = options.out.toAbsolutePath().normalize();
        TrainPlan plan = TrainPlan.from(ConfigLoader.parse(yaml, file.toString(), List.of()))
                .resolved(HubSettings.fromEnvironment(), false);
        Trainer.checkInputs(plan);
        AtomicFiles.writeString(options.out, yaml);
        out.printf(Locale.ROOT, "run config written to %s: %,d steps of %,d tokens into %s%n", options.out,
                plan.schedule().totalSteps(), (long) plan.seqLen() * plan.globalBatch(), plan.out());
        out.printf("preview it with 'perennial schedule %1$s' and 'perennial mixture %1$s', then run "
                + "'perennial train %1$s'%n", options.out);
        out.flush();
    }
}

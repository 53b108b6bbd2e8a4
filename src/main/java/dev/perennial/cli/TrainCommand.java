package dev.perennial.cli;

import dev.perennial.UserError;
import dev.perennial.config.ConfigLoader;
import dev.perennial.hub.HubSettings;
import dev.perennial.run.RunFolder;
import dev.perennial.train.TrainPlan;
import dev.perennial.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code perennial train}: continual pre-training through a run config's stages, resumable at any point. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Train a model through the stages of a run config (one per dataset), each with its schedule and "
                + "data mixture, with evaluation on every corpus seen so far and checkpoints. When the out: folder "
                + "holds a checkpoint, training continues from the newest complete one.", ""},
        footer = {"", "Examples:", "  perennial train run.yaml",
                "  perennial train run.yaml --set stages[1].replay=0.25 --set out=runs/replay25"})
public final class TrainCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "CONFIG", description = "A YAML run config.")
    Path config;

    @Option(names = "--resume", description = "Require a checkpoint to continue from (it is used anyway when present).")
    boolean resume;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a config key, e.g. stages[1].replay=0.25 "
            + "(repeatable; the value is YAML).")
    List<String> overrides = new ArrayList<>();

    @Override
    public void run() {
        TrainPlan plan = TrainPlan.from(ConfigLoader.load(config, overrides)).resolved(HubSettings.fromEnvironment(),
                true);
        RunFolder run = new RunFolder(plan.out());
        if (resume && run.checkpoints().isEmpty()) {
            throw new UserError("--resume: " + plan.out() + " holds no " + (run.partialCheckpoints().isEmpty()
                    ? "checkpoint to continue from" : "complete checkpoint, only the half-written "
                    + run.partialCheckpoints().getLast().getFileName() + " of a run stopped while writing it")
                    + "; run without --resume to start over");
        }
        Trainer.Outcome outcome = Trainer.run(plan, true, System.err, true);
        spec.commandLine().getOut().println(outcome.message());
    }
}

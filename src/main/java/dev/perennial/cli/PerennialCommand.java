package dev.perennial.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** {@code perennial}: the root command; it only lists the subcommands. */
@Command(name = "perennial",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
                "Continual pre-training of language models: re-warming, re-decaying, replay and infinite "
                        + "learning-rate schedules (Ibrahim et al., TMLR 2024), on libtorch.",
                ""},
        subcommands = {InitCommand.class, ScheduleCommand.class, PrepareCommand.class, TokenizerCommand.class, MixtureCommand.class, TrainCommand.class, ExperimentCommand.class,
                QuickstartCommand.class, ReproduceCommand.class, EvalCommand.class, GenerateCommand.class, PipelineCommand.class, ModelCommand.class, ServeCommand.class, SpaceCommand.class, HubCommand.class, LaunchCommand.class, PlanCommand.class,
                BenchCommand.class,
                HelpCommand.class},
        footer = {"", "Run 'perennial COMMAND --help' for a command's options. Documentation: README.md."})
public final class PerennialCommand implements Runnable {

    @Option(names = "--verbose", scope = ScopeType.INHERIT,
            description = "On an error, print every problem and the stack trace.")
    boolean verbose;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}

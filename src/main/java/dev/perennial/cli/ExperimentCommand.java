package dev.perennial.cli;

import dev.perennial.experiment.Experiment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Path;

/** {@code perennial experiment SPEC}: the paper's comparison of continual pre-training with re-training. */
@Command(name = "experiment", mixinStandardHelpOptions = true,
        description = {"Run the paper's protocol on your corpora: baselines (D0 only, D1 from scratch, union "
                + "re-training) and continual runs from the D0 checkpoint (constant η_min, re-warm without re-decay, "
                + "re-warm + re-decay with each replay fraction, an infinite schedule, an optional η_max sweep); "
                + "finished runs are skipped, an interrupted one resumes. Writes results.json, report.md, report.html "
                + "and PNG plots.", ""})
public final class ExperimentCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SPEC", description = "A YAML experiment spec.")
    Path specFile;

    @Override
    public void run() {
        print(Experiment.run(specFile, System.err, true), spec.commandLine().getOut());
    }

    static void print(Experiment.Outcome outcome, PrintWriter out) {
        if (outcome.completed()) {
            out.println();
            out.print(outcome.summary().table());
            out.println();
            out.println(outcome.summary().regime().text());
            out.println(outcome.summary().verdict());
        }
        out.println(outcome.message());
    }
}

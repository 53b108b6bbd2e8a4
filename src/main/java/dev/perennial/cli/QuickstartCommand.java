package dev.perennial.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.Map;

/**
 * {@code perennial quickstart}: the paper's experiment in small, on the embedded corpora, with no arguments and
 * no network: English → German (the strong shift) or, with {@code --shift weak}, English → English.
 */
@Command(name = "quickstart", mixinStandardHelpOptions = true,
        description = {"Run a small version of the paper's experiment on the embedded demo corpora (English technical "
                + "text, then German technical text or English quotations) with a tiny model, and print the table, "
                + "the regime check and the verdict. About 10 minutes on 2 cores; an interrupted quickstart resumes. "
                + "It demonstrates the protocol; 'perennial reproduce' runs it at a scale where the paper's result "
                + "can hold.", ""})
public final class QuickstartCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Option(names = "--shift", defaultValue = "strong", paramLabel = "SHIFT",
            description = "strong (English → German, default) or weak (English → English of another domain).")
    EmbeddedExperiment.Shift shift;

    @Option(names = "--out", defaultValue = "quickstart", paramLabel = "DIR",
            description = "Where corpora, runs and the report go (default: ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public void run() {
        EmbeddedExperiment.run("quickstart", "/dev/perennial/quickstart/experiment.yaml", out, shift,
                Map.of("QUICKSTART_NAME", "quickstart-" + shift), spec.commandLine().getOut(),
                spec.commandLine().getErr());
    }

    /** The checkout's root: set by ./perennial, else the working directory. */
    static Path home() {
        return Path.of(System.getProperty("perennial.home", "."));
    }
}

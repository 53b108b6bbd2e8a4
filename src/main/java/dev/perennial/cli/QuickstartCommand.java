package dev.perennial.cli;

import dev.perennial.UserError;
import dev.perennial.data.Corpus;
import dev.perennial.data.Prepare;
import dev.perennial.data.PrepareOptions;
import dev.perennial.data.TextUnit;
import dev.perennial.experiment.Experiment;
import dev.perennial.io.AtomicFiles;
import dev.perennial.tokenizer.HfTokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code perennial quickstart}: the paper's experiment in small, on the embedded corpora, with no arguments and
 * no network: English → German (the strong shift) or, with {@code --shift weak}, English → English.
 */
@Command(name = "quickstart", mixinStandardHelpOptions = true,
        description = {"Run a small version of the paper's experiment on the embedded demo corpora (English technical "
                + "text, then German technical text or English quotations) with a tiny model, and print the table and "
                + "the verdict. About 10 minutes on 2 cores; an interrupted quickstart resumes.", ""})
public final class QuickstartCommand implements Runnable {

    enum Shift { strong, weak }

    @Spec
    CommandSpec spec;

    @Option(names = "--shift", defaultValue = "strong", paramLabel = "SHIFT",
            description = "strong (English → German, default) or weak (English → English of another domain).")
    Shift shift;

    @Option(names = "--out", defaultValue = "quickstart", paramLabel = "DIR",
            description = "Where corpora, runs and the report go (default: ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public void run() {
        Path data = home().resolve("data");
        Path tokenizer = data.resolve("tokenizer");
        if (!Files.isRegularFile(tokenizer.resolve("tokenizer.json"))) {
            throw new UserError(data + ": the embedded demo data is missing; run quickstart from a Perennial checkout "
                    + "(or set -Dperennial.home)");
        }
        String d1 = shift == Shift.strong ? "de-tech" : "en-misc";
        Path d0Corpus = corpus(data, "en-tech", tokenizer);
        Path d1Corpus = corpus(data, d1, tokenizer);
        Path folder = out.resolve(shift.name());
        String yaml = template().replace("QUICKSTART_NAME", "quickstart-" + shift)
                .replace("CORPUS_D0", d0Corpus.toAbsolutePath().toString())
                .replace("CORPUS_D1", d1Corpus.toAbsolutePath().toString())
                .replace("TOKENIZER", tokenizer.toAbsolutePath().toString());
        Path specFile = folder.resolve("experiment.yaml");
        AtomicFiles.writeString(specFile, yaml);
        spec.commandLine().getErr().printf("quickstart: D0 = English technical text, D1 = %s; experiment spec %s%n",
                shift == Shift.strong ? "German technical text (strong shift)" : "English quotations (weak shift)",
                specFile);
        ExperimentCommand.print(Experiment.run(specFile, System.err, true), spec.commandLine().getOut());
    }

    /** The checkout's root: set by ./perennial, else the working directory. */
    static Path home() {
        return Path.of(System.getProperty("perennial.home", "."));
    }

    /** Prepares an embedded corpus once; later quickstarts reuse it. */
    private Path corpus(Path data, String name, Path tokenizer) {
        Path dir = out.resolve("corpora").resolve(name);
        if (Files.isRegularFile(dir.resolve("metadata.json"))) {
            try (Corpus existing = Corpus.open(dir)) {
                return dir;
            } catch (UserError damaged) {
                AtomicFiles.deleteTree(dir);
            }
        }
        try (HfTokenizer tok = HfTokenizer.load(tokenizer)) {
            new Prepare(new PrepareOptions(List.of(data.resolve(name + ".jsonl.gz").toString()), dir, "text",
                    TextUnit.PARAGRAPH, 0.02, false, true, PrepareOptions.DEFAULT_SHARD_TOKENS,
                    Runtime.getRuntime().availableProcessors()), tok, true).run();
        }
        return dir;
    }

    private static String template() {
        try (InputStream in = QuickstartCommand.class.getResourceAsStream("/dev/perennial/quickstart/experiment.yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}

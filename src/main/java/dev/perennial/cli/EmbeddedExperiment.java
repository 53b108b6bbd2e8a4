package dev.perennial.cli;

import dev.perennial.UserError;
import dev.perennial.data.Corpus;
import dev.perennial.data.Prepare;
import dev.perennial.data.PrepareOptions;
import dev.perennial.data.TextUnit;
import dev.perennial.experiment.Experiment;
import dev.perennial.io.AtomicFiles;
import dev.perennial.tokenizer.HfTokenizer;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The paper's experiment on the embedded demo corpora, as {@code quickstart} and {@code reproduce} run it: the
 * corpora prepared once under {@code OUT/corpora/}, a spec from a template resource written to
 * {@code OUT/SHIFT/experiment.yaml}, and the experiment run (resuming what an earlier call left).
 */
final class EmbeddedExperiment {

    /** English technical text, then German technical text (strong) or English quotations (weak). */
    enum Shift {
        strong("de-tech", "German technical text (strong shift)"),
        weak("en-misc", "English quotations (weak shift)");

        final String corpus;
        final String description;

        Shift(String corpus, String description) {
            this.corpus = corpus;
            this.description = description;
        }
    }

    private EmbeddedExperiment() {
    }

    /**
     * Writes the spec of {@code template} (a resource) with the corpora, tokenizer and {@code values} filled in, runs
     * it and prints the table, regime check and verdict.
     */
    static void run(String command, String template, Path out, Shift shift, Map<String, String> values,
                    PrintWriter stdout, PrintWriter stderr) {
        Path data = QuickstartCommand.home().resolve("data");
        Path tokenizer = data.resolve("tokenizer");
        if (!Files.isRegularFile(tokenizer.resolve("tokenizer.json"))) {
            throw new UserError(data + ": the embedded demo data is missing; run " + command + " from a Perennial "
                    + "checkout (or set -Dperennial.home)");
        }
        Path d0Corpus = corpus(out, data, "en-tech", tokenizer);
        Path d1Corpus = corpus(out, data, shift.corpus, tokenizer);
        String yaml = resource(template).replace("CORPUS_D0", d0Corpus.toAbsolutePath().toString())
                .replace("CORPUS_D1", d1Corpus.toAbsolutePath().toString())
                .replace("TOKENIZER", tokenizer.toAbsolutePath().toString());
        for (Map.Entry<String, String> v : values.entrySet()) {
            yaml = yaml.replace(v.getKey(), v.getValue());
        }
        Path specFile = out.resolve(shift.name()).resolve("experiment.yaml");
        AtomicFiles.writeString(specFile, yaml);
        stderr.printf("%s: D0 = English technical text, D1 = %s; experiment spec %s%n", command, shift.description,
                specFile);
        stderr.flush();
        ExperimentCommand.print(Experiment.run(specFile, System.err, true), stdout);
    }

    /** Prepares an embedded corpus once; later calls reuse it. */
    private static Path corpus(Path out, Path data, String name, Path tokenizer) {
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

    private static String resource(String name) {
        try (InputStream in = EmbeddedExperiment.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}

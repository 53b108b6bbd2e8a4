package dev.perennial.cli;

import dev.perennial.UserError;
import dev.perennial.data.Corpus;
import dev.perennial.data.CorpusMetadata;
import dev.perennial.data.Prepare;
import dev.perennial.data.PrepareOptions;
import dev.perennial.data.TextUnit;
import dev.perennial.tokenizer.Tokenizer;
import dev.perennial.tokenizer.Tokenizers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code perennial prepare}: text files to a tokenized corpus folder. */
@Command(name = "prepare", mixinStandardHelpOptions = true,
        description = {"Tokenize text into a corpus folder: token shards, a document index and metadata.json "
                + "(tokenizer hash, sources with sizes and hashes, counts, the validation split).", ""},
        footer = {"", "Inputs: .txt, .jsonl (also .gz or .zst) and .parquet files, folders (searched recursively) or "
                + "globs.", "Example:", "  perennial prepare --tokenizer byte --input 'texts/*.txt' --out corpora/en"})
public final class PrepareCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Option(names = "--tokenizer", paramLabel = "T",
            description = "'byte', or a tokenizer.json or a folder holding one.")
    String tokenizer;

    @Option(names = "--input", arity = "1..*", paramLabel = "PATH",
            description = "Files, folders or globs to read.")
    List<String> inputs;

    @Option(names = "--out", paramLabel = "DIR", description = "The corpus folder to create.")
    Path out;

    @Option(names = "--verify", paramLabel = "DIR", description = "Instead of preparing: check every file of the "
            + "corpus in DIR against the SHA-256 its metadata.json recorded (opening a corpus checks a sample).")
    Path verify;

    @Option(names = "--text-field", paramLabel = "F", defaultValue = PrepareOptions.DEFAULT_TEXT_FIELD,
            description = "The JSON field or Parquet column holding the text (default: ${DEFAULT-VALUE}).")
    String textField;

    @Option(names = "--text-unit", paramLabel = "U", defaultValue = "paragraph",
            description = "How .txt files split into documents: paragraph (blank lines, default), line, or file.")
    String textUnit;

    @Option(names = "--val-fraction", paramLabel = "X", defaultValue = "" + PrepareOptions.DEFAULT_VAL_FRACTION,
            description = "Share of documents held out for validation, chosen by document hash (default: "
                    + "${DEFAULT-VALUE}).")
    double valFraction;

    @Option(names = "--skip-bad", description = "Skip and count bad records instead of stopping at the first.")
    boolean skipBad;

    @Option(names = "--overwrite", description = "Replace --out if it exists.")
    boolean overwrite;

    @Option(names = "--threads", paramLabel = "N", description = "Encoding threads (default: all cores).")
    Integer threads;

    @Option(names = "--shard-tokens", paramLabel = "N", hidden = true, defaultValue = "" + PrepareOptions.DEFAULT_SHARD_TOKENS)
    long shardTokens;

    @Override
    public void run() {
        if (verify != null) {
            CorpusMetadata metadata = Corpus.verify(verify);
            spec.commandLine().getOut().printf("%s: all %d files match their SHA-256 (%,d training and %,d validation "
                    + "tokens)%n", verify, metadata.files().size(), metadata.train().tokens(), metadata.val().tokens());
            return;
        }
        requirePreparingOptions();
        TextUnit unit = Choices.parse(TextUnit.class, textUnit, "--text-unit");
        if (threads != null && threads < 1) {
            throw new UserError("--threads " + threads + " must be at least 1 (encoding threads); leave it out to use "
                    + "every core");
        }
        PrepareOptions options = new PrepareOptions(inputs, out, textField, unit, valFraction, skipBad, overwrite,
                shardTokens, threads != null ? threads : Runtime.getRuntime().availableProcessors());
        CorpusMetadata metadata;
        try (Tokenizer tok = Tokenizers.open(tokenizer)) {
            metadata = new Prepare(options, tok, true).run();
        }
        spec.commandLine().getOut().printf("corpus written to %s: %,d training and %,d validation tokens (%s, "
                        + "tokenizer %s %s)%n", out, metadata.train().tokens(), metadata.val().tokens(), metadata.dtype(),
                metadata.tokenizer().name(), metadata.tokenizer().hash().substring(0, 12));
    }

    /** --tokenizer, --input and --out are required to prepare (not to --verify), as picocli would say it. */
    private void requirePreparingOptions() {
        List<String> missing = new ArrayList<>();
        if (tokenizer == null) {
            missing.add("'--tokenizer=T'");
        }
        if (inputs == null || inputs.isEmpty()) {
            missing.add("'--input=PATH'");
        }
        if (out == null) {
            missing.add("'--out=DIR'");
        }
        if (!missing.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "Missing required option" + (missing.size() > 1 ? "s" : "")
                    + ": " + String.join(", ", missing));
        }
    }
}

package dev.perennial.cli;

import dev.perennial.UserError;
import dev.perennial.data.BadRecord;
import dev.perennial.data.Document;
import dev.perennial.data.DocumentReader;
import dev.perennial.data.InputFiles;
import dev.perennial.data.TextUnit;
import dev.perennial.tokenizer.BpeTrainer;
import dev.perennial.tokenizer.HfTokenizer;
import dev.perennial.tokenizer.TokenizerFiles;
import picocli.CommandLine.Command;
import dev.perennial.serve.ChatTemplate;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** {@code perennial tokenizer}: tokenizer tools. */
@Command(name = "tokenizer", mixinStandardHelpOptions = true, description = "Tokenizer tools.",
        subcommands = TokenizerCommand.Train.class)
public final class TokenizerCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code perennial tokenizer train}: learns a byte-level BPE tokenizer from text. */
    @Command(name = "train", mixinStandardHelpOptions = true,
            description = {"Learn a byte-level BPE tokenizer (GPT-2 style) from text and write a standard "
                    + "tokenizer.json (+ tokenizer_config.json) that Hugging Face tokenizers loads.", ""})
    public static final class Train implements Runnable {

        @Spec
        CommandSpec spec;

        @Option(names = "--input", required = true, arity = "1..*", paramLabel = "PATH",
                description = "Files, folders or globs of .txt, .jsonl(.gz/.zst) or .parquet.")
        List<String> inputs;

        @Option(names = "--vocab-size", required = true, paramLabel = "N",
                description = "Vocabulary size, the end-of-text token included (at least 257).")
        int vocabSize;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder for tokenizer.json.")
        Path out;

        @Option(names = "--text-field", paramLabel = "F", defaultValue = "text",
                description = "JSON field or Parquet column with the text (default: ${DEFAULT-VALUE}).")
        String textField;

        @Option(names = "--chat-template", paramLabel = "FILE", description = "A Jinja chat template to save in "
                + "tokenizer_config.json, so that models trained with this tokenizer can be chatted with (checked on "
                + "a sample conversation first).")
        Path chatTemplate;

        @Override
        public void run() {
            String template = null;
            if (chatTemplate != null) {
                try {
                    template = Files.readString(chatTemplate);
                } catch (IOException e) {
                    throw new UserError(chatTemplate + ": cannot be read (" + e.getMessage() + ")", e);
                }
                // checked before training, with the tokens the trained tokenizer will have
                ChatTemplate.sample(template, TokenizerFiles.EOS_TOKEN, TokenizerFiles.EOS_TOKEN);
            }
            if (vocabSize < 257) {
                throw new UserError("--vocab-size " + vocabSize + " is below 257: a byte-level vocabulary holds the 256 "
                        + "bytes and the end-of-text token");
            }
            BpeTrainer trainer = new BpeTrainer(vocabSize);
            DocumentReader reader = new DocumentReader(textField, TextUnit.PARAGRAPH);
            for (Path file : InputFiles.expand(inputs)) {
                try (InputStream in = Files.newInputStream(file)) {
                    reader.read(file, in, new DocumentReader.Sink() {
                        @Override
                        public void document(Document document) {
                            trainer.add(document.text());
                        }

                        @Override
                        public void bad(BadRecord record) {
                            throw new UserError(record.getMessage());
                        }
                    });
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            BpeTrainer.Model model = trainer.train();
            TokenizerFiles.write(model, out);
            if (template != null) {
                ModelCommand.setChatTemplate(out, template);
            }
            try (HfTokenizer check = HfTokenizer.load(out)) {
                spec.commandLine().getOut().printf("tokenizer written to %s: %,d tokens (%,d merges from %,d distinct "
                        + "words), sha256 %s%n", out.resolve("tokenizer.json"), check.vocabSize(), model.merges().size(),
                        trainer.distinctWords(), check.hash().substring(0, 12));
            }
        }
    }
}

package dev.perennial.cli;

import dev.perennial.UserError;
import dev.perennial.checkpoint.ModelFolder;
import dev.perennial.hub.HubModels;
import dev.perennial.hub.HubSettings;
import dev.perennial.serve.ChatTemplate;
import dev.perennial.tensor.DType;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/** {@code perennial model}: changes to a model folder that are not training. */
@Command(name = "model", mixinStandardHelpOptions = true, description = {"Change a model folder.", ""},
        subcommands = {ModelCommand.SetChatTemplate.class, ModelCommand.Convert.class})
public final class ModelCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * Renders {@code template} on a sample conversation with the folder's bos and eos tokens, then saves it into the
     * folder's tokenizer_config.json; returns the rendered sample. A template that does not render changes nothing.
     */
    static String setChatTemplate(Path dir, String template) {
        String[] tokens = ModelFolder.specialTokens(dir);
        String sample = ChatTemplate.sample(template, tokens[0], tokens[1]);
        ModelFolder.setChatTemplate(dir, template);
        return sample;
    }

    /** {@code perennial model set-chat-template}. */
    @Command(name = "set-chat-template", mixinStandardHelpOptions = true,
            description = {"Give a model folder a chat template (the Jinja chat_template of tokenizer_config.json, "
                    + "which /v1/chat/completions renders), from a file, a text or another model folder. The "
                    + "template is rendered on a short conversation first and the result printed; a template that "
                    + "does not render is refused and the folder left as it was.", ""},
            footer = {"", "Example:", "  perennial model set-chat-template runs/demo/final --from "
                    + "HuggingFaceTB/SmolLM2-135M-Instruct"})
    public static final class SetChatTemplate implements Runnable {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "DIR", description = "The model folder to change.")
        Path dir;

        @ArgGroup(exclusive = true, multiplicity = "1")
        Source source;

        static final class Source {
            @Option(names = "--file", paramLabel = "FILE", description = "A Jinja template file.")
            Path file;

            @Option(names = "--template", paramLabel = "TEXT", description = "The template itself.")
            String text;

            @Option(names = "--from", paramLabel = "MODEL", description = "A model folder (or ORG/NAME from the Hub "
                    + "cache) whose chat template to copy.")
            String from;
        }

        @Override
        public void run() {
            if (!Files.isDirectory(dir)) {
                throw new UserError(dir + ": no such model folder");
            }
            String sample = setChatTemplate(dir, template());
            PrintWriter out = spec.commandLine().getOut();
            out.println("set the chat template of " + dir.resolve("tokenizer_config.json") + "; a conversation "
                    + "renders as:");
            out.println(sample);
            out.flush();
        }

        private String template() {
            if (source.text != null) {
                return source.text;
            }
            if (source.file != null) {
                try {
                    return Files.readString(source.file);
                } catch (IOException e) {
                    throw new UserError(source.file + ": cannot be read (" + e.getMessage() + ")", e);
                }
            }
            Path other = HubModels.resolve(source.from, Path.of(""),
                    HubSettings.fromEnvironment(), true);
            String found = ChatTemplate.templateOf(other);
            if (found == null) {
                throw new UserError(other + ": has no chat_template in tokenizer_config.json to copy");
            }
            return found;
        }
    }

    /** {@code perennial model convert}: a model folder's weights in another dtype, e.g. a bf16 export of a run. */
    @Command(name = "convert", mixinStandardHelpOptions = true,
            description = {"Write a copy of a model folder with its weights in another dtype (config.json's "
                    + "torch_dtype says which): a bf16 export of a model trained in fp32 or bf16-mixed is half the "
                    + "size. Tokenizer files come along; the source is not changed.", ""},
            footer = {"", "Example:", "  perennial model convert runs/demo/final --dtype bf16 --out runs/demo/final-bf16"})
    public static final class Convert implements Runnable {
        /** The dtypes a model folder may be written in, by their flag names. */
        private static final Map<String, DType> DTYPES = Map.of("fp32", DType.F32, "bf16", DType.BF16,
                "fp16", DType.F16);

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "DIR", description = "The model folder to convert.")
        Path dir;

        @Option(names = "--dtype", required = true, paramLabel = "DTYPE", description = "bf16, fp16 or fp32.")
        String dtype;

        @Option(names = "--out", required = true, paramLabel = "OUT", description = "The new model folder.")
        Path out;

        @Override
        public void run() {
            DType target = DTYPES.get(dtype.toLowerCase(Locale.ROOT));
            if (target == null) {
                throw new UserError("--dtype: '" + dtype + "' is not one of bf16, fp16, fp32");
            }
            if (out.toAbsolutePath().normalize().equals(dir.toAbsolutePath().normalize())) {
                throw new UserError("--out " + out + " is the model folder itself; give a new folder");
            }
            try (ModelFolder.Loaded loaded = ModelFolder.load(dir, target)) {
                ModelFolder.save(loaded.model(), dir.toString(), out, ModelFolder.DEFAULT_SHARD_BYTES,
                        "The model of " + dir + " with its weights in " + dtype.toLowerCase(Locale.ROOT) + ".");
            }
            spec.commandLine().getOut().println("wrote " + out + " (" + dtype.toLowerCase(Locale.ROOT) + ")");
            spec.commandLine().getOut().flush();
        }
    }
}

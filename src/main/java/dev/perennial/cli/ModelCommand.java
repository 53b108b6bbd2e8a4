package dev.perennial.cli;

import dev.perennial.UserError;
import dev.perennial.checkpoint.ModelFolder;
import dev.perennial.hub.HubModels;
import dev.perennial.hub.HubSettings;
import dev.perennial.serve.ChatTemplate;
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

/** {@code perennial model}: changes to a model folder that are not training. */
@Command(name = "model", mixinStandardHelpOptions = true, description = {"Change a model folder.", ""},
        subcommands = {ModelCommand.SetChatTemplate.class})
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
}

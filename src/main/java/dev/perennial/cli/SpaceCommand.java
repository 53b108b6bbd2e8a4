package dev.perennial.cli;

import dev.perennial.serve.AppSpec;
import dev.perennial.space.SpaceFolder;
import dev.perennial.space.SpaceSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.List;

/** {@code perennial space}: a Hugging Face Space that serves Gradio apps. */
@Command(name = "space", mixinStandardHelpOptions = true,
        description = {"A Hugging Face Space (Docker) that serves Gradio-compatible apps with perennial serve.", ""},
        subcommands = {SpaceCommand.Init.class})
public final class SpaceCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code perennial space init}. */
    @Command(name = "init", mixinStandardHelpOptions = true, description = {"Write a folder that runs on Hugging "
            + "Face Spaces as a Docker Space: README.md with the Space's metadata, a Dockerfile that builds Perennial "
            + "from a copy of its sources, apps.yaml, and start.sh, which downloads the models into the Hub cache "
            + "and starts perennial serve on port 7860. Push the folder to a Docker Space to deploy it.", ""},
            footer = {"", "Example:", "  perennial space init my-space --app sentence-similarity="
                    + "sentence-transformers/all-MiniLM-L6-v2"})
    public static final class Init implements Runnable {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "DIR", description = "The folder to write (a new one, unless --force).")
        Path dir;

        @Option(names = "--app", paramLabel = "TASK=ORG/NAME", description = "An app at /apps/TASK/ with a Hub "
                + "model (repeatable), as perennial serve --app.")
        List<String> app = List.of();

        @Option(names = "--apps", paramLabel = "FILE.yaml", description = "More apps: apps: [{task, model, name}], "
                + "each model a Hub id.")
        Path appsFile;

        @Option(names = "--images", paramLabel = "DIR", description = "The images that an image-search app ranks; "
                + "copied into the Space.")
        Path images;

        @Option(names = "--title", paramLabel = "T", defaultValue = "Perennial apps",
                description = "The Space's title (default: ${DEFAULT-VALUE}).")
        String title;

        @Option(names = "--force", description = "Replace DIR if it exists.")
        boolean force;

        @Override
        public void run() {
            SpaceSpec space = new SpaceSpec(title, AppSpec.fromFlags(app, appsFile), images);
            SpaceFolder.write(dir, space, Path.of(System.getProperty("perennial.home", "")), force);
            spec.commandLine().getOut().println("wrote the Space to " + dir + "; push it to a Docker Space on the Hub "
                    + "(git push; Perennial's README, 'perennial space', says how)");
        }
    }
}

package dev.perennial.cli;

import dev.perennial.serve.AppSpec;
import dev.perennial.serve.ServeOptions;
import dev.perennial.serve.WebServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/** {@code perennial serve}: the web app and the HTTP API (OpenAI-compatible and Perennial's own). */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve the web app (runs with live curves, experiments, models, playground) and the HTTP API "
                + "(OpenAI-compatible /v1/models, /v1/completions, /v1/chat/completions, /v1/embeddings; Perennial's "
                + "/api, with the pipeline tasks at /api/pipeline/TASK; Gradio-compatible apps at /apps/NAME/) from one "
                + "process. Runs, experiments and "
                + "models (language models and pipeline encoders) are found by scanning the given folders.", ""},
        footer = {"", "Example:", "  perennial serve --runs quickstart", "  then open http://127.0.0.1:7860/"})
public final class ServeCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Option(names = "--runs", paramLabel = "DIR", defaultValue = ".",
            description = "A folder scanned for runs, experiments and the models in them (repeatable; default: the "
                    + "current folder).")
    List<Path> runs;

    @Option(names = "--models", paramLabel = "DIR", arity = "1..*",
            description = "Folders scanned for more model folders (config.json + safetensors), e.g. a Hugging Face "
                    + "cache.")
    List<Path> models = List.of();

    @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "HOST",
            description = "Address to listen on (default ${DEFAULT-VALUE}: this machine only; 0.0.0.0 for all).")
    String host;

    @Option(names = "--port", defaultValue = "7860", paramLabel = "PORT", description = "Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(names = "--api-key", paramLabel = "KEY",
            description = "Require 'Authorization: Bearer KEY' on every /v1, /api and /apps request.")
    String apiKey;

    @Option(names = "--images", paramLabel = "DIR",
            description = "A folder of images that image-search requests rank (POST /api/pipeline/image-search with "
                    + "a CLIP model); its index is cached in DIR/.perennial-index. Without it, image search is not "
                    + "served.")
    Path images;

    @Option(names = "--app", paramLabel = "TASK=MODEL",
            description = "Serve a Gradio-compatible app at /apps/TASK/ (repeatable): a pipeline task or 'chat' "
                    + "(a language model's chat, streamed), with a served model's id, e.g. "
                    + "--app zero-shot-image-classification=clip.")
    List<String> app = List.of();

    @Option(names = "--apps", paramLabel = "FILE.yaml",
            description = "More Gradio apps from a YAML file: apps: [{task, model, name}] (the app is at /apps/NAME/).")
    Path appsFile;

    @Option(names = "--max-tokens", defaultValue = "1024", paramLabel = "N",
            description = "Most new tokens one request may ask for (default ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--max-concurrent", defaultValue = "4", paramLabel = "N",
            description = "Generations and pipeline forward passes running at once (default ${DEFAULT-VALUE}).")
    int maxConcurrent;

    @Option(names = "--max-queued", defaultValue = "32", paramLabel = "N",
            description = "Requests waiting for a slot; beyond, requests get 429 (default ${DEFAULT-VALUE}).")
    int maxQueued;

    @Option(names = "--max-request-bytes", defaultValue = "1048576", paramLabel = "N",
            description = "Largest request body; larger gets 413 (default ${DEFAULT-VALUE}).")
    long maxRequestBytes;

    @Option(names = "--max-loaded-models", defaultValue = "4", paramLabel = "N",
            description = "Models kept loaded; the least recently used idle one is closed (default ${DEFAULT-VALUE}).")
    int maxLoadedModels;

    @Override
    public void run() {
        ServeOptions options = new ServeOptions(runs, models, host, port, apiKey,
                new ServeOptions.Limits(maxRequestBytes, maxTokens, maxConcurrent, maxQueued, maxLoadedModels), images,
                AppSpec.fromFlags(app, appsFile));
        PrintWriter out = spec.commandLine().getOut();
        Consumer<String> console = line -> {
            out.println(line);
            out.flush();
        };
        try (WebServer server = WebServer.start(options, console)) {
            console.accept("Perennial is serving " + server.url() + (apiKey == null ? "" : " (API key required)")
                    + "; Ctrl-C stops it");
            Runtime.getRuntime().addShutdownHook(new Thread(server::close));
            server.awaitShutdown();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

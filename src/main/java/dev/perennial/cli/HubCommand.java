package dev.perennial.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.UserError;
import dev.perennial.hub.Downloader;
import dev.perennial.hub.HubClient;
import dev.perennial.hub.HubModels;
import dev.perennial.hub.HubSettings;
import dev.perennial.hub.Memory;
import dev.perennial.hub.Uploader;
import dev.perennial.model.ModelFamily;
import dev.perennial.pipeline.Task;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code perennial hub}: search, inspect, download and upload models the way huggingface_hub does. */
@Command(name = "hub", mixinStandardHelpOptions = true,
        description = {"The Hugging Face Hub: search models, show one, download it into the huggingface_hub cache "
                + "(shared with the Python tools), upload a folder. Honours HF_ENDPOINT, HF_TOKEN (or "
                + "HF_HOME/token), HF_HOME, HF_HUB_CACHE, HF_HUB_OFFLINE and HF_HUB_DOWNLOAD_TIMEOUT.", ""},
        subcommands = {HubCommand.Search.class, HubCommand.Info.class, HubCommand.Download.class,
                HubCommand.Upload.class})
public final class HubCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {ORG/NAME, REVISION} from what the user wrote, or an error saying how to write it. */
    static String[] repository(String model) {
        return HubModels.parse(model).orElseThrow(() -> new UserError(model
                + ": write ORG/NAME or ORG/NAME@REVISION"));
    }

    static String license(JsonNode model) {
        for (JsonNode tag : model.path("tags")) {
            if (tag.asText().startsWith("license:")) {
                return tag.asText().substring("license:".length());
            }
        }
        return model.path("cardData").path("license").asText("?");
    }

    /**
     * Whether Perennial runs a model of config.json {@code modelType} for the Hub task {@code pipelineTag}: a causal
     * LM family for text-generation, a pipeline's model types for the pipeline tasks; "?" when the Hub did not say
     * the model's type.
     */
    static String runs(String pipelineTag, String modelType) {
        if (modelType == null || modelType.isEmpty()) {
            return "?";
        }
        boolean runs = pipelineTag.equals("text-generation") ? ModelFamily.ofModelType(modelType).isPresent()
                : Task.all().stream().anyMatch(t -> t.matchesHubTag(pipelineTag) && t.modelTypes().contains(modelType));
        return runs ? "yes" : "no";
    }

    /** {@code perennial hub search}. */
    @Command(name = "search", mixinStandardHelpOptions = true, description = {"Search models on the Hub for a task "
            + "(a pipeline_tag: text-generation, feature-extraction, sentence-similarity, "
            + "zero-shot-image-classification, …); the 'runs' column says whether Perennial can run each.", ""})
    public static final class Search implements Runnable {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", arity = "0..1", paramLabel = "QUERY")
        String query;

        @Option(names = "--task", defaultValue = "text-generation", paramLabel = "TASK")
        String task;

        @Option(names = "--library", paramLabel = "LIB")
        String library;

        @Option(names = "--author", paramLabel = "A")
        String author;

        @Option(names = "--sort", defaultValue = "downloads", paramLabel = "KEY",
                description = "downloads (default), likes, trending, created or modified.")
        String sort;

        @Option(names = "--limit", defaultValue = "20", paramLabel = "N")
        int limit;

        @Override
        public void run() {
            Map<String, String> filters = new LinkedHashMap<>();
            if (query != null) {
                filters.put("search", query);
            }
            filters.put("pipeline_tag", task);
            if (library != null) {
                filters.put("library", library);
            }
            if (author != null) {
                filters.put("author", author);
            }
            filters.put("sort", switch (sort) {
                case "downloads", "likes" -> sort;
                case "trending" -> "trendingScore";
                case "created" -> "createdAt";
                case "modified" -> "lastModified";
                default -> throw new UserError("--sort " + sort + " is not one of downloads, likes, "
                        + "trending, created, modified");
            });
            filters.put("direction", "-1");
            List<JsonNode> models = new HubClient(HubSettings.fromEnvironment()).search(filters, limit);
            PrintWriter out = spec.commandLine().getOut();
            out.printf(Locale.ROOT, "%-44s %-16s %-4s %12s %7s %-12s %10s %10s %10s %10s %10s%n", "id", "task", "runs",
                    "downloads", "likes", "license", "params", "run fp32", "run bf16", "train fp32", "train bf16");
            for (JsonNode m : models) {
                long params = m.path("safetensors").path("total").asLong(-1);
                Memory mem = new Memory(params);
                String tag = m.path("pipeline_tag").asText(task);
                out.printf(Locale.ROOT, "%-44s %-16s %-4s %,12d %,7d %-12s %10s %10s %10s %10s %10s%n",
                        m.path("id").asText(), tag, runs(tag, m.path("config").path("model_type").asText(null)),
                        m.path("downloads").asLong(), m.path("likes").asLong(),
                        license(m), params < 0 ? "?" : String.format(Locale.ROOT, "%.1fM", params / 1e6),
                        params < 0 ? "?" : Memory.human(mem.runFp32()), params < 0 ? "?" : Memory.human(mem.runBf16()),
                        params < 0 ? "?" : Memory.human(mem.trainFp32()), params < 0 ? "?" : Memory.human(mem.trainBf16()));
            }
            out.flush();
        }
    }

    /** {@code perennial hub info}. */
    @Command(name = "info", mixinStandardHelpOptions = true, description = {"Show one model: card metadata, files "
            + "and sizes, and whether Perennial supports its architecture.", ""})
    public static final class Info implements Runnable {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "ORG/NAME[@REVISION]")
        String model;

        @Override
        public void run() {
            String[] repo = repository(model);
            JsonNode info = new HubClient(HubSettings.fromEnvironment()).info(repo[0], repo[1]);
            PrintWriter out = spec.commandLine().getOut();
            out.printf("%s @ %s (commit %s)%n", info.path("id").asText(repo[0]), repo[1], info.path("sha").asText());
            out.printf("task: %s, library: %s, license: %s, gated: %s%n", info.path("pipeline_tag").asText("?"),
                    info.path("library_name").asText("?"), license(info), info.path("gated").asText("false"));
            String type = info.path("config").path("model_type").asText("?");
            List<String> tasks = Task.forModelType(type).stream().map(Task::name).toList();
            out.printf("architecture: %s (%s)%n", type, ModelFamily.ofModelType(type).isPresent()
                    ? "supported by Perennial" : !tasks.isEmpty() ? "Perennial runs it for " + String.join(", ", tasks)
                    : "NOT supported; Perennial runs " + String.join(", ", ModelFamily.supportedModelTypes())
                    + " and, in pipelines, " + String.join(", ", Task.all().stream().flatMap(t -> t.modelTypes()
                    .stream()).distinct().toList()));
            long params = info.path("safetensors").path("total").asLong(-1);
            if (params > 0) {
                Memory mem = new Memory(params);
                out.printf("parameters: %,d; memory to run %s (fp32) / %s (bf16), to train with AdamW %s / %s%n", params,
                        Memory.human(mem.runFp32()), Memory.human(mem.runBf16()), Memory.human(mem.trainFp32()),
                        Memory.human(mem.trainBf16()));
            }
            out.println("files:");
            long total = 0;
            for (JsonNode f : info.path("siblings")) {
                long size = f.path("size").asLong(f.path("lfs").path("size").asLong(-1));
                total += Math.max(0, size);
                out.printf("  %-50s %12s%s%n", f.path("rfilename").asText(), Memory.human(size),
                        f.has("lfs") ? "  (LFS)" : "");
            }
            out.printf("total: %s%n", Memory.human(total));
            out.flush();
        }
    }

    /** {@code perennial hub download}. */
    @Command(name = "download", mixinStandardHelpOptions = true, description = {"Download a model into the "
            + "huggingface_hub cache (resumable; sizes and LFS SHA-256 verified) and print its snapshot folder.", ""})
    public static final class Download implements Runnable {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "ORG/NAME")
        String model;

        @Option(names = "--revision", paramLabel = "R", description = "Branch, tag or commit (default: main).")
        String revision;

        @Option(names = "--include", paramLabel = "GLOB", description = "Files to get (repeatable; default: what "
                + "Perennial needs: config, weights, tokenizer, generation config, card).")
        List<String> include = new ArrayList<>();

        @Override
        public void run() {
            String[] repo = repository(model);
            String rev = revision != null ? revision : repo[1];
            Path snapshot = new Downloader(new HubClient(HubSettings.fromEnvironment()), true).download(repo[0], rev,
                    include.isEmpty() ? Downloader.DEFAULT_INCLUDE : include);
            spec.commandLine().getOut().println(snapshot);
        }
    }

    /** {@code perennial hub upload}. */
    @Command(name = "upload", mixinStandardHelpOptions = true, description = {"Upload a folder (a model folder, a "
            + "run's final/) to a model repository on the Hub as one commit, as huggingface_hub's upload_folder "
            + "does: the files the Hub wants in LFS (weights) go to its storage unless it has them already, the rest "
            + "inline. Needs a token with write access (HF_TOKEN or HF_HOME/token).", ""})
    public static final class Upload implements Runnable {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "DIR")
        Path folder;

        @Parameters(index = "1", paramLabel = "ORG/NAME")
        String model;

        @Option(names = "--revision", paramLabel = "BRANCH", description = "Branch to commit to (default: main); "
                + "created from main when missing.")
        String revision;

        @Option(names = "--create", description = "Create the repository first (fine if it exists).")
        boolean create;

        @Option(names = "--private", description = "With --create: make the new repository private.")
        boolean isPrivate;

        @Option(names = "--message", paramLabel = "MSG", defaultValue = Uploader.DEFAULT_MESSAGE,
                description = "Commit message (default: ${DEFAULT-VALUE}).")
        String message;

        @Option(names = "--include", paramLabel = "GLOB", description = "Upload only files matching (repeatable).")
        List<String> include = new ArrayList<>();

        @Option(names = "--exclude", paramLabel = "GLOB", description = "Leave out files matching (repeatable).")
        List<String> exclude = new ArrayList<>();

        @Override
        public void run() {
            String[] repo = repository(model);
            if (isPrivate && !create) {
                throw new UserError("--private applies to a repository that --create makes; add --create, or change "
                        + "an existing repository's visibility in its settings on the Hub");
            }
            String branch = revision != null ? revision : repo[1];
            Uploader.Result result = new Uploader(new HubClient(HubSettings.fromEnvironment()), true).upload(
                    new Uploader.Request(folder, repo[0], branch, create, isPrivate, message, include, exclude));
            PrintWriter out = spec.commandLine().getOut();
            if (result.files() == 0) {
                out.printf("%s@%s: nothing changed (%d files are there as they are here); no new commit%n", repo[0],
                        branch, result.unchanged());
            } else {
                out.printf("%s@%s: committed %d files (%d through LFS, %d uploaded now, %d already on the Hub; %d "
                                + "unchanged left out)%s%n", repo[0], branch, result.files(), result.lfsFiles(),
                        result.lfsUploaded(), result.lfsFiles() - result.lfsUploaded(), result.unchanged(),
                        result.repoCreated() ? " to the repository created now"
                                : result.branchCreated() ? " to the branch created now" : "");
            }
            out.println("commit: " + result.commitOid());
            out.println(result.commitUrl());
            out.flush();
        }
    }
}

package dev.perennial.serve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.hub.HubCache;
import dev.perennial.io.Json;
import dev.perennial.pipeline.Task;
import dev.perennial.run.RunFolder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * What the configured folders hold: runs (a folder with metrics.jsonl), experiments (a folder with results.json
 * or a runs/ folder of runs) and models (a folder with config.json and safetensors weights: final models,
 * checkpoints, downloads). Each is known by a name relative to its root, and a name resolves only to something
 * found by the scan, never to a path built from the request, and a folder with a link leading out of its root is
 * left out: there is no way out of the configured folders.
 * A model is either a language model (it generates) or, when config.json's model_type is one that a pipeline task
 * runs ({@link Task#forModelType}), a pipeline model with the tasks it serves over HTTP; each endpoint takes only
 * its own kind ({@link #requireModel}).
 * A scan is reused for two seconds, unless a name is asked for that it does not have.
 */
final class Catalog {

    enum Kind { RUN, EXPERIMENT, MODEL }

    /**
     * Something found; for a model, {@code tasks} are the pipeline tasks it serves (empty for a language model) and
     * {@code modelType} is config.json's model_type (null when unreadable; null for runs and experiments).
     */
    record Entry(Kind kind, String name, Path dir, String modelType, List<Task<?, ?>> tasks) {

        Entry(Kind kind, String name, Path dir) {
            this(kind, name, dir, null, List.of());
        }

        /** Whether this model runs pipeline tasks (an encoder) rather than generating text. */
        boolean isPipelineModel() {
            return !tasks.isEmpty();
        }

        /** The HTTP endpoints that take this model. */
        List<String> endpoints() {
            if (kind != Kind.MODEL) {
                return List.of();
            }
            if (!isPipelineModel()) {
                return LANGUAGE_MODEL_ENDPOINTS;
            }
            List<String> out = new ArrayList<>();
            if (tasks.contains(Task.FEATURE_EXTRACTION)) {
                out.add("/v1/embeddings");
            }
            if (tasks.contains(Task.TEXT_TO_SPEECH)) {
                out.add("/v1/audio/speech");
            }
            if (tasks.contains(Task.AUTOMATIC_SPEECH_RECOGNITION)) {
                out.add("/v1/audio/transcriptions");
            }
            if (tasks.contains(Task.CONVERSATIONAL)) {
                out.add("/v1/chat/completions");
            }
            tasks.forEach(t -> out.add("/api/pipeline/" + t.name()));
            return List.copyOf(out);
        }

        private String kindText() {
            return isPipelineModel() ? modelType + " model for " + String.join(", ", tasks.stream()
                    .map(Task::name).toList()) : "language model";
        }
    }

    /** What a request wants of a model: text generation (and log-probabilities) or a pipeline task. */
    sealed interface Use {
        /** What the request names, for messages. */
        String what();
    }

    /** Generating text or scoring it: a language model. */
    record Generation(String what) implements Use {
    }

    /** Chat completions: a language model, or a pipeline model that serves the conversational task. */
    record Chat(String what) implements Use {
    }

    /** A pipeline task: a model that serves it. */
    record PipelineTask(Task<?, ?> task, String what) implements Use {
    }

    static final List<String> LANGUAGE_MODEL_ENDPOINTS = List.of("/v1/completions", "/v1/chat/completions",
            "/api/logprobs");

    /**
     * The tasks served over HTTP. Image search only with a folder of images given when the server started: it ranks
     * that folder, and a request never chooses the server's files.
     */
    List<Task<?, ?>> servedTasks() {
        return Task.all().stream().filter(t -> t != Task.IMAGE_SEARCH || imageSearch).toList();
    }

    private record Snapshot(long nanos, List<Entry> entries) {
    }

    private static final int MAX_DEPTH = 8;
    private static final long REUSE_NANOS = 2_000_000_000L;
    private static final long RESCAN_MISS_NANOS = 250_000_000L;

    private final List<Path> runRoots;
    private final List<Path> modelRoots;
    private final boolean imageSearch;
    private Snapshot snapshot;

    Catalog(List<Path> runRoots, List<Path> modelRoots) {
        this(runRoots, modelRoots, false);
    }

    /** {@code imageSearch}: whether a folder of images is served, so that CLIP models serve image-search too. */
    Catalog(List<Path> runRoots, List<Path> modelRoots, boolean imageSearch) {
        this.runRoots = runRoots.stream().map(p -> p.toAbsolutePath().normalize()).toList();
        this.modelRoots = modelRoots.stream().map(p -> p.toAbsolutePath().normalize()).toList();
        this.imageSearch = imageSearch;
    }

    List<Entry> all(Kind kind) {
        return entries().stream().filter(e -> e.kind() == kind).toList();
    }

    /** The entry of that name; a name not in the last scan triggers a new scan (at most every 250 ms). */
    Optional<Entry> find(Kind kind, String name) {
        Optional<Entry> found = all(kind).stream().filter(e -> e.name().equals(name)).findFirst();
        if (found.isEmpty() && rescanAllowed()) {
            found = all(kind).stream().filter(e -> e.name().equals(name)).findFirst();
        }
        return found;
    }

    private synchronized boolean rescanAllowed() {
        if (snapshot != null && System.nanoTime() - snapshot.nanos() < RESCAN_MISS_NANOS) {
            return false;
        }
        snapshot = null;
        return true;
    }

    Entry require(Kind kind, String name) {
        return find(kind, name).orElseThrow(() -> ApiError.notFound("no " + kind.name().toLowerCase(Locale.ROOT)
                + " named '" + name + "' in the served folders; list them with GET /api/"
                + (kind == Kind.MODEL ? "models" : kind == Kind.RUN ? "runs" : "experiments")));
    }

    /**
     * The model named {@code name} (404 naming the param "model" when there is none), refused with 400 when it is
     * not of the kind {@code use} needs, naming the endpoints that do take it.
     */
    Entry requireModel(String name, Use use) {
        Entry model = find(Kind.MODEL, name).orElseThrow(() -> new ApiError(404, "invalid_request_error", "model",
                "model_not_found", "the model '" + name + "' does not exist here; list the models with GET /v1/models"));
        boolean fits = switch (use) {
            case Generation g -> !model.isPipelineModel();
            case Chat c -> !model.isPipelineModel() || model.tasks().contains(Task.CONVERSATIONAL);
            case PipelineTask p -> model.tasks().contains(p.task());
        };
        if (!fits) {
            throw ApiError.badRequest("model", "the model '" + name + "' is a " + model.kindText() + ": it cannot "
                    + "be used for " + use.what() + "; it serves " + String.join(", ", model.endpoints()));
        }
        return model;
    }

    private synchronized List<Entry> entries() {
        if (snapshot == null || System.nanoTime() - snapshot.nanos() > REUSE_NANOS) {
            snapshot = new Snapshot(System.nanoTime(), scan());
        }
        return snapshot.entries();
    }

    private List<Entry> scan() {
        List<Entry> found = new ArrayList<>();
        Set<String> taken = new HashSet<>();
        Set<Path> seenModels = new HashSet<>();
        for (Path root : runRoots) {
            walk(root, dir -> {
                if (RunFolder.isRun(dir) && staysInside(root, dir)) {
                    found.add(new Entry(Kind.RUN, unique(Kind.RUN, name(root, dir), taken), dir));
                }
                if ((Files.isRegularFile(dir.resolve("results.json")) || hasRuns(dir.resolve("runs")))
                        && staysInside(root, dir)) {
                    found.add(new Entry(Kind.EXPERIMENT, unique(Kind.EXPERIMENT, name(root, dir), taken), dir));
                }
            });
        }
        for (Path root : Stream.concat(modelRoots.stream(), runRoots.stream()).toList()) {
            walk(root, dir -> {
                if (isModelFolder(dir) && staysInside(root, dir) && seenModels.add(dir)) {
                    String type = modelType(dir);
                    List<Task<?, ?>> tasks = type == null ? List.of()
                            : servedTasks().stream().filter(t -> t.modelTypes().contains(type)).toList();
                    found.add(new Entry(Kind.MODEL, unique(Kind.MODEL, name(root, dir), taken), dir, type, tasks));
                }
            });
        }
        found.sort(Comparator.comparing(Entry::kind).thenComparing(Entry::name));
        return List.copyOf(found);
    }

    /**
     * Whether {@code dir} and every file directly in it (what the API reads and sends back for an entry) stay
     * inside {@code root} once links are followed. A folder holding a link out of the served folders (to
     * /etc/passwd, say) is not served at all, so no endpoint can be led outside by it.
     */
    static boolean staysInside(Path root, Path dir) {
        try {
            Path realRoot = root.toRealPath();
            if (!dir.toRealPath().startsWith(realRoot)) {
                return false;
            }
            try (var children = Files.list(dir)) {
                return children.filter(Files::isSymbolicLink).allMatch(link -> leadsInside(link, realRoot));
            }
        } catch (IOException e) {
            return false;
        }
    }

    /** A link that resolves inside {@code realRoot}; a dangling one counts as outside, as it may be pointed anywhere. */
    private static boolean leadsInside(Path link, Path realRoot) {
        try {
            return link.toRealPath().startsWith(realRoot);
        } catch (IOException dangling) {
            return false;
        }
    }

    static boolean isModelFolder(Path dir) {
        return Files.isRegularFile(dir.resolve("config.json")) && (Files.isRegularFile(dir.resolve("model.safetensors"))
                || Files.isRegularFile(dir.resolve("model.safetensors.index.json")));
    }

    /** config.json's model_type, or null when it cannot be read (the model is listed, and fails when used). */
    static String modelType(Path dir) {
        try {
            JsonNode type = Json.MAPPER.readTree(dir.resolve("config.json").toFile()).path("model_type");
            return type.isTextual() ? type.asText() : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static boolean hasRuns(Path dir) {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (var children = Files.list(dir)) {
            return children.anyMatch(RunFolder::isRun);
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The name of {@code dir} under {@code root}, with '/' between parts; the root itself goes by its own name, and a
     * snapshot of a Hub cache (a root such as ~/.cache/huggingface/hub) by its model's id, ORG/NAME.
     */
    private static String name(Path root, Path dir) {
        Optional<String> hubModel = new HubCache(root).modelName(dir);
        if (hubModel.isPresent()) {
            return hubModel.get();
        }
        Path relative = root.relativize(dir);
        String name = relative.toString().isEmpty() ? String.valueOf(root.getFileName()) : relative.toString();
        return name.replace('\\', '/');
    }

    private static String unique(Kind kind, String name, Set<String> taken) {
        String candidate = name;
        for (int n = 2; !taken.add(kind + ":" + candidate); n++) {
            candidate = name + "#" + n;
        }
        return candidate;
    }

    private static void walk(Path root, Consumer<Path> visit) {
        try {
            Files.walkFileTree(root, Set.of(), MAX_DEPTH, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    String name = String.valueOf(dir.getFileName());
                    if (!dir.equals(root) && (name.startsWith(".") || name.equals("node_modules"))) {
                        return FileVisitResult.SKIP_SUBTREE; // partial checkpoints, VCS folders
                    }
                    visit.accept(dir);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

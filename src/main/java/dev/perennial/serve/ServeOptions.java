package dev.perennial.serve;

import dev.perennial.UserError;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * What {@code perennial serve} serves and how much it accepts: the folders scanned for runs, experiments and
 * models, the address, the optional API key, the limits that keep one client from taking the machine, and the
 * folder of images that image-search requests rank (null: image search is not served; a request never names it), and
 * the Gradio apps to serve under /apps.
 */
public record ServeOptions(List<Path> runRoots, List<Path> modelRoots, String host, int port, String apiKey,
                           Limits limits, Path images, List<AppSpec> apps) {

    /**
     * Bounds on requests: body size in bytes, new tokens per request, generations running at once, generations
     * waiting for a slot (beyond both a request is refused with 429), and models kept loaded.
     */
    public record Limits(long maxRequestBytes, int maxTokens, int maxConcurrent, int maxQueued, int maxLoadedModels) {

        public static Limits defaults() {
            return new Limits(1 << 20, 1024, 4, 32, 4);
        }
    }

    /** Without Gradio apps. */
    public ServeOptions(List<Path> runRoots, List<Path> modelRoots, String host, int port, String apiKey,
                        Limits limits, Path images) {
        this(runRoots, modelRoots, host, port, apiKey, limits, images, List.of());
    }

    /** Without image search. */
    public ServeOptions(List<Path> runRoots, List<Path> modelRoots, String host, int port, String apiKey,
                        Limits limits) {
        this(runRoots, modelRoots, host, port, apiKey, limits, null, List.of());
    }

    public ServeOptions {
        if (images != null && !Files.isDirectory(images)) {
            throw new UserError("--images " + images + ": no such folder; give the folder of images that "
                    + "image-search requests rank");
        }
        images = images == null ? null : images.toAbsolutePath().normalize();
        apps = AppSpec.unique(apps);
        runRoots = List.copyOf(runRoots);
        modelRoots = List.copyOf(modelRoots);
        for (Path root : concat(runRoots, modelRoots)) {
            if (!Files.isDirectory(root)) {
                throw new UserError(root + ": no such folder to serve; give an existing folder of runs or models");
            }
        }
        if (port < 0 || port > 65535) {
            throw new UserError("--port " + port + " is not a port number (0 to 65535; 0 picks a free one)");
        }
        if (apiKey != null && apiKey.isBlank()) {
            throw new UserError("--api-key is empty; give a key, or leave the option out to serve without one");
        }
        if (limits.maxRequestBytes() < 1024 || limits.maxTokens() < 1 || limits.maxConcurrent() < 1
                || limits.maxQueued() < 0 || limits.maxLoadedModels() < 1) {
            throw new UserError("limits must be positive: --max-request-bytes at least 1024, --max-tokens, "
                    + "--max-concurrent and --max-loaded-models at least 1, --max-queued 0 or more");
        }
    }

    /** These options with the Gradio apps {@code apps}. */
    public ServeOptions withApps(List<AppSpec> apps) {
        return new ServeOptions(runRoots, modelRoots, host, port, apiKey, limits, images, apps);
    }

    private static List<Path> concat(List<Path> a, List<Path> b) {
        return Stream.concat(a.stream(), b.stream()).toList();
    }
}

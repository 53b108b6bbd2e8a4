package dev.perennial.serve;

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
 * A scan is reused for two seconds, unless a name is asked for that it does not have.
 */
final class Catalog {

    enum Kind { RUN, EXPERIMENT, MODEL }

    record Entry(Kind kind, String name, Path dir) {
    }

    private record Snapshot(long nanos, List<Entry> entries) {
    }

    private static final int MAX_DEPTH = 8;
    private static final long REUSE_NANOS = 2_000_000_000L;
    private static final long RESCAN_MISS_NANOS = 250_000_000L;

    private final List<Path> runRoots;
    private final List<Path> modelRoots;
    private Snapshot snapshot;

    Catalog(List<Path> runRoots, List<Path> modelRoots) {
        this.runRoots = runRoots.stream().map(p -> p.toAbsolutePath().normalize()).toList();
        this.modelRoots = modelRoots.stream().map(p -> p.toAbsolutePath().normalize()).toList();
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
                    found.add(new Entry(Kind.MODEL, unique(Kind.MODEL, name(root, dir), taken), dir));
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

    /** The name of {@code dir} under {@code root}, with '/' between parts; the root itself goes by its own name. */
    private static String name(Path root, Path dir) {
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

package dev.perennial.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.perennial.UserError;
import dev.perennial.io.AtomicFiles;
import dev.perennial.io.Hashing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A run's folder: config.yaml, metrics.jsonl, checkpoints/step-NNNNNNNN/ (each a Hugging Face model folder plus
 * optimizer.pt, state.json and manifest.json with every file's SHA-256), and final/. Checkpoints are built in a
 * hidden partial folder and renamed into place, so a checkpoint folder that exists is complete; its checksums
 * catch later damage.
 */
final class RunDirectory {

    static final ObjectMapper JSON = dev.perennial.io.Json.OUTPUT;

    /** A complete, verified checkpoint. */
    record Checkpoint(Path dir, CheckpointState state) {
    }

    private final Path dir;

    RunDirectory(Path dir) {
        this.dir = dir;
    }

    Path dir() {
        return dir;
    }

    Path configFile() {
        return dir.resolve("config.yaml");
    }

    Path metricsFile() {
        return dir.resolve("metrics.jsonl");
    }

    Path finalDir() {
        return dir.resolve("final");
    }

    Path checkpointsDir() {
        return dir.resolve("checkpoints");
    }

    /** Checkpoint folders, oldest first. */
    List<Path> checkpoints() {
        if (!Files.isDirectory(checkpointsDir())) {
            return List.of();
        }
        try (Stream<Path> paths = Files.list(checkpointsDir())) {
            return paths.filter(p -> p.getFileName().toString().matches("step-\\d+")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The newest checkpoint whose files match their checksums; damaged newer ones are reported and skipped. */
    Optional<Checkpoint> newestValid(Consumer<String> warn) {
        List<Path> all = new ArrayList<>(checkpoints());
        for (int i = all.size() - 1; i >= 0; i--) {
            Path checkpoint = all.get(i);
            Optional<String> damage = damage(checkpoint);
            if (damage.isEmpty()) {
                try {
                    return Optional.of(new Checkpoint(checkpoint,
                            JSON.readValue(checkpoint.resolve("state.json").toFile(), CheckpointState.class)));
                } catch (IOException e) {
                    warn.accept("warning: " + checkpoint + " has an unreadable state.json; using an older checkpoint");
                    continue;
                }
            }
            warn.accept("warning: checkpoint " + checkpoint + " is damaged (" + damage.get()
                    + "); resuming from the one before it");
        }
        return Optional.empty();
    }

    private static Optional<String> damage(Path checkpoint) {
        Path manifest = checkpoint.resolve("manifest.json");
        if (!Files.isRegularFile(manifest)) {
            return Optional.of("no manifest.json");
        }
        try {
            Map<?, ?> sums = JSON.readValue(manifest.toFile(), Map.class);
            for (Map.Entry<?, ?> e : sums.entrySet()) {
                Path file = checkpoint.resolve(e.getKey().toString());
                if (!Files.isRegularFile(file)) {
                    return Optional.of(e.getKey() + " is missing");
                }
                if (!Hashing.sha256(file).equals(e.getValue())) {
                    return Optional.of(e.getKey() + " does not match its checksum");
                }
            }
            return Optional.empty();
        } catch (IOException | UncheckedIOException e) {
            return Optional.of("manifest.json unreadable");
        }
    }

    /**
     * Writes a checkpoint for {@code step}: {@code contents} fills a partial folder, then state.json and the
     * manifest are added and the folder is renamed into place; then only the newest {@code keep} remain.
     */
    Path writeCheckpoint(long step, CheckpointState state, Consumer<Path> contents, int keep) {
        String name = String.format("step-%08d", step);
        Path target = checkpointsDir().resolve(name);
        Path partial = checkpointsDir().resolve("." + name + ".partial");
        try {
            AtomicFiles.deleteTree(partial);
            Files.createDirectories(partial);
            contents.accept(partial);
            byte[] stateBytes = JSON.writeValueAsBytes(state);
            AtomicFiles.write(partial.resolve("state.json"), out -> out.write(stateBytes));
            Map<String, String> sums = new LinkedHashMap<>();
            try (Stream<Path> files = Files.list(partial)) {
                for (Path f : files.sorted().toList()) {
                    sums.put(f.getFileName().toString(), Hashing.sha256(f));
                }
            }
            byte[] manifest = JSON.writeValueAsBytes(sums);
            AtomicFiles.write(partial.resolve("manifest.json"), out -> out.write(manifest));
            AtomicFiles.deleteTree(target);
            Files.move(partial, target);
        } catch (IOException e) {
            throw new UserError("could not write checkpoint " + target + ": " + e.getMessage(), e);
        }
        List<Path> all = checkpoints();
        for (int i = 0; i < all.size() - keep; i++) {
            AtomicFiles.deleteTree(all.get(i));
        }
        return target;
    }
}

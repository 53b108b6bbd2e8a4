package dev.perennial.run;

import dev.perennial.UserError;
import dev.perennial.data.Ledger;
import dev.perennial.io.AtomicFiles;
import dev.perennial.io.Hashing;
import dev.perennial.io.Json;

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
 * A run's folder, and the one place that knows its layout: config.yaml, metrics.jsonl (see {@link MetricsFile}),
 * checkpoints/step-NNNNNNNN/ (each a Hugging Face model folder plus optimizer.pt, ledger.json, state.json and
 * manifest.json with every file's SHA-256), and final/ (the model with lineage.json and ledger.json).
 * Checkpoints and final/ are built in a hidden partial folder and renamed into place, so a folder that exists is
 * complete; a checkpoint's checksums catch later damage. A run is finished when final/ holds its lineage.
 */
public final class RunFolder {

    private static final String CONFIG = "config.yaml";
    private static final String METRICS = "metrics.jsonl";
    private static final String FINAL = "final";
    private static final String FINAL_PARTIAL = ".final.partial";
    private static final String CHECKPOINTS = "checkpoints";
    private static final String STATE = "state.json";
    private static final String MANIFEST = "manifest.json";
    private static final String OPTIMIZER = "optimizer.pt";
    private static final String LINEAGE = "lineage.json";
    /**
     * The data ledger a model folder carries (final/ and checkpoints of Perennial runs): a run continuing from
     * that model continues its data history, so that replay draws from what the model actually read.
     */
    private static final String LEDGER = "ledger.json";

    /** A complete, verified checkpoint. */
    public record Checkpoint(Path dir, CheckpointState state) {

        /** The optimizer state saved with the checkpoint. */
        public Path optimizer() {
            return dir.resolve(OPTIMIZER);
        }
    }

    private final Path dir;

    public RunFolder(Path dir) {
        this.dir = dir;
    }

    /** Whether {@code dir} is a run's folder: it has metrics. */
    public static boolean isRun(Path dir) {
        return Files.isRegularFile(dir.resolve(METRICS));
    }

    /** Whether model folder {@code dir} is a run's final model. */
    public static boolean isFinalModel(Path dir) {
        return String.valueOf(dir.getFileName()).equals(FINAL);
    }

    /** Whether model folder {@code dir} is one of a run's checkpoints. */
    public static boolean isCheckpoint(Path dir) {
        Path parent = dir.getParent();
        return parent != null && String.valueOf(parent.getFileName()).equals(CHECKPOINTS);
    }

    /** The lineage.json of a final model folder (absent elsewhere). */
    public static Path lineageFile(Path modelDir) {
        return modelDir.resolve(LINEAGE);
    }

    /** The state.json of a checkpoint folder (absent elsewhere). */
    public static Path stateFile(Path modelDir) {
        return modelDir.resolve(STATE);
    }

    /** The data ledger a model folder carries, if it is one a Perennial run wrote. */
    public static Optional<Ledger> ledgerOf(Path modelDir) {
        Path file = modelDir.resolve(LEDGER);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Json.MAPPER.readValue(file.toFile(), Ledger.class));
        } catch (IOException e) {
            throw new UserError(file + ": unreadable data ledger (" + e.getMessage() + ")", e);
        }
    }

    public Path dir() {
        return dir;
    }

    public Path configFile() {
        return dir.resolve(CONFIG);
    }

    public Path metricsFile() {
        return dir.resolve(METRICS);
    }

    public Path finalDir() {
        return dir.resolve(FINAL);
    }

    public Path checkpointsDir() {
        return dir.resolve(CHECKPOINTS);
    }

    /** Whether the run has written its final model. */
    public boolean isFinished() {
        return Files.isRegularFile(lineageFile(finalDir()));
    }

    /** Checkpoint folders, oldest first. */
    public List<Path> checkpoints() {
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
    public Optional<Checkpoint> newestValid(Consumer<String> warn) {
        List<Path> all = new ArrayList<>(checkpoints());
        for (int i = all.size() - 1; i >= 0; i--) {
            Path checkpoint = all.get(i);
            Optional<String> damage = damage(checkpoint);
            if (damage.isEmpty()) {
                try {
                    return Optional.of(new Checkpoint(checkpoint,
                            Json.MAPPER.readValue(stateFile(checkpoint).toFile(), CheckpointState.class)));
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
        Path manifest = checkpoint.resolve(MANIFEST);
        if (!Files.isRegularFile(manifest)) {
            return Optional.of("no manifest.json");
        }
        try {
            Map<?, ?> sums = Json.MAPPER.readValue(manifest.toFile(), Map.class);
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
     * Writes a checkpoint for {@code step}: {@code model} fills a partial folder, {@code optimizer} writes the
     * optimizer's file, then the ledger, state.json and the manifest are added and the folder is renamed into
     * place; then only the newest {@code keep} remain.
     */
    public Path writeCheckpoint(long step, CheckpointState state, Consumer<Path> model, Consumer<Path> optimizer,
                                int keep) {
        String name = String.format("step-%08d", step);
        Path target = checkpointsDir().resolve(name);
        Path partial = checkpointsDir().resolve("." + name + ".partial");
        try {
            AtomicFiles.deleteTree(partial);
            Files.createDirectories(partial);
            model.accept(partial);
            optimizer.accept(partial.resolve(OPTIMIZER));
            writeJson(partial.resolve(LEDGER), state.ledger());
            writeJson(stateFile(partial), state);
            Map<String, String> sums = new LinkedHashMap<>();
            try (Stream<Path> files = Files.list(partial)) {
                for (Path f : files.sorted().toList()) {
                    sums.put(f.getFileName().toString(), Hashing.sha256(f));
                }
            }
            writeJson(partial.resolve(MANIFEST), sums);
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

    /** Writes final/: {@code model} fills a partial folder, the lineage and ledger are added, and it is renamed. */
    public Path writeFinal(Consumer<Path> model, Lineage lineage, Ledger ledger) {
        Path target = finalDir();
        Path partial = dir.resolve(FINAL_PARTIAL);
        AtomicFiles.deleteTree(partial);
        model.accept(partial);
        try {
            writeJson(lineageFile(partial), lineage);
            writeJson(partial.resolve(LEDGER), ledger);
            AtomicFiles.deleteTree(target);
            Files.move(partial, target);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return target;
    }

    private static void writeJson(Path file, Object value) throws IOException {
        byte[] json = Json.FILE.writeValueAsBytes(value);
        AtomicFiles.write(file, out -> out.write(json));
    }
}

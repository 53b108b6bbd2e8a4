package dev.perennial.run;

import dev.perennial.UserError;
import dev.perennial.data.Ledger;
import dev.perennial.io.AtomicFiles;
import dev.perennial.io.Hashing;
import dev.perennial.io.Json;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.StandardOpenOption;
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
 * TensorBoard's events.out.tfevents.SECONDS.HOST (see {@link EventFile}),
 * checkpoints/step-NNNNNNNN/ (each a Hugging Face model folder plus optimizer.safetensors, ledger.json, state.json and
 * manifest.json with every file's SHA-256), and final/ (the model with lineage.json and ledger.json).
 * Checkpoints and final/ are built in a hidden partial folder and renamed into place, so a folder that exists is
 * complete; a checkpoint's checksums catch later damage. A run is finished when final/ holds its lineage.
 */
public final class RunFolder {

    private static final String CONFIG = "config.yaml";
    private static final String METRICS = "metrics.jsonl";
    /** TensorBoard reads the files whose names contain "tfevents"; this is the name tf.summary gives them. */
    private static final String EVENTS = "events.out.tfevents.";
    private static final String FINAL = "final";
    private static final String FINAL_PARTIAL = ".final.partial";
    private static final String CHECKPOINTS = "checkpoints";
    private static final String STATE = "state.json";
    private static final String MANIFEST = "manifest.json";
    private static final String OPTIMIZER = "optimizer.safetensors";
    private static final String LINEAGE = "lineage.json";
    private static final String LOCK = ".lock";
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

    /** The run that wrote model folder {@code dir} (its final/ or one of its checkpoints), if its config is there. */
    public static Optional<RunFolder> runOf(Path modelDir) {
        return holding(modelDir).filter(run -> Files.isRegularFile(run.resolve(CONFIG))).map(RunFolder::new);
    }

    /** The folder that holds model folder {@code dir} as a run's final/ or one of its checkpoints, by place alone. */
    public static Optional<Path> holding(Path modelDir) {
        Path dir = modelDir.toAbsolutePath().normalize();
        return Optional.ofNullable(isFinalModel(dir) ? dir.getParent()
                : isCheckpoint(dir) ? dir.getParent().getParent() : null);
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
        return readIfPresent(modelDir.resolve(LEDGER), Ledger.class, "data ledger");
    }

    /** The lineage a final model folder carries, if it is one a Perennial run wrote. */
    public static Optional<Lineage> lineageOf(Path modelDir) {
        return readIfPresent(lineageFile(modelDir), Lineage.class, "lineage");
    }

    /** The state a checkpoint folder recorded, if it is one of a Perennial run's checkpoints. */
    public static Optional<CheckpointState> stateOf(Path modelDir) {
        return isCheckpoint(modelDir) ? readIfPresent(stateFile(modelDir), CheckpointState.class, "checkpoint state")
                : Optional.empty();
    }

    private static <T> Optional<T> readIfPresent(Path file, Class<T> type, String what) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Json.MAPPER.readValue(file.toFile(), type));
        } catch (IOException e) {
            throw new UserError(file + ": unreadable " + what + " (" + e.getMessage() + ")", e);
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

    /** The event file a writer started at {@code seconds} (Unix time) on {@code host} writes. */
    public Path newEventFile(long seconds, String host) {
        return dir.resolve(EVENTS + seconds + "." + host);
    }

    /** The folder's TensorBoard event files. */
    public List<Path> eventFiles() {
        try (Stream<Path> paths = Files.list(dir)) {
            return paths.filter(p -> p.getFileName().toString().startsWith(EVENTS)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path finalDir() {
        return dir.resolve(FINAL);
    }

    public Path checkpointsDir() {
        return dir.resolve(CHECKPOINTS);
    }

    /**
     * Claims the folder for one trainer until the lock is closed: a second trainer on the same out: folder is
     * refused instead of interleaving metrics lines with the first. The operating system releases the lock when
     * the holding process dies, so a killed run leaves no stale lock; the file keeps the holder's pid for messages.
     */
    public Lock lock() {
        Path file = dir.resolve(LOCK);
        FileChannel channel = null;
        try {
            Files.createDirectories(dir);
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            if (tryLock(channel) == null) {
                String holder = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).strip();
                throw new UserError(dir + " is being trained by another process" + (holder.isEmpty() ? ""
                        : " (pid " + holder + ")") + "; wait for it to finish or stop it, or train into another "
                        + "out: folder");
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(Long.toString(ProcessHandle.current().pid()).getBytes(StandardCharsets.UTF_8)));
            return new Lock(channel);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new UserError("could not lock " + file + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    /** A held claim on the folder; closing it releases the claim. */
    public static final class Lock implements AutoCloseable {
        private final FileChannel channel;

        private Lock(FileChannel channel) {
            this.channel = channel;
        }

        /** No claim, for the workers of a distributed run, which write nothing into the folder. */
        public static Lock none() {
            return new Lock(null);
        }

        @Override
        public void close() {
            closeQuietly(channel); // closing the channel releases its lock
        }
    }

    /** The lock, or null when another process (or another trainer in this one) holds it. */
    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            return null;
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            if (channel != null) {
                channel.close();
            }
        } catch (IOException e) {
            // the descriptor is gone either way, and with it any lock it held
        }
    }

    /** Whether the run has written its final model. */
    public boolean isFinished() {
        return Files.isRegularFile(lineageFile(finalDir()));
    }

    /** Checkpoints a stopped run left half-written (never used: their step is trained again), oldest first. */
    public List<Path> partialCheckpoints() {
        return inCheckpoints("\\.step-\\d+\\.partial");
    }

    /** Checkpoint folders, oldest first. */
    public List<Path> checkpoints() {
        return inCheckpoints("step-\\d+");
    }

    /** The entries of checkpoints/ whose names match {@code pattern}, sorted (by step: the numbers are padded). */
    private List<Path> inCheckpoints(String pattern) {
        if (!Files.isDirectory(checkpointsDir())) {
            return List.of();
        }
        try (Stream<Path> paths = Files.list(checkpointsDir())) {
            return paths.filter(p -> p.getFileName().toString().matches(pattern)).sorted().toList();
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
        Path partial = checkpointsDir().resolve("." + name + ".partial"); // as partialCheckpoints() finds them
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

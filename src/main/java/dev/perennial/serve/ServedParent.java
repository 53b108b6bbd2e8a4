package dev.perennial.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.UserError;
import dev.perennial.io.Json;
import dev.perennial.run.CheckpointState;
import dev.perennial.run.Lineage;
import dev.perennial.run.RunFolder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The model a run continued from, found among what is served: {@code path} as the run recorded it, the served
 * model of that folder ({@code model}, null when it is not served), the run that wrote it ({@code run}, null when
 * it is not a served run's final/ or checkpoint) and that run's global step at the model ({@code step}), where the
 * continued run's curves take over.
 */
record ServedParent(String path, String model, String run, Long step) {

    /**
     * The parent of a run: lineage.json's parent once the run has finished, before that the init model of the
     * config.yaml the trainer wrote into the folder (already resolved by the trainer). Empty for a run from scratch.
     */
    static Optional<ServedParent> ofRun(Catalog catalog, Path runDir) {
        RunFolder run = new RunFolder(runDir);
        Optional<String> path = run.isFinished() ? lineage(run.finalDir()).map(Lineage::parent)
                : initOf(run.configFile());
        return path.map(p -> locate(catalog, p));
    }

    /** The parent of a final model folder, from its lineage.json; empty for any other folder or from scratch. */
    static Optional<ServedParent> ofModel(Catalog catalog, Path modelDir) {
        return lineage(modelDir).map(Lineage::parent).map(p -> locate(catalog, p));
    }

    ObjectNode json() {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("path", path);
        out.put("model", model);
        out.put("run", run);
        out.put("step", step);
        return out;
    }

    private static ServedParent locate(Catalog catalog, String path) {
        Optional<Path> dir = folder(path);
        String model = dir.flatMap(d -> named(catalog, Catalog.Kind.MODEL, d)).orElse(null);
        Optional<Path> runDir = dir.flatMap(RunFolder::holding);
        String run = runDir.flatMap(d -> named(catalog, Catalog.Kind.RUN, d)).orElse(null);
        Long step = run == null ? null : dir.flatMap(ServedParent::stepAt).orElse(null);
        return new ServedParent(path, model, run, step);
    }

    /** The folder a recorded parent names, when it is one on this machine (a Hub id is not). */
    private static Optional<Path> folder(String path) {
        try {
            Path dir = Path.of(path);
            return dir.isAbsolute() && Files.isDirectory(dir) ? Optional.of(dir) : Optional.empty();
        } catch (InvalidPathException e) {
            return Optional.empty();
        }
    }

    /** The writing run's global step at model folder {@code dir}: all its stages for final/, state.json else. */
    private static Optional<Long> stepAt(Path dir) {
        if (RunFolder.isFinalModel(dir)) {
            return lineage(dir).map(l -> l.stages().stream().mapToLong(Lineage.Stage::steps).sum());
        }
        return tolerant(() -> RunFolder.stateOf(dir)).map(CheckpointState::globalStep);
    }

    private static Optional<String> named(Catalog catalog, Catalog.Kind kind, Path dir) {
        return catalog.all(kind).stream().filter(e -> sameFolder(e.dir(), dir)).map(Catalog.Entry::name)
                .findFirst();
    }

    private static boolean sameFolder(Path a, Path b) {
        try {
            return Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }

    private static Optional<Lineage> lineage(Path modelDir) {
        return tolerant(() -> RunFolder.lineageOf(modelDir));
    }

    /** What a folder records, or empty when it is unreadable: a broken folder must not break the served pages. */
    private static <T> Optional<T> tolerant(Supplier<Optional<T>> read) {
        try {
            return read.get();
        } catch (UserError e) {
            return Optional.empty();
        }
    }

    /** config.yaml's model.init, the model a run that has not finished yet continues from. */
    private static Optional<String> initOf(Path config) {
        if (!Files.isRegularFile(config)) {
            return Optional.empty();
        }
        try {
            JsonNode init = Json.YAML.readTree(config.toFile()).path("model").path("init");
            return init.isTextual() ? Optional.of(init.asText()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}

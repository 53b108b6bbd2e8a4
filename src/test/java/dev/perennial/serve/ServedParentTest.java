package dev.perennial.serve;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The parent of a run that has not finished yet (no lineage.json): found from the init model of the config.yaml in
 * its folder, located among the served models and runs.
 */
class ServedParentTest {

    @TempDir
    Path dir;

    @Test
    void aRunningRunContinuingFromAnotherRunsCheckpointNamesThatRunAndStep() throws IOException {
        Path checkpoint = modelFolder(dir.resolve("runs/earlier/checkpoints/step-00000007"));
        Files.writeString(checkpoint.resolve("state.json"), "{\"global_step\": 7, \"stage\": 0}");
        Files.writeString(dir.resolve("runs/earlier/metrics.jsonl"), "");
        Path run = running(dir.resolve("runs/later"), checkpoint.toString());

        ServedParent parent = ServedParent.ofRun(catalog(), run).orElseThrow();

        assertThat(parent).isEqualTo(new ServedParent(checkpoint.toString(), "earlier/checkpoints/step-00000007",
                "earlier", 7L));
    }

    @Test
    void aParentOutsideAnyRunIsNamedAsAModelOnly() throws IOException {
        Path model = modelFolder(dir.resolve("models/base"));
        Path run = running(dir.resolve("runs/later"), model.toString());

        assertThat(ServedParent.ofRun(catalog(), run)).contains(new ServedParent(model.toString(), "base", null, null));
    }

    @Test
    void aHubParentOrNoneAtAll() throws IOException {
        Files.createDirectories(dir.resolve("models"));
        Path hub = running(dir.resolve("runs/hub"), "EleutherAI/pythia-14m");
        Path scratch = Files.createDirectories(dir.resolve("runs/scratch"));
        Files.writeString(scratch.resolve("metrics.jsonl"), "");
        Files.writeString(scratch.resolve("config.yaml"), "model:\n  config: {model_type: llama}\n");

        assertThat(ServedParent.ofRun(catalog(), hub)).contains(new ServedParent("EleutherAI/pythia-14m", null, null,
                null));
        assertThat(ServedParent.ofRun(catalog(), scratch)).isEmpty();
    }

    private Catalog catalog() {
        return new Catalog(List.of(dir.resolve("runs")), List.of(dir.resolve("models")));
    }

    /** A folder the catalog takes for a model (its files need not load). */
    private static Path modelFolder(Path folder) throws IOException {
        Files.createDirectories(folder);
        Files.writeString(folder.resolve("config.json"), "{\"model_type\": \"llama\"}");
        Files.write(folder.resolve("model.safetensors"), new byte[0]);
        return folder;
    }

    /** A run that has begun (metrics, config.yaml as the trainer writes it) and has no final model yet. */
    private static Path running(Path run, String init) throws IOException {
        Files.createDirectories(run);
        Files.writeString(run.resolve("metrics.jsonl"), "");
        Files.writeString(run.resolve("config.yaml"), "seed: 1\nmodel:\n  init: \"" + init + "\"\n");
        return run;
    }
}

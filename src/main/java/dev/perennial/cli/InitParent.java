package dev.perennial.cli;

import dev.perennial.UserError;
import dev.perennial.config.ConfigLoader;
import dev.perennial.config.KeyPath;
import dev.perennial.config.RunConfig;
import dev.perennial.config.StageRules;
import dev.perennial.data.Corpus;
import dev.perennial.data.Ledger;
import dev.perennial.model.ModelConfig;
import dev.perennial.model.ModelConfigs;
import dev.perennial.run.RunFolder;
import dev.perennial.schedule.RunSchedule;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What {@code perennial init} learns about the model to continue from: its architecture, the data ledger it
 * carries (what it read), and, when it is a run's final/ or checkpoint, that run's config (how it was trained,
 * and where the corpora it read are).
 */
record InitParent(Path dir, ModelConfig config, Optional<Ledger> ledger, Optional<RunConfig> run, Path runBase,
                   Optional<RunSchedule> schedule) {

    static InitParent open(Path from) {
        Path dir = from.toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            throw new UserError("--from " + from + ": no such model folder; give a trained model folder (a run's "
                    + "final/ or one of its checkpoints)");
        }
        if (!Files.isRegularFile(dir.resolve("config.json"))) {
            throw new UserError("--from " + from + ": not a model folder (no config.json); give a trained model folder "
                    + "(a run's final/ or one of its checkpoints)");
        }
        ModelConfig config = ModelConfigs.read(dir.resolve("config.json"));
        Optional<RunFolder> runFolder = RunFolder.runOf(dir);
        Optional<RunConfig> run = runFolder.map(r -> ConfigLoader.load(r.configFile()));
        Path base = runFolder.map(r -> base(r.dir(), run.get().out())).orElse(dir);
        Optional<RunSchedule> schedule = runFolder.map(r -> StageRules.runSchedule(run.get(), KeyPath.root(),
                r.configFile().toString()));
        return new InitParent(dir, config, RunFolder.ledgerOf(dir), run, base, schedule);
    }

    /**
     * The folder the run's config took its relative paths from: the run folder minus its {@code out:} as written
     * ({@code /work/runs/demo} with {@code out: runs/demo} gives {@code /work}), else the run folder's parent.
     */
    private static Path base(Path runDir, String out) {
        Path written = out == null ? null : Path.of(out).normalize();
        Path dir = runDir.toAbsolutePath().normalize();
        if (written != null && !written.isAbsolute() && written.getNameCount() < dir.getNameCount()
                && dir.endsWith(written)) {
            return dir.getRoot().resolve(dir.subpath(0, dir.getNameCount() - written.getNameCount()));
        }
        return dir.getParent();
    }

    /** The corpora the model read as new data, by name (sorted), with what its ledger counts of each. */
    Map<String, Ledger.Entry> corporaRead() {
        Map<String, Ledger.Entry> read = new TreeMap<>();
        ledger.ifPresent(l -> l.corpora().forEach((name, entry) -> {
            if (entry.consumed() > 0) {
                read.put(name, entry);
            }
        }));
        return read;
    }

    /** Where the parent's run found corpus {@code name}, if its config says and the folder holds that very corpus. */
    Optional<Path> corpusFolder(String name, String hash) {
        String written = run.flatMap(r -> Optional.ofNullable(r.corpora()).map(c -> c.get(name))).orElse(null);
        if (written == null) {
            return Optional.empty();
        }
        Path folder = runBase.resolve(written).normalize();
        if (!Files.isRegularFile(folder.resolve("metadata.json"))) {
            return Optional.empty();
        }
        try (Corpus corpus = Corpus.open(folder)) {
            return corpus.hash().equals(hash) ? Optional.of(folder) : Optional.empty();
        }
    }

    /** The highest peak learning rate of the parent's stages: the η_max it was pre-trained with. */
    Optional<Double> peakLr() {
        return schedule.map(s -> s.stages().stream().mapToDouble(p -> p.stage().schedule().maxLr()).max()
                .orElseThrow());
    }

    /** The last stage of the parent's run, as scheduled. */
    Optional<RunSchedule.Placed> lastStage() {
        return schedule.map(s -> s.stages().getLast());
    }

    /** Where the parent's run is described, for comments: its config file. */
    String runConfigFile() {
        return RunFolder.runOf(dir).map(r -> r.configFile().toString()).orElse("(none)");
    }
}

package dev.perennial.train;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.perennial.UserError;
import dev.perennial.config.ConfigLoader;
import dev.perennial.config.KeyPath;
import dev.perennial.config.Problems;
import dev.perennial.config.RunConfig;
import dev.perennial.config.ScheduleConfig;
import dev.perennial.config.StageConfig;
import dev.perennial.config.StageRules;
import dev.perennial.data.Ledger;
import dev.perennial.hub.HubModels;
import dev.perennial.io.Json;
import dev.perennial.run.CheckpointState;
import dev.perennial.run.Lineage;
import dev.perennial.run.RunFolder;
import dev.perennial.schedule.RunSchedule;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The model a run continues from ({@code model.init}), as far as the run depends on it: the data ledger it carries
 * (what it read, which replay draws from and forgetting is measured on) and the learning rate its own schedule ended
 * at (where a re-warm starts from). {@code train} and the previews ({@code mixture}, {@code schedule}) read it here.
 */
public record ParentModel(Path folder) {

    /** The ledger of the folder, or an empty one when the model carries none (a Hub model, a fresh folder). */
    public Ledger ledger(int seqLen) {
        return RunFolder.ledgerOf(folder).orElseGet(() -> Ledger.empty(seqLen));
    }

    /** Whether the folder carries a data ledger (a Perennial run's final model or checkpoint). */
    public boolean hasLedger() {
        return RunFolder.ledgerOf(folder).isPresent();
    }

    /**
     * The learning rate the parent's schedule ended at: for a run's final model, the end of the last stage its
     * lineage records; for a checkpoint, its run's schedule at the checkpoint's step. Empty for any other folder.
     */
    public OptionalDouble lastLr() {
        Optional<Lineage> lineage = RunFolder.lineageOf(folder);
        if (lineage.isPresent()) {
            RunSchedule schedule = scheduleOf(lineage.get(), RunFolder.lineageFile(folder).toString());
            return OptionalDouble.of(schedule.lr(schedule.totalSteps()));
        }
        Optional<CheckpointState> state = RunFolder.stateOf(folder);
        Optional<RunFolder> run = RunFolder.runOf(folder);
        if (state.isPresent() && run.isPresent()) {
            Path config = run.get().configFile();
            RunSchedule schedule = StageRules.runSchedule(ConfigLoader.load(config), KeyPath.root(), config.toString());
            return OptionalDouble.of(schedule.lr(Math.min(state.get().globalStep(), schedule.totalSteps())));
        }
        return OptionalDouble.empty();
    }

    /** The schedule of the stages a lineage records, with the lengths they were trained for. */
    private static RunSchedule scheduleOf(Lineage lineage, String source) {
        List<StageConfig> stages = new ArrayList<>();
        for (Lineage.Stage stage : lineage.stages()) {
            ScheduleConfig schedule;
            try {
                schedule = Json.YAML.treeToValue(stage.schedule(), ScheduleConfig.class);
            } catch (JsonProcessingException | IllegalArgumentException e) {
                throw new UserError(source + ": stage " + stage.name() + " has a schedule this version cannot read ("
                        + e.getMessage().lines().findFirst().orElse("") + ")", e);
            }
            stages.add(StageConfig.scheduleOnly(stage.name(), (double) stage.steps(), null, schedule));
        }
        return StageRules.runSchedule(stages, 0, KeyPath.root(), source, new Problems());
    }

    /**
     * The parent a preview reads for {@code config} (file {@code source}, whose relative paths start at its folder):
     * model.init's local
     * folder as train finds it. A Hub model is not fetched: a Hub download carries no ledger.json or lineage.json, so
     * it is previewed as a model that read nothing this run can replay, with a note. Empty without model.init.
     */
    public static Optional<ParentModel> forPreview(RunConfig config, Path source, List<String> notes) {
        String written = config.model() == null ? null : config.model().init();
        if (written == null) {
            return Optional.empty();
        }
        Path local = source.toAbsolutePath().getParent().resolve(written);
        if (Files.isDirectory(local)) {
            return Optional.of(new ParentModel(local));
        }
        if (HubModels.parse(written).isPresent()) {
            notes.add("note: model.init " + written + " is a Hub model, which carries no ledger or lineage: it read "
                    + "nothing this run can replay, and the learning rate it ended at is unknown");
            return Optional.empty();
        }
        throw new UserError(source + ": model.init: " + local + " is not a folder; give the model folder to continue from (a "
                + "run's final/ or one of its checkpoints)");
    }
}

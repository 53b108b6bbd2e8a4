package dev.perennial.train;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.checkpoint.ModelFolder;
import dev.perennial.data.DataPlan;
import dev.perennial.data.Ledger;
import dev.perennial.io.Hashing;
import dev.perennial.model.Model;
import dev.perennial.run.CheckpointState;
import dev.perennial.run.Lineage;
import dev.perennial.run.RunFolder;
import dev.perennial.schedule.RunSchedule;
import org.bytedeco.javacpp.PointerScope;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * When and what a run saves: a checkpoint every checkpoint interval, at the end of each stage and when the run is
 * stopped (the model, the optimizer, and where training stands), and at the end the final model with its lineage
 * and data ledger. Only rank 0 writes.
 */
final class Checkpointer {

    private final TrainPlan plan;
    private final RunFolder run;
    private final boolean writes;
    private final Model model;
    private final DataPlan data;
    private final InputHashes hashes;
    private final Recorder recorder;
    private final NonfiniteGuard nonfinite;

    Checkpointer(TrainPlan plan, RunFolder run, Distributed dist, Model model, DataPlan data, InputHashes hashes,
                 Recorder recorder, NonfiniteGuard nonfinite) {
        this.plan = plan;
        this.run = run;
        this.writes = dist.leads();
        this.model = model;
        this.data = data;
        this.hashes = hashes;
        this.recorder = recorder;
        this.nonfinite = nonfinite;
    }

    /** After {@code stageStep} steps of the stage: saves a checkpoint when one is due. */
    void maybeSave(RunSchedule.Placed placed, long stageStep, boolean stopping, TrainStep optimizer) {
        boolean due = stageStep % plan.checkpoints().interval() == 0 || stageStep == placed.stage().steps() || stopping;
        if (due) {
            try (PointerScope scope = new PointerScope()) {
                OptimizerState state = optimizer.state(); // on every rank: a sharded optimizer gathers its shards
                if (writes) {
                    save(placed, stageStep, state);
                }
            }
        }
    }

    private void save(RunSchedule.Placed placed, long stageStep, OptimizerState optimizer) {
        long global = (long) placed.offset() + stageStep;
        Ledger ledger = data.stages().get(placed.index()).ledgerAfter(stageStep);
        CheckpointState state = new CheckpointState(global, placed.index(), stageStep, recorder.bytes(),
                nonfinite.streak(), nonfinite.total(), recorder.stageStartLosses(), ledger, hashes.tokenizer(),
                hashes.corpora());
        run.writeCheckpoint(global, state, dir -> ModelFolder.save(model, tokenizerSpec(), dir,
                ModelFolder.DEFAULT_SHARD_BYTES, "Checkpoint at step " + global + " (stage " + placed.stage().name()
                        + ", step " + stageStep + ") of the Perennial run in " + run.dir() + "."),
                optimizer::write, plan.checkpoints().keep());
    }

    /** Writes final/ (on rank 0) and returns it. */
    Path writeFinal() {
        if (!writes) {
            return run.finalDir();
        }
        Lineage lineage = lineage();
        return run.writeFinal(dir -> ModelFolder.save(model, tokenizerSpec(), dir, ModelFolder.DEFAULT_SHARD_BYTES,
                lineage.story()), lineage, data.ledgerAt(plan.mixtures().size()));
    }

    /** The tokenizer saved with the model: the config's, or that of the model the run continues from. */
    String tokenizerSpec() {
        return plan.tokenizer() != null ? plan.tokenizer() : plan.init().toString();
    }

    private Lineage lineage() {
        List<Lineage.Stage> stages = new ArrayList<>();
        JsonNode configStages = plan.loaded().tree().path("stages");
        for (RunSchedule.Placed p : plan.schedule().stages()) {
            JsonNode stage = configStages.get(p.index());
            stages.add(new Lineage.Stage(p.stage().name(), p.stage().steps(),
                    plan.tokensAfter(p.stage().steps()), stage.path("schedule"),
                    stage.path("data"), plan.mixtures().get(p.index()).replay()));
        }
        Ledger ledger = data.ledgerAt(stages.size());
        Map<String, Long> consumed = new LinkedHashMap<>();
        Map<String, Long> replayed = new LinkedHashMap<>();
        ledger.corpora().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            consumed.put(e.getKey(), e.getValue().consumed() * plan.seqLen());
            replayed.put(e.getKey(), e.getValue().replayed() * plan.seqLen());
        });
        return new Lineage(plan.init() == null ? null : plan.init().toString(), parentHash(plan.init()), plan.seed(),
                plan.seqLen(), plan.globalBatch(), hashes.tokenizer(), hashes.corpora(), stages, consumed, replayed);
    }

    private static String parentHash(Path init) {
        if (init == null) {
            return null;
        }
        Path single = init.resolve("model.safetensors");
        Path index = init.resolve("model.safetensors.index.json");
        return Files.isRegularFile(single) ? Hashing.sha256(single)
                : Files.isRegularFile(index) ? Hashing.sha256(index) : null;
    }
}

package dev.perennial.train;

import dev.perennial.data.Accounting;
import dev.perennial.data.StageMixture;
import dev.perennial.run.CheckpointState;
import dev.perennial.run.EventFile;
import dev.perennial.run.MetricsFile;
import dev.perennial.run.MetricsRecord;
import dev.perennial.schedule.RunSchedule;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a run records in metrics.jsonl, and when: a record per step, and an evaluation at the start of each stage,
 * every eval interval and at the end of each stage, with each loss's change since the stage's start (kept here,
 * and in checkpoints, as the baseline of forgetting and adaptation). Each record also goes to TensorBoard's event
 * file, a second sink fed from the same records. Only rank 0 has files to write to.
 */
final class Recorder {

    private final TrainPlan plan;
    private final MetricsFile.Writer metrics;
    private final EventFile.Writer events;
    private Map<String, Double> stageStart = new LinkedHashMap<>();

    /** {@code metrics} and {@code events} are null on the ranks other than 0, which record nothing. */
    Recorder(TrainPlan plan, MetricsFile.Writer metrics, EventFile.Writer events) {
        this.plan = plan;
        this.metrics = metrics;
        this.events = events;
    }

    /** Continues from a checkpoint: the stage's baseline losses as they were. */
    void resume(CheckpointState state) {
        stageStart = new LinkedHashMap<>(state.stageStartLosses());
    }

    Map<String, Double> stageStartLosses() {
        return stageStart;
    }

    /** The bytes of metrics.jsonl written so far (what a checkpoint cuts a resumed run's file back to). */
    long bytes() {
        return metrics.bytes();
    }

    /** Whether an evaluation is due after {@code done} of the stage's {@code steps} steps. */
    boolean evalDue(long done, long steps) {
        return plan.eval().due(done, steps);
    }

    /** Records step {@code n} (0-based) of the stage. */
    MetricsRecord.Step step(RunSchedule.Placed placed, StageMixture mixture, long n, double lr,
                            TrainStep.Result result, double seconds) {
        long global = (long) placed.offset() + n;
        Map<String, Long> consumed = new LinkedHashMap<>();
        Map<String, Long> replayed = new LinkedHashMap<>();
        for (Accounting.Row row : mixture.accounting(n + 1).rows()) {
            (row.replay() ? replayed : consumed).merge(row.corpus(), row.tokens(), Long::sum);
        }
        MetricsRecord.Step record = new MetricsRecord.Step(global + 1, placed.stage().name(), n + 1,
                plan.tokensAfter(global + 1), lr, result.loss(), result.gradNorm(),
                !result.applied(), plan.globalBatch() * (double) plan.seqLen() / seconds, consumed, replayed);
        write(record);
        return record;
    }

    /**
     * Records an evaluation after {@code stageStep} steps of the stage; at step 0 its losses become the stage's
     * baseline. {@code tasks} is empty when the run scores no tasks.
     */
    MetricsRecord.Eval eval(RunSchedule.Placed placed, long stageStep, Map<String, Double> losses,
                            Map<String, Double> stderr, Map<String, Map<String, Double>> tasks) {
        if (stageStep == 0) {
            stageStart = losses;
        }
        Map<String, Double> delta = new LinkedHashMap<>();
        losses.forEach((name, loss) -> delta.put(name, loss - stageStart.getOrDefault(name, loss)));
        MetricsRecord.Eval record = new MetricsRecord.Eval((long) placed.offset() + stageStep, placed.stage().name(),
                stageStep, losses, delta, tasks.isEmpty() ? null : tasks, stderr);
        write(record);
        return record;
    }

    private void write(MetricsRecord record) {
        if (metrics != null) {
            metrics.write(record);
            events.write(record);
        }
    }
}

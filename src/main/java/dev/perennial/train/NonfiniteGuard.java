package dev.perennial.train;

import dev.perennial.UserError;
import dev.perennial.run.CheckpointState;

import java.util.Locale;

/**
 * Counts steps skipped for a non-finite loss or gradient, and stops the run when too many come in a row (the
 * counts survive a resume, through the checkpoint).
 */
final class NonfiniteGuard {

    private final int limit;
    private int streak;
    private long total;

    NonfiniteGuard(int limit) {
        this.limit = limit;
    }

    void resume(CheckpointState state) {
        streak = state.nonfiniteStreak();
        total = state.nonfiniteTotal();
    }

    int streak() {
        return streak;
    }

    long total() {
        return total;
    }

    /** Counts the step that ended at global step {@code step}; refuses to go on after {@code limit} in a row. */
    void count(TrainStep.Result result, long step) {
        if (result.applied()) {
            streak = 0;
            return;
        }
        streak++;
        total++;
        if (streak >= limit) {
            throw new UserError(String.format(Locale.ROOT, "training stopped: %d steps in a row had a "
                            + "non-finite loss or gradient (step %d: loss %s, gradient norm %s); lower the "
                            + "learning rate, or check the data", streak, step, result.loss(),
                    result.gradNorm()));
        }
    }
}

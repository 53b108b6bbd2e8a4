package dev.perennial.config;

import java.util.List;

/**
 * One entry of {@code stages:}: a name, a length in optimizer steps or in tokens (one of the two), a schedule,
 * and its data: the new corpora with weights, and the share of replay from earlier stages.
 */
public record StageConfig(String name, Double steps, Double tokens, ScheduleConfig schedule, List<DataEntry> data,
                          Double replay, String replayFrom, String onExhausted, Boolean resetOptimizer) {

    /** A corpus (by its name under {@code corpora:}) and its weight among the stage's new data. */
    public record DataEntry(String corpus, Double weight) {
    }

    /** A stage with only a length and a schedule, as the schedule preview's flags describe one. */
    public static StageConfig scheduleOnly(String name, Double steps, Double tokens, ScheduleConfig schedule) {
        return new StageConfig(name, steps, tokens, schedule, null, null, null, null, null);
    }
}

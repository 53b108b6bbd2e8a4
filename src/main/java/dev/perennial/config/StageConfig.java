package dev.perennial.config;

/** One entry of {@code stages:}: a name, a length in optimizer steps or in tokens (one of the two), a schedule. */
public record StageConfig(String name, Double steps, Double tokens, ScheduleConfig schedule) {
}

package dev.perennial.config;

import dev.perennial.schedule.RunSchedule;
import dev.perennial.schedule.Schedule;
import dev.perennial.schedule.StageSchedule;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Checks a run's stages (names, lengths in steps or tokens, schedules) and lays them out as a {@link RunSchedule}. */
public final class StageRules {

    private StageRules() {
    }

    /**
     * The run's schedule, or a {@link dev.perennial.UserError} listing every problem, each prefixed by
     * {@code source} (the config file, or empty for flags).
     */
    public static RunSchedule runSchedule(RunConfig config, KeyPath at, String source) {
        Problems problems = new Problems();
        long tokensPerStep = tokensPerStep(config, at, problems);
        return runSchedule(config.stages(), tokensPerStep, at, source, problems);
    }

    /** As {@link #runSchedule(RunConfig, KeyPath, String)}, for stages whose tokens per step are known (0: not). */
    public static RunSchedule runSchedule(List<StageConfig> stages, long tokensPerStep, KeyPath at, String source,
                                          Problems problems) {
        if (stages == null || stages.isEmpty()) {
            problems.add(at.key("stages"), "missing; a run needs at least one stage, each with steps (or tokens) "
                    + "and a schedule");
        }
        List<StageSchedule> resolved = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; stages != null && i < stages.size(); i++) {
            KeyPath stageAt = at.key("stages").index(i);
            StageConfig stage = stages.get(i);
            if (stage == null) {
                problems.add(stageAt, "empty; a stage needs steps (or tokens) and a schedule");
                continue;
            }
            String name = stage.name() != null ? stage.name() : "stage" + (i + 1);
            if (name.isBlank() || !names.add(name)) {
                problems.add(stageAt.key("name"), "'" + name + "' " + (name.isBlank() ? "is blank" : "is used twice")
                        + "; give every stage its own name");
            }
            Optional<Long> steps = length(stage, tokensPerStep, stageAt, problems);
            Optional<Schedule> schedule = Optional.empty();
            if (stage.schedule() == null) {
                problems.add(stageAt.key("schedule"), "missing; give the stage a schedule with at least a family");
            } else {
                schedule = ScheduleRules.resolve(stage.schedule(), steps, tokensPerStep, stageAt.key("schedule"),
                        i == 0, problems);
            }
            if (steps.isPresent() && schedule.isPresent()) {
                resolved.add(new StageSchedule(name, steps.get(), tokensPerStep, schedule.get()));
            }
        }
        problems.throwIfAny(source);
        return new RunSchedule(resolved);
    }

    private static long tokensPerStep(RunConfig config, KeyPath at, Problems problems) {
        boolean ok = true;
        if (config.seqLen() != null) {
            ok = problems.wholeFromOneTo(at.key("seq_len"), config.seqLen(), Integer.MAX_VALUE, "tokens per sequence");
        }
        if (config.globalBatch() != null) {
            ok &= problems.wholeFromOneTo(at.key("global_batch"), config.globalBatch(), Integer.MAX_VALUE,
                    "sequences per optimizer step");
        }
        if (!ok || config.seqLen() == null || config.globalBatch() == null) {
            return 0;
        }
        return Math.multiplyExact(config.seqLen(), config.globalBatch());
    }

    /** The stage's length in steps: given as steps, or as tokens rounded up to whole steps. */
    private static Optional<Long> length(StageConfig stage, long tokensPerStep, KeyPath at, Problems problems) {
        if ((stage.steps() == null) == (stage.tokens() == null)) {
            problems.add(at, (stage.steps() == null ? "no length" : "both steps and tokens")
                    + "; give exactly one of steps (optimizer steps) or tokens (converted with seq_len × global_batch)");
            return Optional.empty();
        }
        if (stage.steps() != null) {
            return problems.wholeAtLeastOne(at.key("steps"), stage.steps(), "optimizer steps in the stage")
                    ? Optional.of(stage.steps().longValue()) : Optional.empty();
        }
        if (!problems.wholeAtLeastOne(at.key("tokens"), stage.tokens(), "tokens in the stage")) {
            return Optional.empty();
        }
        if (tokensPerStep == 0) {
            problems.add(at.key("tokens"), "needs tokens per step to become steps; set seq_len and global_batch");
            return Optional.empty();
        }
        return Optional.of((long) Math.ceil(stage.tokens() / tokensPerStep));
    }
}

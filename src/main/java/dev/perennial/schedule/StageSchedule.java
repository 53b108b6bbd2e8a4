package dev.perennial.schedule;

/**
 * One stage of a run as the schedule sees it: its name, its length in optimizer steps, and its schedule.
 * {@code tokensPerStep} is 0 when the run does not say how many tokens a step reads.
 */
public record StageSchedule(String name, long steps, long tokensPerStep, Schedule schedule) {

    public StageSchedule {
        if (steps < 1) {
            throw new IllegalArgumentException("stage " + name + " has " + steps + " steps");
        }
    }
}

package dev.perennial.schedule;

import dev.perennial.Choice;

/**
 * Where a stage's warmup starts: at zero (the first stage, and the paper's re-warming), or at the learning rate
 * the previous stage ended with (its floor η_min, for a cosine stage).
 */
public enum WarmupStart implements Choice {
    ZERO("zero"),
    PREVIOUS("previous");

    private final String id;

    WarmupStart(String id) {
        this.id = id;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String toString() {
        return id;
    }
}

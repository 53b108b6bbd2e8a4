package dev.perennial.schedule;

/**
 * One phase of a stage's schedule: steps {@code (start, end]} of the stage (the first segment also owns its
 * start), a phase name for people and a {@link Shape} for the numbers.
 */
public record Segment(String phase, double start, double end, Shape shape) {

    public Segment {
        if (!(end > start)) {
            throw new IllegalArgumentException("segment " + phase + " is empty: (" + start + ", " + end + "]");
        }
    }

    public double lr(double n) {
        return shape.at(n, start, end);
    }

    public double startLr() {
        return lr(start);
    }

    public double endLr() {
        return lr(end);
    }
}

package dev.perennial.schedule;

import java.util.ArrayList;
import java.util.List;

/**
 * The learning rate of one stage over its steps {@code [0, T]}: consecutive {@link Segment}s. Step {@code n}
 * belongs to the first segment whose end is at or after it, so boundaries follow docs/architecture.md ("n ≤ W" is
 * warmup, "W < n ≤ T" is the decay). Past {@code T} the final value holds.
 */
public record LrCurve(List<Segment> segments) {

    public LrCurve {
        segments = List.copyOf(segments);
        if (segments.isEmpty()) {
            throw new IllegalArgumentException("a schedule needs at least one phase");
        }
        for (int i = 1; i < segments.size(); i++) {
            if (segments.get(i).start() != segments.get(i - 1).end()) {
                throw new IllegalArgumentException("phases must be contiguous: " + segments);
            }
        }
    }

    public double totalSteps() {
        return segments.getLast().end();
    }

    public double lr(double n) {
        return segmentAt(n).lr(Math.min(Math.max(n, 0), totalSteps()));
    }

    public String phase(double n) {
        return segmentAt(n).phase();
    }

    public double startLr() {
        return segments.getFirst().startLr();
    }

    public double endLr() {
        return segments.getLast().endLr();
    }

    public Segment segmentAt(double n) {
        for (Segment segment : segments) {
            if (n <= segment.end()) {
                return segment;
            }
        }
        return segments.getLast();
    }

    /** Every place inside the stage where one phase ends at another value than the next one starts. */
    public List<Jump> internalJumps() {
        List<Jump> jumps = new ArrayList<>();
        for (int i = 1; i < segments.size(); i++) {
            Segment before = segments.get(i - 1);
            Segment after = segments.get(i);
            double from = before.endLr();
            double to = after.startLr();
            if (Jump.isJump(from, to)) {
                jumps.add(new Jump(before.end(), from, to, before.phase() + " → " + after.phase()));
            }
        }
        return jumps;
    }
}

package dev.perennial.schedule;

import java.util.ArrayList;
import java.util.List;

/** Lays phases end to end from step 0; a phase of zero length is left out, so it cannot own a step. */
final class CurveBuilder {

    private final List<Segment> segments = new ArrayList<>();
    private double end;

    CurveBuilder then(String phase, double length, Shape shape) {
        if (length > 0) {
            segments.add(new Segment(phase, end, end + length, shape));
            end += length;
        }
        return this;
    }

    /** The phase up to the stage's last step, whatever rounding the lengths before it carried. */
    CurveBuilder thenUntil(String phase, double totalSteps, Shape shape) {
        if (totalSteps > end) {
            segments.add(new Segment(phase, end, totalSteps, shape));
            end = totalSteps;
        }
        return this;
    }

    LrCurve build() {
        return new LrCurve(segments);
    }
}

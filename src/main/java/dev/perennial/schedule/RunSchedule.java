package dev.perennial.schedule;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The learning rate of a whole run: its stages one after another on a global step axis. Stage {@code i}
 * owns the global steps {@code [offset_i, offset_i + T_i)}; the end of the last stage belongs to it too.
 */
public final class RunSchedule {

    /** A stage placed on the run's step axis, with its resolved curve. */
    public record Placed(int index, StageSchedule stage, double offset, LrCurve curve) {

        public double end() {
            return offset + stage.steps();
        }
    }

    /** The learning rate at one global step, with where it comes from. */
    public record Point(double step, double stageStep, String stage, String phase, double lr, long tokens) {
    }

    private final List<Placed> stages;
    private final long tokensPerStep;

    public RunSchedule(List<StageSchedule> stages) {
        if (stages.isEmpty()) {
            throw new IllegalArgumentException("a run needs at least one stage");
        }
        List<Placed> placed = new ArrayList<>();
        double offset = 0;
        double previousEndLr = Double.NaN;
        for (StageSchedule stage : stages) {
            double warmupStart = switch (stage.schedule().warmupFrom()) {
                case ZERO -> 0;
                case PREVIOUS -> {
                    if (placed.isEmpty()) {
                        throw new IllegalArgumentException("the first stage has no previous stage to warm up from");
                    }
                    yield previousEndLr;
                }
            };
            LrCurve curve = stage.schedule().curve(stage.steps(), warmupStart);
            placed.add(new Placed(placed.size(), stage, offset, curve));
            offset += stage.steps();
            previousEndLr = curve.endLr();
        }
        this.stages = List.copyOf(placed);
        this.tokensPerStep = stages.getFirst().tokensPerStep();
    }

    public List<Placed> stages() {
        return stages;
    }

    public long totalSteps() {
        return stages.stream().mapToLong(p -> p.stage().steps()).sum();
    }

    /** Tokens read per optimizer step, or 0 when the run does not say. */
    public long tokensPerStep() {
        return tokensPerStep;
    }

    public Placed stageAt(double step) {
        for (Placed p : stages) {
            if (step < p.end()) {
                return p;
            }
        }
        return stages.getLast();
    }

    public double lr(double step) {
        checkInside(step);
        Placed p = stageAt(step);
        return p.curve().lr(step - p.offset());
    }

    public Point point(double step) {
        checkInside(step);
        Placed p = stageAt(step);
        return point(p, step - p.offset());
    }

    private void checkInside(double step) {
        if (!(step >= 0 && step <= totalSteps())) {
            throw new IllegalArgumentException("step " + step + " is outside the run's [0, " + totalSteps() + "]");
        }
    }

    /** The learning rate at step {@code n} of stage {@code p}; {@code n = T} is the stage's end, not the next stage. */
    private Point point(Placed p, double n) {
        double step = p.offset() + n;
        return new Point(step, n, p.stage().name(), p.curve().phase(n), p.curve().lr(n),
                Math.round(step * tokensPerStep));
    }

    /** Every discontinuity of the run: inside stages, and where one stage ends and the next begins. */
    public List<Jump> jumps() {
        List<Jump> jumps = new ArrayList<>();
        for (Placed p : stages) {
            if (p.index() > 0) {
                Placed before = stages.get(p.index() - 1);
                double from = before.curve().endLr();
                double to = p.curve().startLr();
                if (Jump.isJump(from, to)) {
                    jumps.add(new Jump(p.offset(), from, to,
                            "stage " + before.stage().name() + " → " + p.stage().name()));
                }
            }
            for (Jump inner : p.curve().internalJumps()) {
                jumps.add(inner.atOffset(p.offset(), "stage " + p.stage().name() + ": "));
            }
        }
        jumps.sort((a, b) -> Double.compare(a.step(), b.step()));
        return jumps;
    }

    /**
     * The discontinuity where the run starts, if it continues a model whose schedule ended at {@code lastLr}: from
     * there to the first stage's first learning rate (a re-warm from 0 shows as a drop to 0).
     */
    public Optional<Jump> jumpFrom(double lastLr, String where) {
        double to = stages.getFirst().curve().startLr();
        return Jump.isJump(lastLr, to) ? Optional.of(new Jump(0, lastLr, to, where)) : Optional.empty();
    }

    /**
     * Points to show a person, stage by stage: every phase boundary, {@code perStage - 1} evenly spaced steps in
     * between, and the stage's end. A stage boundary therefore shows both the end of one stage and the start of
     * the next, so a jump between them is visible in the table.
     */
    public List<Point> overview(int perStage) {
        List<Point> points = new ArrayList<>();
        for (Placed p : stages) {
            List<Double> steps = new ArrayList<>();
            for (Segment s : p.curve().segments()) {
                steps.add(s.start());
            }
            for (int i = 1; i < perStage; i++) {
                steps.add(Math.floor((double) p.stage().steps() * i / perStage));
            }
            steps.add((double) p.stage().steps());
            steps.stream().distinct().sorted().forEach(n -> points.add(point(p, n)));
        }
        return points;
    }

    /** The learning rate at every whole step {@code 0, 1, ..., totalSteps}. */
    public List<Point> everyStep() {
        List<Point> points = new ArrayList<>();
        for (long s = 0; s <= totalSteps(); s++) {
            points.add(point(s));
        }
        return points;
    }
}

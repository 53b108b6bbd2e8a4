package dev.perennial.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.perennial.config.Numbers;
import dev.perennial.io.Json;
import dev.perennial.schedule.Jump;
import dev.perennial.schedule.RunSchedule;
import dev.perennial.schedule.Segment;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/** The text forms of a schedule preview: a table for people, JSON for programs, and the jump report. */
final class ScheduleText {

    private ScheduleText() {
    }

    static void table(RunSchedule run, List<RunSchedule.Point> points, PrintWriter out) {
        long perStep = run.tokensPerStep();
        out.printf(Locale.ROOT, "Run: %d stage%s, %d steps%s%n", run.stages().size(),
                run.stages().size() == 1 ? "" : "s", run.totalSteps(),
                perStep > 0 ? String.format(Locale.ROOT, ", %,d tokens (%,d per step)", run.totalSteps() * perStep,
                        perStep) : "");
        for (RunSchedule.Placed p : run.stages()) {
            out.printf(Locale.ROOT, "%nstage %s: %s, %d steps (global steps %s to %s)%n", p.stage().name(),
                    p.stage().schedule().family(), p.stage().steps(), Numbers.format(p.offset()),
                    Numbers.format(p.end()));
            for (Segment s : p.curve().segments()) {
                out.printf(Locale.ROOT, "  %-9s steps %10s → %-10s lr %s → %s%n", s.phase(),
                        Numbers.format(s.start()), Numbers.format(s.end()), lr(s.startLr()), lr(s.endLr()));
            }
        }
        out.println();
        out.printf(Locale.ROOT, "%12s  %-12s %-9s %s%n", "step", "stage", "phase", "lr");
        for (RunSchedule.Point point : points) {
            out.printf(Locale.ROOT, "%12s  %-12s %-9s %s%n", Numbers.format(point.step()), point.stage(),
                    point.phase(), lr(point.lr()));
        }
    }

    /** The model a previewed run continues: model.init as written, and the learning rate it ended at if known. */
    record Parent(String model, OptionalDouble lastLr) {
    }

    /**
     * Every jump of the learning rate, starting with the one from the model the run continues ({@code parent}): from
     * the learning rate its schedule ended at to this run's first.
     */
    static void jumps(RunSchedule run, Optional<Parent> parent, PrintWriter out) {
        out.println();
        List<Jump> jumps = new ArrayList<>();
        parent.ifPresent(p -> fromParent(run, p, out).ifPresent(jumps::add));
        jumps.addAll(run.jumps());
        if (jumps.isEmpty()) {
            out.println("LR jumps: none; the learning rate is continuous across the whole run.");
        }
        for (Jump j : jumps) {
            out.printf(Locale.ROOT, "LR jump at step %s: %s → %s (%s)%n", Numbers.format(j.step()), lr(j.from()),
                    lr(j.to()), j.where());
        }
        out.flush();
    }

    /** The jump from the parent's last learning rate, or a line saying there is none or that it is unknown. */
    private static Optional<Jump> fromParent(RunSchedule run, Parent parent, PrintWriter out) {
        String first = run.stages().getFirst().stage().name();
        if (parent.lastLr().isEmpty()) {
            out.printf(Locale.ROOT, "LR from the parent: model.init %s records no schedule (it is neither a run's "
                    + "final model with lineage.json nor a run's checkpoint), so the learning rate it ended at is "
                    + "unknown%n", parent.model());
            return Optional.empty();
        }
        double last = parent.lastLr().getAsDouble();
        Optional<Jump> jump = run.jumpFrom(last, "parent → stage " + first + ": from the last learning rate of "
                + "model.init " + parent.model() + " to the first of this run");
        if (jump.isEmpty()) {
            out.printf(Locale.ROOT, "LR from the parent: stage %s starts at %s, the last learning rate of model.init "
                    + "%s; no jump%n", first, lr(last), parent.model());
        }
        return jump;
    }

    static String json(List<RunSchedule.Point> points, boolean withTokens) {
        List<Map<String, Object>> rows = points.stream().map(p -> row(p, withTokens)).toList();
        try {
            return Json.FILE.writeValueAsString(rows);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, Object> row(RunSchedule.Point p, boolean withTokens) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("step", p.step() == Math.rint(p.step()) ? (Object) (long) p.step() : (Object) p.step());
        row.put("lr", p.lr());
        row.put("phase", p.phase());
        row.put("stage", p.stage());
        if (withTokens) {
            row.put("tokens", p.tokens());
        }
        return row;
    }

    private static String lr(double lr) {
        return lr == 0 ? "0" : String.format(Locale.ROOT, "%.4e", lr);
    }
}

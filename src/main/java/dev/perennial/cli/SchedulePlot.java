package dev.perennial.cli;

import dev.perennial.plot.LineChart;
import dev.perennial.schedule.RunSchedule;
import dev.perennial.schedule.Segment;

/** Draws a run's learning rate: one coloured curve per stage, stage boundaries dashed, phases named. */
final class SchedulePlot {

    /** Points per phase: enough for smooth curves, few enough for runs of millions of steps. */
    private static final int POINTS_PER_PHASE = 400;

    private SchedulePlot() {
    }

    static LineChart of(RunSchedule run, boolean overTokens) {
        double scale = overTokens ? run.tokensPerStep() : 1;
        LineChart chart = new LineChart("Learning rate, " + run.stages().size() + " stage"
                + (run.stages().size() == 1 ? "" : "s") + ", " + run.totalSteps() + " steps",
                overTokens ? "tokens" : "optimizer step", "learning rate");
        for (RunSchedule.Placed p : run.stages()) {
            int n = p.curve().segments().size() * (POINTS_PER_PHASE + 1);
            double[] x = new double[n];
            double[] y = new double[n];
            int i = 0;
            for (Segment s : p.curve().segments()) {
                for (int k = 0; k <= POINTS_PER_PHASE; k++) {
                    double step = s.start() + (s.end() - s.start()) * k / POINTS_PER_PHASE;
                    x[i] = (p.offset() + step) * scale;
                    y[i++] = s.lr(step);
                }
                double middle = (s.start() + s.end()) / 2;
                chart.add(new LineChart.Label((p.offset() + middle) * scale, s.lr(middle), s.phase()));
            }
            chart.add(new LineChart.Series("stage " + p.stage().name() + " (" + p.stage().schedule().family() + ")",
                    x, y, LineChart.PALETTE[p.index() % LineChart.PALETTE.length]));
            chart.add(new LineChart.Marker(p.offset() * scale, p.stage().name()));
        }
        return chart;
    }
}

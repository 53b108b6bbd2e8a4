package dev.perennial.progress;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A progress bar with rate and ETA on standard error: redrawn in place on a terminal, a line every ten seconds
 * otherwise (logs, CI). {@link #silent()} draws nothing, for tests and library use.
 */
public class Progress {

    private static final long REDRAW_NANOS = 200_000_000L;
    private static final long LOG_NANOS = 10_000_000_000L;

    private final String label;
    private final String unit;
    private final double total;
    private final PrintStream out;
    private final boolean terminal;
    private final long start = System.nanoTime();
    private long lastDraw;
    private double done;
    /** Work done before this process started (a resumed run's): not counted in the rate. */
    private double before;
    private String detail = "";

    protected Progress(String label, String unit, double total, PrintStream out, boolean terminal) {
        this.label = label;
        this.unit = unit;
        this.total = total;
        this.out = out;
        this.terminal = terminal;
        this.lastDraw = start;
    }

    /** A bar on standard error for {@code total} units of work. */
    public static Progress console(String label, String unit, double total) {
        return new Progress(label, unit, total, System.err, System.console() != null);
    }

    public static Progress silent() {
        return new Progress("", "", 0, null, false) {
            @Override
            public void advanceTo(double value) {
            }

            @Override
            public void finish(String summary) {
            }

            @Override
            public void note(String line) {
            }
        };
    }

    /**
     * Starts the bar at {@code value} units already done (a resumed run's tokens): the bar shows them, but the rate
     * and the ETA count only the work done since, so a resumed run's first rate is not inflated by work it did not do.
     */
    public void startAt(double value) {
        before = value;
        done = value;
    }

    public void advanceTo(double value) {
        done = value;
        long now = System.nanoTime();
        if (now - lastDraw >= (terminal ? REDRAW_NANOS : LOG_NANOS)) {
            lastDraw = now;
            draw(now);
        }
    }

    /** Adds {@code units} of work done. */
    public void advance(double units) {
        advanceTo(done + units);
    }

    /** Sets text shown after the bar (for example the current loss). */
    public void detail(String text) {
        this.detail = text;
    }

    /** Prints a line of its own above the bar (an evaluation's results, say); the bar is drawn again below it. */
    public void note(String line) {
        if (terminal) {
            out.print("\r\033[K");
        }
        out.println(label + ": " + line);
        out.flush();
        if (terminal) {
            draw(System.nanoTime());
        }
    }

    public void finish(String summary) {
        if (terminal) {
            out.print("\r\033[K");
        }
        out.println(label + ": " + summary);
        out.flush();
    }

    private void draw(long now) {
        double seconds = (now - start) / 1e9;
        double fraction = total > 0 ? Math.min(1, done / total) : 0;
        int width = 30;
        int filled = (int) Math.round(fraction * width);
        double rate = seconds > 0 ? Math.max(0, done - before) / seconds : 0;
        String eta = rate > 0 && total > 0 ? clock((total - done) / rate) : "--:--";
        String line = String.format(Locale.ROOT, "%s [%s%s] %5.1f%% %s/s ETA %s %s", label, "#".repeat(filled),
                " ".repeat(width - filled), 100 * fraction, human(rate) + unit, eta, detail);
        if (terminal) {
            out.print("\r" + line);
        } else {
            out.println(line);
        }
        out.flush();
    }

    static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%02d:%02d", s / 60, s % 60);
    }

    static String human(double v) {
        if (v >= 1e9) {
            return String.format(Locale.ROOT, "%.1fG", v / 1e9);
        }
        if (v >= 1e6) {
            return String.format(Locale.ROOT, "%.1fM", v / 1e6);
        }
        if (v >= 1e3) {
            return String.format(Locale.ROOT, "%.1fk", v / 1e3);
        }
        return String.format(Locale.ROOT, "%.0f", v);
    }
}

package dev.perennial.bench;

import dev.perennial.progress.Progress;

import java.util.Locale;

/**
 * A benchmark's progress on standard error, over its runs, warm-up included ("bench train [#####   ] 40.0% 3 steps/s
 * ETA 00:02"), so a long measurement says how long it will take; its output (tables, JSON) stays on standard output.
 */
final class BenchProgress {

    private final Progress progress;
    private final String unit;
    private final long start = System.nanoTime();
    private int done;

    private BenchProgress(String name, String unit, int total) {
        this.progress = Progress.console("bench " + name, " " + unit, total);
        this.unit = unit;
    }

    /** A bar for {@code total} runs of {@code unit} (steps, batches, ...). */
    static BenchProgress console(String name, String unit, int total) {
        return new BenchProgress(name, unit, total);
    }

    /** One more run done (call it outside the timed part). */
    void done() {
        progress.advance(1);
        done++;
    }

    void finish() {
        progress.finish(String.format(Locale.ROOT, "%d %s in %.1f s", done, unit, (System.nanoTime() - start) / 1e9));
    }
}

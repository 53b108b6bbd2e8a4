package dev.perennial.bench;

import java.util.Arrays;
import java.util.Locale;

/**
 * How a benchmark's repeated measurements spread: their count, median, 10th and 90th percentiles, min, max and
 * standard deviation. Percentiles interpolate linearly between the closest ranks (numpy's default, and Python's
 * statistics.median for the median), so the reference scripts' medians compare like for like.
 */
public record Spread(int count, double median, double p10, double p90, double min, double max, double stdev) {

    /** The spread of {@code values} (at least one). */
    public static Spread of(double[] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("no measurements");
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        double mean = Arrays.stream(sorted).average().orElseThrow();
        double squares = Arrays.stream(sorted).map(v -> (v - mean) * (v - mean)).sum();
        double stdev = sorted.length > 1 ? Math.sqrt(squares / (sorted.length - 1)) : 0;
        return new Spread(sorted.length, percentile(sorted, 50), percentile(sorted, 10), percentile(sorted, 90),
                sorted[0], sorted[sorted.length - 1], stdev);
    }

    /** The {@code p}th percentile of sorted values, interpolated between the two closest ranks. */
    static double percentile(double[] sorted, double p) {
        double rank = p / 100 * (sorted.length - 1);
        int below = (int) Math.floor(rank);
        int above = Math.min(below + 1, sorted.length - 1);
        return sorted[below] + (rank - below) * (sorted[above] - sorted[below]);
    }

    /** For tables: "median 12.3 (p10–p90 11.9–13.0, min 11.8, max 13.5, 10 runs)". */
    public String text() {
        return String.format(Locale.ROOT, "median %.2f (p10–p90 %.2f–%.2f, min %.2f, max %.2f, %d runs)", median, p10,
                p90, min, max, count);
    }
}

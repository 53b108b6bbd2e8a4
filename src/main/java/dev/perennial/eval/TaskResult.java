package dev.perennial.eval;

import java.util.Arrays;
import java.util.Map;

/**
 * A task's scores for one model: each metric's value with its standard error (of the mean over examples, as
 * lm-evaluation-harness reports it), and how many examples were scored.
 */
public record TaskResult(String task, int examples, Map<String, Double> metrics, Map<String, Double> stderr) {

    /** Standard error of a mean of per-example values: sample standard deviation / √n. */
    static double stderrOfMean(double[] values) {
        int n = values.length;
        if (n < 2) {
            return Double.NaN;
        }
        double mean = Arrays.stream(values).average().orElse(0);
        double squares = Arrays.stream(values).map(v -> (v - mean) * (v - mean)).sum();
        return Math.sqrt(squares / (n - 1)) / Math.sqrt(n);
    }
}

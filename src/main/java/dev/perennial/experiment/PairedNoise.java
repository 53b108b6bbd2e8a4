package dev.perennial.experiment;

import java.util.Map;

/**
 * How far the difference between two runs' average validation losses could move with another draw of validation
 * sequences, measured paired: both runs' final models score the same sequences, so each sequence's difference
 * cancels how hard that sequence is, which two independent standard errors would count twice. The average loss is
 * the mean of the corpora's mean losses, so its difference is the mean over corpora of the per-corpus mean
 * differences, with variance Σ_c s_c² / n_c / C² (s_c the sample standard deviation of corpus c's per-sequence
 * differences, n_c its sequences, C the corpora).
 */
record PairedNoise(double difference, double stderr, int sequences) {

    /** {@code a − b} over the corpora both scored; per corpus, the two arrays hold the same sequences in order. */
    static PairedNoise of(Map<String, double[]> a, Map<String, double[]> b) {
        double difference = 0;
        double variance = 0;
        int corpora = 0;
        int sequences = 0;
        for (Map.Entry<String, double[]> corpus : a.entrySet()) {
            double[] x = corpus.getValue();
            double[] y = b.get(corpus.getKey());
            if (y == null || y.length != x.length) {
                throw new IllegalArgumentException("corpus " + corpus.getKey() + " was not scored on the same "
                        + "sequences by both models");
            }
            int n = x.length;
            double mean = 0;
            for (int i = 0; i < n; i++) {
                mean += (x[i] - y[i]) / n;
            }
            double squares = 0;
            for (int i = 0; i < n; i++) {
                double d = x[i] - y[i] - mean;
                squares += d * d;
            }
            difference += mean;
            variance += n > 1 ? squares / (n - 1) / n : Double.NaN;
            corpora++;
            sequences += n;
        }
        return new PairedNoise(difference / corpora, Math.sqrt(variance) / corpora, sequences);
    }
}

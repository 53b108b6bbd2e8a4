package dev.perennial.audio;

/**
 * A triangular mel filter bank as transformers' {@code audio_utils.mel_filter_bank} builds it (without
 * {@code triangularize_in_mel_space}): {@code mels} filters whose corners are equally spaced on {@code scale}
 * between {@code minHertz} and {@code maxHertz}, over {@code bins} FFT bins spaced evenly from 0 to
 * {@code rate // 2}; with {@code slaneyNorm} each filter is scaled by {@code 2 / (right - left)} (equal area).
 *
 * @param weights [bin][filter], as transformers' {@code (num_frequency_bins, num_mel_filters)} array
 */
public record MelFilters(double[][] weights) {

    public static MelFilters of(MelScale scale, int bins, int mels, double minHertz, double maxHertz, int rate,
                                boolean slaneyNorm) {
        double[] corners = corners(scale, mels, minHertz, maxHertz);
        double[][] w = new double[bins][mels];
        for (int b = 0; b < bins; b++) {
            double f = linspace(0, rate / 2, bins, b);
            for (int m = 0; m < mels; m++) {
                double down = -(corners[m] - f) / (corners[m + 1] - corners[m]);
                double up = (corners[m + 2] - f) / (corners[m + 2] - corners[m + 1]);
                double v = Math.max(0.0, Math.min(down, up));
                w[b][m] = slaneyNorm ? v * (2.0 / (corners[m + 2] - corners[m])) : v;
            }
        }
        return new MelFilters(w);
    }

    public int bins() {
        return weights.length;
    }

    public int mels() {
        return weights[0].length;
    }

    /** {@code power} (one frame's bins) projected onto the filters: {@code mel_filters.T @ power}. */
    public double[] apply(double[] power) {
        double[] out = new double[mels()];
        for (int b = 0; b < weights.length; b++) {
            double p = power[b];
            double[] row = weights[b];
            for (int m = 0; m < out.length; m++) {
                out[m] += row[m] * p;
            }
        }
        return out;
    }

    /** The mels + 2 filter corners in hertz: linspace on the mel scale, mapped back. */
    private static double[] corners(MelScale scale, int mels, double minHertz, double maxHertz) {
        double lo = scale.toMel(minHertz);
        double hi = scale.toMel(maxHertz);
        double[] out = new double[mels + 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = scale.toHertz(linspace(lo, hi, out.length, i));
        }
        return out;
    }

    /** numpy.linspace(start, stop, num)[i]: start + i * step, the last point exactly stop. */
    static double linspace(double start, double stop, int num, int i) {
        if (i == num - 1) {
            return stop;
        }
        return start + i * ((stop - start) / (num - 1));
    }
}

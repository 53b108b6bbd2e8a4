package dev.perennial.audio;

/**
 * Triangular mel filters, {@code weights[mel][bin]}: transformers' {@code audio_utils.mel_filter_bank} with
 * {@code norm="slaney"} and {@code mel_scale="slaney"} (librosa's defaults), as Whisper's and CLAP's feature
 * extractors build them.
 */
public record MelFilterBank(double[][] weights) {

    private static final double MIN_LOG_HERTZ = 1000.0;
    private static final double MIN_LOG_MEL = 15.0;
    private static final double LOG_STEP = Math.log(6.4) / 27.0;

    public int mels() {
        return weights.length;
    }

    public int bins() {
        return weights[0].length;
    }

    /** {@code num_mel_filters} slaney-normalised filters on the slaney scale between the two frequencies. */
    public static MelFilterBank slaney(int frequencyBins, int melFilters, double minHertz, double maxHertz,
            int samplingRate) {
        double[] mels = linspace(hertzToMel(minHertz), hertzToMel(maxHertz), melFilters + 2);
        double[] edges = new double[mels.length];
        for (int i = 0; i < mels.length; i++) {
            edges[i] = melToHertz(mels[i]);
        }
        double[] bins = linspace(0, samplingRate / 2, frequencyBins); // sampling_rate // 2, an integer
        double[][] w = new double[melFilters][frequencyBins];
        for (int m = 0; m < melFilters; m++) {
            double enorm = 2.0 / (edges[m + 2] - edges[m]);
            for (int b = 0; b < frequencyBins; b++) {
                double down = -(edges[m] - bins[b]) / (edges[m + 1] - edges[m]);
                double up = (edges[m + 2] - bins[b]) / (edges[m + 2] - edges[m + 1]);
                w[m][b] = Math.max(0.0, Math.min(down, up)) * enorm;
            }
        }
        return new MelFilterBank(w);
    }

    /** Slaney's scale: linear (3 mels per 200 Hz) below 1 kHz, logarithmic above. */
    static double hertzToMel(double hertz) {
        return hertz >= MIN_LOG_HERTZ
                ? MIN_LOG_MEL + Math.log(hertz / MIN_LOG_HERTZ) * (27.0 / Math.log(6.4))
                : 3.0 * hertz / 200.0;
    }

    static double melToHertz(double mel) {
        return mel >= MIN_LOG_MEL ? MIN_LOG_HERTZ * Math.exp(LOG_STEP * (mel - MIN_LOG_MEL)) : 200.0 * mel / 3.0;
    }

    /** numpy.linspace with the endpoint: start + i * step, the last exactly stop. */
    private static double[] linspace(double start, double stop, int num) {
        double[] out = new double[num];
        double step = (stop - start) / (num - 1);
        for (int i = 0; i < num; i++) {
            out[i] = i * step + start;
        }
        out[num - 1] = stop;
        return out;
    }

    /** {@code weights} applied to one power spectrum: the mel energies. */
    double[] apply(double[] power) {
        double[] out = new double[weights.length];
        for (int m = 0; m < weights.length; m++) {
            double[] row = weights[m];
            double sum = 0;
            for (int b = 0; b < row.length; b++) {
                sum += row[b] * power[b];
            }
            out[m] = sum;
        }
        return out;
    }
}

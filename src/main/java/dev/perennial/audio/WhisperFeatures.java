package dev.perennial.audio;

/**
 * Whisper's input features: transformers' {@code WhisperFeatureExtractor} (its numpy path,
 * {@code _np_extract_fbank_features}) in float64 (the STFT bins rounded to complex64 as transformers stores them). The samples are padded with {@code padding_value} or truncated to
 * {@code n_samples}, turned into power spectra ({@link Stft}: rounded to complex64 as transformers stores them), mel energies floored at 1e-10, log10, the last
 * frame dropped, floored at the maximum minus 8, then (x + 4) / 4.
 */
public final class WhisperFeatures {

    private static final double MEL_FLOOR = 1e-10;
    private static final double DYNAMIC_RANGE = 8.0;
    private static final double MAX_HERTZ = 8000.0; // the extractor's fixed max_frequency, whatever the rate

    private final WhisperFeatureConfig config;
    private final MelFilters filters;
    private final Stft stft;

    public WhisperFeatures(WhisperFeatureConfig config) {
        this.config = config;
        this.stft = new Stft(config.nFft(), config.hopLength());
        this.filters = MelFilters.of(MelScale.SLANEY, config.nFft() / 2 + 1, config.featureSize(), 0.0, MAX_HERTZ,
                config.samplingRate(), true);
    }

    public WhisperFeatureConfig config() {
        return config;
    }

    public MelFilters filters() {
        return filters;
    }

    /** The log-mel features of a waveform at the config's rate, [mel][frame], frames = n_samples / hop. */
    public double[][] extract(Waveform audio) {
        if (audio.rate() != config.samplingRate()) {
            throw new IllegalArgumentException("Whisper features need " + config.samplingRate() + " Hz audio, got "
                    + audio.rate() + " Hz; read it with Audio.read(path, " + config.samplingRate() + ")");
        }
        return extract(audio.samples());
    }

    /** The log-mel features of samples at the config's rate, [mel][frame]. */
    public double[][] extract(float[] samples) {
        double[][] power = stft.power(padOrTruncate(samples));
        int frames = power.length - 1; // log_spec[:, :-1]
        double[][] logMel = new double[config.featureSize()][frames];
        double max = Double.NEGATIVE_INFINITY;
        for (int f = 0; f < frames; f++) {
            double[] mel = filters.apply(power[f]);
            for (int m = 0; m < mel.length; m++) {
                double v = Math.log10(Math.max(MEL_FLOOR, mel[m]));
                logMel[m][f] = v;
                max = Math.max(max, v);
            }
        }
        scale(logMel, max - DYNAMIC_RANGE);
        return logMel;
    }

    /** The features as the model takes them: float32, [mel][frame] flattened row-major. */
    public float[] extractFloat(Waveform audio) {
        double[][] features = extract(audio);
        int frames = features[0].length;
        float[] out = new float[features.length * frames];
        for (int m = 0; m < features.length; m++) {
            for (int f = 0; f < frames; f++) {
                out[m * frames + f] = (float) features[m][f];
            }
        }
        return out;
    }

    /** np.maximum(log_spec, floor), then (log_spec + 4) / 4, in place. */
    private static void scale(double[][] logMel, double floor) {
        for (double[] row : logMel) {
            for (int f = 0; f < row.length; f++) {
                row[f] = (Math.max(row[f], floor) + 4.0) / 4.0;
            }
        }
    }

    /** The first n_samples samples, or all of them followed by padding_value up to n_samples. */
    private float[] padOrTruncate(float[] samples) {
        float[] out = java.util.Arrays.copyOf(samples, config.nSamples());
        if (samples.length < out.length) {
            java.util.Arrays.fill(out, samples.length, out.length, (float) config.paddingValue()); // as float32
        }
        return out;
    }
}

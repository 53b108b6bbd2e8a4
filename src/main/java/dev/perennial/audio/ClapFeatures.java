package dev.perennial.audio;

import java.util.random.RandomGenerator;

/**
 * transformers' {@code ClapFeatureExtractor} for the unfused CLAP checkpoints ({@code truncation="rand_trunc"}):
 * audio longer than max_length_s is cropped to it, shorter audio is filled by the config's padding, and the log-mel
 * spectrogram is taken with the Slaney-scale, area-normalised filters ({@code mel_filters_slaney}), as
 * {@code _get_input_mel} does. The result is one (frames, mels) float32 array, frames = 1 + max_samples / hop.
 * Thread-safe: each call builds its own STFT scratch.
 */
public final class ClapFeatures {

    private final ClapConfig config;
    private final MelFilters filters;

    /** The features of one clip, and whether it was cropped ({@code is_longer}). */
    public record Mel(float[][] features, boolean longer) {
    }

    public ClapFeatures(ClapConfig config) {
        if (config.truncation() != ClapConfig.Truncation.RAND_TRUNC) {
            throw new UnsupportedOperationException("truncation " + config.truncation()
                    + " (the fused CLAP checkpoints) is not computed yet; only rand_trunc is");
        }
        this.config = config;
        this.filters = MelFilters.of(MelScale.SLANEY, config.fftWindowSize() / 2 + 1, config.featureSize(),
                config.frequencyMin(), config.frequencyMax(), config.samplingRate(), true);
    }

    public MelFilters filters() {
        return filters;
    }

    /** How many crop offsets a clip of this length has beyond the first: 0 unless it is longer than max_length. */
    public int overflow(int samples) {
        return Math.max(0, samples - config.maxSamples());
    }

    /**
     * The features, a long clip cropped at a random offset in [0, overflow] drawn from {@code random} (transformers
     * draws it with {@code np.random.randint}, whose stream is not reproduced here).
     */
    public Mel extract(Waveform audio, RandomGenerator random) {
        if (audio.rate() != config.samplingRate()) {
            throw new IllegalArgumentException("audio at " + audio.rate() + " Hz for a feature extractor at "
                    + config.samplingRate() + " Hz; resample it first");
        }
        int overflow = overflow(audio.samples().length);
        return extract(audio.samples(), overflow == 0 ? 0 : random.nextInt(overflow + 1));
    }

    /** The features, a long clip cropped at {@code cropOffset} (ignored for clips not longer than max_length). */
    public Mel extract(float[] samples, int cropOffset) {
        if (samples.length == 0) {
            throw new IllegalArgumentException("no samples: CLAP features need at least one");
        }
        boolean longer = samples.length > config.maxSamples();
        if (longer && (cropOffset < 0 || cropOffset > overflow(samples.length))) {
            throw new IllegalArgumentException("crop offset " + cropOffset + " outside [0, "
                    + overflow(samples.length) + "]");
        }
        float[] clip = longer ? crop(samples, cropOffset) : fill(samples);
        return new Mel(logMel(clip), longer);
    }

    private float[] crop(float[] samples, int offset) {
        float[] out = new float[config.maxSamples()];
        System.arraycopy(samples, offset, out, 0, out.length);
        return out;
    }

    /** _get_input_mel's padding of a short clip: tiled (whole copies, or cut for "repeat"), then zeros. */
    private float[] fill(float[] samples) {
        int max = config.maxSamples();
        float[] out = new float[max];
        int copies = switch (config.padding()) {
            case REPEATPAD -> max / samples.length;
            case REPEAT -> max / samples.length + 1;
            case PAD -> 1;
        };
        for (int c = 0, at = 0; c < copies && at < max; c++, at += samples.length) {
            System.arraycopy(samples, 0, out, at, Math.min(samples.length, max - at));
        }
        return out;
    }

    /** spectrogram(..., power=2.0, mel_filters, log_mel="dB").T, cast to float32 at the end as transformers does. */
    private float[][] logMel(float[] clip) {
        double[][] power = new Stft(config.fftWindowSize(), config.hopLength()).power(clip);
        double[][] db = new double[power.length][];
        for (int t = 0; t < power.length; t++) {
            double[] mel = filters.apply(power[t]);
            for (int m = 0; m < mel.length; m++) {
                mel[m] = PowerToDb.decibels(mel[m]);
            }
            db[t] = mel;
        }
        if (config.topDb() != null) {
            PowerToDb.clipRange(db, config.topDb());
        }
        float[][] out = new float[db.length][];
        for (int t = 0; t < db.length; t++) {
            out[t] = new float[db[t].length];
            for (int m = 0; m < db[t].length; m++) {
                out[t][m] = (float) db[t][m];
            }
        }
        return out;
    }
}

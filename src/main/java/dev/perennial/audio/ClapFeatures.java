package dev.perennial.audio;

import java.util.Locale;
import java.util.random.RandomGenerator;

/**
 * transformers' {@code ClapFeatureExtractor._get_input_mel} (feature_extraction_clap.py) for both truncation modes.
 * {@code rand_trunc} (the unfused checkpoints): audio longer than max_length_s is cropped to it, shorter audio is
 * filled by the config's padding, and the log-mel spectrogram is taken with the Slaney-scale, area-normalised filters
 * ({@code mel_filters_slaney}): one channel of (frames, mels), frames = 1 + max_samples / hop. {@code fusion} (the
 * fused checkpoints) takes the HTK filters without norm ({@code mel_filters}): a longer clip's whole mel shrunk to
 * max_length's frames by bilinear interpolation, then three crops of it from the front, middle and back thirds of the
 * possible offsets ({@code _random_mel_fusion}); a shorter clip (or one within a hop of max_length) gives its filled
 * mel four times. Thread-safe: each call builds its own STFT scratch.
 */
public final class ClapFeatures {

    /** _random_mel_fusion shrinks the whole mel to this many bins, whatever feature_size is. */
    public static final int FUSION_MELS = 64;

    private final ClapConfig config;
    private final MelFilters filters;

    /**
     * The features of one clip: channels [C][frames][mels] (1 for rand_trunc; 4 for fusion: the shrunk whole, then
     * the front, middle and back crops) and whether it was longer than max_length ({@code is_longer}).
     */
    public record Mel(float[][][] channels, boolean longer) {

        public int frames() {
            return channels[0].length;
        }

        public int mels() {
            return channels[0][0].length;
        }

        /** The values in [C, frames, mels] order, as the model's input tensor holds them. */
        public float[] flat() {
            int frames = frames();
            int mels = mels();
            float[] out = new float[channels.length * frames * mels];
            for (int c = 0; c < channels.length; c++) {
                for (int t = 0; t < frames; t++) {
                    System.arraycopy(channels[c][t], 0, out, (c * frames + t) * mels, mels);
                }
            }
            return out;
        }
    }

    /** The first frame of each fusion crop: one drawn from each third of the possible offsets. */
    public record Crops(int front, int middle, int back) {
    }

    public ClapFeatures(ClapConfig config) {
        this.config = config;
        boolean fusion = config.truncation() == ClapConfig.Truncation.FUSION;
        this.filters = MelFilters.of(fusion ? MelScale.HTK : MelScale.SLANEY, config.fftWindowSize() / 2 + 1,
                config.featureSize(), config.frequencyMin(), config.frequencyMax(), config.samplingRate(), !fusion);
    }

    public MelFilters filters() {
        return filters;
    }

    /** How many crop offsets a clip of this length has beyond the first: 0 unless it is longer than max_length. */
    public int overflow(int samples) {
        return Math.max(0, samples - config.maxSamples());
    }

    /** The frames of a max_length clip's mel: max_length // hop_length + 1. */
    public int chunkFrames() {
        return config.maxSamples() / config.hopLength() + 1;
    }

    /**
     * The features, the random choices drawn from {@code random} (transformers draws them from numpy's global
     * generator, whose stream is not reproduced here): rand_trunc's crop offset in [0, overflow], or fusion's three
     * crops ({@link #drawCrops}).
     */
    public Mel extract(Waveform audio, RandomGenerator random) {
        if (audio.rate() != config.samplingRate()) {
            throw new IllegalArgumentException("audio at " + audio.rate() + " Hz for a feature extractor at "
                    + config.samplingRate() + " Hz; resample it first");
        }
        float[] samples = audio.samples();
        if (config.truncation() == ClapConfig.Truncation.FUSION) {
            if (samples.length <= config.maxSamples()) {
                return extract(samples, (Crops) null);
            }
            float[][] mel = logMel(samples);
            return fused(mel, mel.length == chunkFrames() ? null : drawCrops(mel.length - chunkFrames() + 1, random));
        }
        int overflow = overflow(samples.length);
        return extract(samples, overflow == 0 ? 0 : random.nextInt(overflow + 1));
    }

    /** rand_trunc's features, a long clip cropped at {@code cropOffset} (ignored for clips not longer). */
    public Mel extract(float[] samples, int cropOffset) {
        requireTruncation(ClapConfig.Truncation.RAND_TRUNC);
        requireSamples(samples);
        boolean longer = samples.length > config.maxSamples();
        if (longer && (cropOffset < 0 || cropOffset > overflow(samples.length))) {
            throw new IllegalArgumentException("crop offset " + cropOffset + " outside [0, "
                    + overflow(samples.length) + "]");
        }
        float[] clip = longer ? crop(samples, cropOffset) : fill(samples);
        return new Mel(new float[][][] {logMel(clip)}, longer);
    }

    /**
     * fusion's features with the crops given (ignored, and may be null, for clips whose mel has no more frames than
     * max_length's; each must lie in its third, as {@link #thirds} gives them).
     */
    public Mel extract(float[] samples, Crops crops) {
        requireTruncation(ClapConfig.Truncation.FUSION);
        requireSamples(samples);
        if (samples.length <= config.maxSamples()) {
            float[][] mel = logMel(fill(samples));
            return new Mel(new float[][][] {mel, mel, mel, mel}, false);
        }
        float[][] mel = logMel(samples);
        if (mel.length == chunkFrames()) {
            return fused(mel, null);
        }
        int[][] thirds = thirds(mel.length - chunkFrames() + 1);
        int[] chosen = {crops.front(), crops.middle(), crops.back()};
        for (int i = 0; i < 3; i++) {
            if (chosen[i] < thirds[i][0] || chosen[i] >= thirds[i][1]) {
                throw new IllegalArgumentException("crop " + i + " at frame " + chosen[i] + " outside its third ["
                        + thirds[i][0] + ", " + thirds[i][1] + ")");
            }
        }
        return fused(mel, crops);
    }

    /**
     * The three ranges [from, to) _random_mel_fusion draws the crops from: np.array_split(range(starts), 3), an empty
     * middle or back third replaced by [0].
     */
    public static int[][] thirds(int starts) {
        int[][] out = new int[3][];
        int from = 0;
        for (int i = 0; i < 3; i++) {
            int size = starts / 3 + (i < starts % 3 ? 1 : 0);
            out[i] = size == 0 ? new int[] {0, 1} : new int[] {from, from + size};
            from += size;
        }
        return out;
    }

    /** One crop drawn uniformly from each third (np.random.choice). */
    public static Crops drawCrops(int starts, RandomGenerator random) {
        int[][] t = thirds(starts);
        return new Crops(pick(t[0], random), pick(t[1], random), pick(t[2], random));
    }

    /**
     * ClapFeatureExtractor.__call__'s rule for a batch under fusion: when no clip is longer, one drawn at random is
     * marked longer (so a single short clip always is).
     */
    public static boolean[] batchLonger(boolean[] longer, RandomGenerator random) {
        boolean[] out = longer.clone();
        boolean any = false;
        for (boolean l : longer) {
            any |= l;
        }
        if (!any && out.length > 0) {
            out[random.nextInt(out.length)] = true;
        }
        return out;
    }

    private static int pick(int[] range, RandomGenerator random) {
        return range[0] + random.nextInt(range[1] - range[0]);
    }

    /** _random_mel_fusion's stack [shrunk whole, front, middle, back]; the mel four times when crops is null. */
    private Mel fused(float[][] mel, Crops crops) {
        if (crops == null) {
            return new Mel(new float[][][] {mel, mel, mel, mel}, false);
        }
        int chunk = chunkFrames();
        float[][] shrunk = BilinearResize.resize(mel, chunk, FUSION_MELS);
        return new Mel(new float[][][] {shrunk, slice(mel, crops.front(), chunk), slice(mel, crops.middle(), chunk),
                slice(mel, crops.back(), chunk)}, true);
    }

    private static float[][] slice(float[][] mel, int from, int frames) {
        float[][] out = new float[frames][];
        System.arraycopy(mel, from, out, 0, frames);
        return out;
    }

    private void requireTruncation(ClapConfig.Truncation truncation) {
        if (config.truncation() != truncation) {
            throw new IllegalArgumentException("this feature extractor's truncation is "
                    + config.truncation().name().toLowerCase(Locale.ROOT) + ", not "
                    + truncation.name().toLowerCase(Locale.ROOT));
        }
    }

    private static void requireSamples(float[] samples) {
        if (samples.length == 0) {
            throw new IllegalArgumentException("no samples: CLAP features need at least one");
        }
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

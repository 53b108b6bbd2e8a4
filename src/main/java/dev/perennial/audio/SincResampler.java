package dev.perennial.audio;

/**
 * Band-limited resampling as {@code torchaudio.functional.resample} does it with its defaults (torchaudio 0.13
 * {@code functional.py}: {@code _get_sinc_resample_kernel}, {@code _apply_sinc_resample_kernel};
 * "sinc_interpolation", called "sinc_interp_hann" from 2.0): the rates are divided by their gcd, a Hann-windowed
 * sinc kernel with {@code lowpass_filter_width} 6 zero crossings and a cutoff of {@code rolloff} 0.99 of the lower
 * Nyquist rate is built for each of the {@code new} output phases, and the zero-padded input is convolved with it
 * at a stride of {@code orig}. This is what transformers' audio pipelines use for an array given with another
 * sampling rate. Computed in double: it matches torchaudio's float64 result within 1e-6 and its float32 result
 * within 1e-5 ({@code SincResamplerTest}).
 */
public final class SincResampler {

    static final int LOWPASS_FILTER_WIDTH = 6;
    static final double ROLLOFF = 0.99;

    private final int orig;
    private final int next;
    private final int width;
    private final double[][] kernel;
    /** Per phase, the first and one past the last tap inside the ±6 zero crossings; the rest are skipped. */
    private final int[] first;
    private final int[] end;

    /** A resampler from {@code from} to {@code to} samples a second. */
    public SincResampler(int from, int to) {
        if (from <= 0 || to <= 0) {
            throw new IllegalArgumentException("sample rates must be positive: " + from + " -> " + to);
        }
        int gcd = gcd(from, to);
        this.orig = from / gcd;
        this.next = to / gcd;
        double base = Math.min(orig, next) * ROLLOFF;
        this.width = (int) Math.ceil(LOWPASS_FILTER_WIDTH * orig / base);
        this.kernel = kernel(base);
        this.first = new int[next];
        this.end = new int[next];
        for (int j = 0; j < next; j++) {
            live(j, base);
        }
    }

    /** {@code samples} at {@code from} resampled to {@code to} (a copy when the rates are equal). */
    public static float[] resample(float[] samples, int from, int to) {
        if (from == to) {
            return samples.clone();
        }
        double[] in = new double[samples.length];
        for (int i = 0; i < in.length; i++) {
            in[i] = samples[i];
        }
        double[] out = new SincResampler(from, to).apply(in);
        float[] result = new float[out.length];
        for (int i = 0; i < out.length; i++) {
            result[i] = (float) out[i];
        }
        return result;
    }

    /** A waveform at another rate. */
    public static Waveform resample(Waveform audio, int to) {
        return new Waveform(resample(audio.samples(), audio.rate(), to), to);
    }

    /** Resamples {@code samples}: ceil(length · to / from) output samples. */
    public double[] apply(double[] samples) {
        if (orig == next) {
            return samples.clone();
        }
        int length = samples.length;
        double[] padded = new double[length + 2 * width + orig];
        System.arraycopy(samples, 0, padded, width, length);
        int blocks = length / orig + 1;
        int target = (int) Math.ceil((double) next * length / orig);
        double[] out = new double[target];
        for (int i = 0; i < blocks; i++) {
            int start = i * orig;
            for (int j = 0; j < next; j++) {
                int at = i * next + j;
                if (at >= target) {
                    return out;
                }
                double[] row = kernel[j];
                double sum = 0;
                for (int k = first[j]; k < end[j]; k++) {
                    sum += padded[start + k] * row[k];
                }
                out[at] = sum;
            }
        }
        return out;
    }

    /** One row of 2·width + orig taps per output phase j, at times (k − width)/orig − j/new. */
    private double[][] kernel(double base) {
        double[][] rows = new double[next][2 * width + orig];
        double scale = base / orig;
        for (int j = 0; j < next; j++) {
            for (int k = 0; k < rows[j].length; k++) {
                double t = time(j, k, base);
                t = Math.max(-LOWPASS_FILTER_WIDTH, Math.min(LOWPASS_FILTER_WIDTH, t));
                double c = Math.cos(t * Math.PI / LOWPASS_FILTER_WIDTH / 2);
                double window = c * c;
                t *= Math.PI;
                double sinc = t == 0 ? 1 : Math.sin(t) / t;
                rows[j][k] = sinc * window * scale;
            }
        }
        return rows;
    }

    /**
     * The taps of phase j whose time lies inside (−6, 6). Outside, torchaudio clamps the time to ±6, where the
     * window is cos²(π/2) ≈ 4e-33: those taps add nothing at the stated tolerance, and skipping them makes a
     * 441 → 320 step (22.05 to 16 kHz) read 17 taps instead of 459.
     */
    private void live(int j, double base) {
        int taps = kernel[j].length;
        int k = 0;
        while (k < taps && Math.abs(time(j, k, base)) >= LOWPASS_FILTER_WIDTH) {
            k++;
        }
        first[j] = k;
        while (k < taps && Math.abs(time(j, k, base)) < LOWPASS_FILTER_WIDTH) {
            k++;
        }
        end[j] = k;
    }

    private double time(int j, int k, double base) {
        return (-(double) j / next + (double) (k - width) / orig) * base;
    }

    private static int gcd(int a, int b) {
        return b == 0 ? a : gcd(b, a % b);
    }
}

package dev.perennial.audio;

/**
 * The power spectrogram of transformers' {@code audio_utils.spectrogram} with {@code center=True},
 * {@code pad_mode="reflect"}, a periodic Hann window as long as the frame ({@code window_function(n, "hann")}) and
 * {@code power=2.0}: the samples are mirrored by n/2 at both ends, frame t starts at {@code t * hop}, and each
 * windowed frame's rfft is stored in complex64 before {@code |X|^2} is taken in float64, as transformers does.
 */
public final class Stft {

    private final Fft fft;
    private final int hop;
    private final double[] window;

    public Stft(int frameLength, int hop) {
        if (hop <= 0) {
            throw new IllegalArgumentException("hop length must be positive, got " + hop);
        }
        this.fft = new Fft(frameLength);
        this.hop = hop;
        this.window = hann(frameLength);
    }

    /** numpy.hanning(n + 1)[:-1]: {@code 0.5 - 0.5 cos(2 pi k / n)}. */
    static double[] hann(int n) {
        double[] w = new double[n];
        for (int k = 0; k < n; k++) {
            w[k] = 0.5 - 0.5 * Math.cos(2.0 * Math.PI * k / n);
        }
        return w;
    }

    public int frames(int samples) {
        return 1 + samples / hop; // 1 + floor((samples + n - n) / hop) after padding n/2 on each side
    }

    /** [frame][bin] power, bins 0 .. n/2. */
    public double[][] power(float[] samples) {
        if (samples.length == 0) {
            throw new IllegalArgumentException("no samples to make a spectrogram of");
        }
        int n = fft.length();
        int bins = n / 2 + 1;
        double[][] out = new double[frames(samples.length)][];
        double[] frame = new double[n];
        double[] re = new double[bins];
        double[] im = new double[bins];
        for (int t = 0; t < out.length; t++) {
            fillFrame(samples, t * hop - n / 2, frame);
            fft.rfft(frame, re, im);
            double[] p = new double[bins];
            for (int k = 0; k < bins; k++) {
                double r = (float) re[k];
                double i = (float) im[k];
                p[k] = r * r + i * i;
            }
            out[t] = p;
        }
        return out;
    }

    private void fillFrame(float[] samples, int start, double[] frame) {
        for (int j = 0; j < frame.length; j++) {
            frame[j] = samples[reflect(start + j, samples.length)] * window[j];
        }
    }

    /** numpy.pad's "reflect" index: mirrored about the first and last sample, which are not repeated. */
    static int reflect(int i, int length) {
        if (length == 1) {
            return 0;
        }
        int period = 2 * (length - 1);
        int m = Math.floorMod(i, period);
        return m < length ? m : period - m;
    }
}

package dev.perennial.audio;

/**
 * Power spectra of a signal's frames as transformers' {@code audio_utils.spectrogram} computes them with
 * {@code center=True, pad_mode="reflect", power=2.0, onesided=True}: the signal reflect-padded by n_fft/2 on each
 * side, a frame every hop, times a periodic Hann window, |rfft|^2.
 */
final class Spectrogram {

    private final int nFft;
    private final int hop;
    private final double[] window;
    private final Fft fft;

    Spectrogram(int nFft, int hop) {
        this.nFft = nFft;
        this.hop = hop;
        this.window = periodicHann(nFft);
        this.fft = new Fft(nFft);
    }

    /** {@code window_function(n, "hann")}: np.hanning(n + 1)[:-1], 0.5 - 0.5 cos(2 pi k / n). */
    static double[] periodicHann(int n) {
        double[] w = new double[n];
        for (int k = 0; k < n; k++) {
            w[k] = 0.5 - 0.5 * Math.cos(2 * Math.PI * k / n);
        }
        return w;
    }

    int bins() {
        return nFft / 2 + 1;
    }

    /** 1 + (length + 2 * (n_fft / 2) - n_fft) / hop frames. */
    int frames(int length) {
        return 1 + (length + 2 * (nFft / 2) - nFft) / hop;
    }

    /** Each frame's power spectrum, [frame][bin]. */
    double[][] power(double[] signal) {
        double[] padded = reflectPad(signal, nFft / 2);
        int frames = frames(signal.length);
        double[][] out = new double[frames][];
        double[] re = new double[nFft];
        double[] im = new double[nFft];
        double[] outRe = new double[nFft];
        double[] outIm = new double[nFft];
        for (int f = 0; f < frames; f++) {
            int start = f * hop;
            for (int j = 0; j < nFft; j++) {
                re[j] = padded[start + j] * window[j];
            }
            fft.transform(re, im, outRe, outIm);
            double[] p = new double[bins()];
            for (int b = 0; b < p.length; b++) {
                p[b] = outRe[b] * outRe[b] + outIm[b] * outIm[b];
            }
            out[f] = p;
        }
        return out;
    }

    /** numpy.pad(mode="reflect"): mirrored about the end samples, which are not repeated. */
    static double[] reflectPad(double[] x, int pad) {
        if (x.length <= pad) {
            throw new IllegalArgumentException("reflect padding of " + pad + " needs more than " + pad
                    + " samples, got " + x.length);
        }
        double[] out = new double[x.length + 2 * pad];
        System.arraycopy(x, 0, out, pad, x.length);
        for (int i = 1; i <= pad; i++) {
            out[pad - i] = x[i];
            out[pad + x.length - 1 + i] = x[x.length - 1 - i];
        }
        return out;
    }
}

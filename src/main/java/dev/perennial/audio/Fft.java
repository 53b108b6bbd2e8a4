package dev.perennial.audio;

/**
 * The discrete Fourier transform of real frames whose length is a power of two (radix-2, iterative), for
 * spectrograms: {@code X[k] = sum_t x[t] e^{-2 pi i k t / n}}, k = 0 .. n/2, numpy's {@code rfft} convention.
 * Not thread-safe (holds scratch arrays); one per thread.
 */
public final class Fft {

    private final int n;
    private final double[] cos;
    private final double[] sin;
    private final int[] bitReversed;
    private final double[] re;
    private final double[] im;

    public Fft(int n) {
        if (n < 2 || Integer.bitCount(n) != 1) {
            throw new IllegalArgumentException("FFT length must be a power of two of at least 2, got " + n);
        }
        this.n = n;
        cos = new double[n / 2];
        sin = new double[n / 2];
        for (int k = 0; k < n / 2; k++) {
            cos[k] = Math.cos(2 * Math.PI * k / n);
            sin[k] = Math.sin(2 * Math.PI * k / n);
        }
        bitReversed = bitReversal(n);
        re = new double[n];
        im = new double[n];
    }

    public int length() {
        return n;
    }

    /** The n/2 + 1 non-negative-frequency bins of {@code frame} (length n) into {@code outRe} and {@code outIm}. */
    public void rfft(double[] frame, double[] outRe, double[] outIm) {
        if (frame.length != n) {
            throw new IllegalArgumentException("frame of " + frame.length + " samples for an FFT of " + n);
        }
        for (int i = 0; i < n; i++) {
            re[bitReversed[i]] = frame[i];
            im[i] = 0;
        }
        butterflies();
        System.arraycopy(re, 0, outRe, 0, n / 2 + 1);
        System.arraycopy(im, 0, outIm, 0, n / 2 + 1);
    }

    private void butterflies() {
        for (int size = 2; size <= n; size <<= 1) {
            int half = size >> 1;
            int stride = n / size;
            for (int start = 0; start < n; start += size) {
                for (int j = 0; j < half; j++) {
                    double wr = cos[j * stride];
                    double wi = -sin[j * stride];
                    int a = start + j;
                    int b = a + half;
                    double tr = re[b] * wr - im[b] * wi;
                    double ti = re[b] * wi + im[b] * wr;
                    re[b] = re[a] - tr;
                    im[b] = im[a] - ti;
                    re[a] += tr;
                    im[a] += ti;
                }
            }
        }
    }

    private static int[] bitReversal(int n) {
        int bits = Integer.numberOfTrailingZeros(n);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = Integer.reverse(i) >>> (32 - bits);
        }
        return out;
    }
}

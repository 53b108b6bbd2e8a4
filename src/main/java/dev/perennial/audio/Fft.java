package dev.perennial.audio;

/**
 * A complex discrete Fourier transform of one fixed length, any length: mixed-radix Cooley-Tukey over the length's
 * prime factors (400 = 2^4 * 5^2 for Whisper), X[k] = sum_j x[j] e^{-2 pi i jk/n}, as numpy's fft computes it.
 */
final class Fft {

    private final int n;
    private final int[] factors;
    private final double[] cos;
    private final double[] sin;

    Fft(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("FFT length " + n + " is not positive");
        }
        this.n = n;
        this.factors = primeFactors(n);
        this.cos = new double[n];
        this.sin = new double[n];
        for (int k = 0; k < n; k++) {
            double angle = -2 * Math.PI * k / n;
            cos[k] = Math.cos(angle);
            sin[k] = Math.sin(angle);
        }
    }

    int length() {
        return n;
    }

    /** The transform of (re, im) into (outRe, outIm); inputs are left as they were. */
    void transform(double[] re, double[] im, double[] outRe, double[] outIm) {
        step(re, im, 0, 1, n, outRe, outIm, 0, 0, new double[2 * largestFactor()]);
    }

    /** numpy's rfft: the n/2 + 1 non-negative-frequency bins of real {@code frame} into {@code outRe}, {@code outIm}. */
    void rfft(double[] frame, double[] outRe, double[] outIm) {
        double[] re = new double[n];
        double[] im = new double[n];
        transform(frame, new double[n], re, im);
        System.arraycopy(re, 0, outRe, 0, n / 2 + 1);
        System.arraycopy(im, 0, outIm, 0, n / 2 + 1);
    }

    /** The size-m transform of in[offset + j*stride] into out[outOffset ..], splitting by factors[level]. */
    private void step(double[] re, double[] im, int offset, int stride, int m, double[] outRe, double[] outIm,
            int outOffset, int level, double[] scratch) {
        if (m == 1) {
            outRe[outOffset] = re[offset];
            outIm[outOffset] = im[offset];
            return;
        }
        int p = factors[level];
        int q = m / p;
        for (int r = 0; r < p; r++) {
            step(re, im, offset + r * stride, stride * p, q, outRe, outIm, outOffset + r * q, level + 1, scratch);
        }
        combine(outRe, outIm, outOffset, m, p, q, scratch);
    }

    /** X[k + s*q] = sum_r W_m^{r(k + s*q)} Y_r[k], the p sub-transforms Y_r lying at out[outOffset + r*q ..]. */
    private void combine(double[] re, double[] im, int offset, int m, int p, int q, double[] scratch) {
        int twiddleStride = n / m;
        for (int k = 0; k < q; k++) {
            for (int r = 0; r < p; r++) {
                scratch[2 * r] = re[offset + r * q + k];
                scratch[2 * r + 1] = im[offset + r * q + k];
            }
            for (int s = 0; s < p; s++) {
                int out = k + s * q;
                double sumRe = scratch[0];
                double sumIm = scratch[1];
                int exponent = 0; // r * out mod m, stepped without a division
                for (int r = 1; r < p; r++) {
                    exponent += out;
                    if (exponent >= m) {
                        exponent -= m;
                    }
                    int t = exponent * twiddleStride;
                    double yr = scratch[2 * r];
                    double yi = scratch[2 * r + 1];
                    sumRe += yr * cos[t] - yi * sin[t];
                    sumIm += yr * sin[t] + yi * cos[t];
                }
                re[offset + out] = sumRe;
                im[offset + out] = sumIm;
            }
        }
    }

    private int largestFactor() {
        int max = 1;
        for (int f : factors) {
            max = Math.max(max, f);
        }
        return max;
    }

    private static int[] primeFactors(int n) {
        int[] out = new int[32];
        int count = 0;
        int rest = n;
        for (int f = 2; (long) f * f <= rest; f++) {
            while (rest % f == 0) {
                out[count++] = f;
                rest /= f;
            }
        }
        if (rest > 1) {
            out[count++] = rest;
        }
        return java.util.Arrays.copyOf(out, count);
    }
}

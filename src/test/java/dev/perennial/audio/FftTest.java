package dev.perennial.audio;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class FftTest {

    @Test
    void rfftAgreesWithTheDefinitionOfTheDft() {
        for (int n : new int[] {64, 400, 1024}) { // a power of two, Whisper's 2^4 * 5^2, CLAP's window
            assertRfft(n);
        }
    }

    private static void assertRfft(int n) {
        double[] x = new Random(9).doubles(n, -1, 1).toArray();
        double[] re = new double[n / 2 + 1];
        double[] im = new double[n / 2 + 1];
        new Fft(n).rfft(x, re, im);
        for (int k = 0; k <= n / 2; k++) {
            double r = 0;
            double i = 0;
            for (int t = 0; t < n; t++) {
                r += x[t] * Math.cos(2 * Math.PI * k * t / n);
                i -= x[t] * Math.sin(2 * Math.PI * k * t / n);
            }
            assertEquals(r, re[k], 1e-11, n + ": re " + k);
            assertEquals(i, im[k], 1e-11, n + ": im " + k);
        }
    }

    @Test
    void refusesALengthThatIsNotPositive() {
        assertThrows(IllegalArgumentException.class, () -> new Fft(0));
    }
}

package dev.perennial.audio;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SincResamplerTest {

    @Test
    void matchesTorchaudioInFloat64AndFloat32() {
        int checked = 0;
        for (JsonNode entry : Reference.index().get("resample")) {
            double[] input = Reference.doubles(entry.get("input").asText());
            int from = entry.get("rate").asInt();
            float[] inputFloat = new float[input.length];
            for (int i = 0; i < input.length; i++) {
                inputFloat[i] = (float) input[i];
            }
            for (JsonNode out : entry.get("outputs")) {
                int to = out.get("rate").asInt();
                String what = entry.get("name").asText() + " -> " + to;
                double[] expected64 = Reference.doubles(out.get("float64").asText());
                double[] actual64 = new SincResampler(from, to).apply(input);
                assertEquals(expected64.length, actual64.length, what);
                double max64 = 0;
                for (int i = 0; i < actual64.length; i++) {
                    max64 = Math.max(max64, Math.abs(actual64[i] - expected64[i]));
                }
                assertTrue(max64 <= 1e-6, what + " float64: max |diff| " + max64);

                // torchaudio's float32 result is itself up to 1.3e-5 from its float64 one (its kernel is built in
                // float32); ours, computed in double and rounded, must be within that plus 1e-6
                float[] expected32 = Reference.floats(out.get("float32").asText());
                float[] actual32 = SincResampler.resample(inputFloat, from, to);
                assertEquals(expected32.length, actual32.length, what);
                double torchaudioOwn = 0;
                for (int i = 0; i < expected32.length; i++) {
                    torchaudioOwn = Math.max(torchaudioOwn, Math.abs(expected32[i] - expected64[i]));
                }
                double max32 = Reference.maxDiff(actual32, expected32);
                assertTrue(torchaudioOwn <= 2e-5, what + ": torchaudio float32 vs float64 " + torchaudioOwn);
                assertTrue(max32 <= torchaudioOwn + 1e-6, what + " float32: max |diff| " + max32
                        + ", torchaudio's own float32 error " + torchaudioOwn);
                checked++;
            }
        }
        assertEquals(12, checked);
    }

    @Test
    void equalRatesGiveTheSamplesBack() {
        float[] x = {0.25f, -0.5f, 1f};
        float[] y = SincResampler.resample(x, 16000, 16000);
        assertEquals(x.length, y.length);
        assertEquals(-0.5f, y[1]);
    }

    /** Reported, not asserted (README "Pipelines"): 30 s of noise at 44.1 and 22.05 kHz to 16 kHz, and 44.1 kHz to 48 kHz. */
    @Test
    void reportsSpeedForThirtySeconds() {
        Random random = new Random(0);
        for (int[] rates : new int[][] {{44100, 16000}, {22050, 16000}, {44100, 48000}, {8000, 16000}}) {
            float[] x = new float[rates[0] * 30];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (random.nextGaussian() * 0.2);
            }
            double best = Double.MAX_VALUE;
            for (int run = 0; run < 4; run++) {
                long start = System.nanoTime();
                float[] y = SincResampler.resample(x, rates[0], rates[1]);
                best = Math.min(best, (System.nanoTime() - start) / 1e9);
                assertEquals(rates[1] * 30, y.length);
            }
            System.out.printf("SincResampler: 30 s %d -> %d Hz in %.3f s (best of 4)%n", rates[0], rates[1], best);
        }
    }
}

package dev.perennial.audio;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.ReferenceFiles;
import dev.perennial.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Against tools/reference/whisper_features.py (float64, written from transformers' WhisperFeatureExtractor). */
class WhisperFeaturesTest {

    private static final Path DIR = Path.of("src/test/resources/reference/whisper");
    // The Java STFT rounds each bin to complex64 as transformers stores it (audio_utils.spectrogram); the float64
    // reference does not, which is worth about 1e-8 here (2.2e-13 without the rounding).
    static final double TOLERANCE = 1e-7;

    @Test
    void matchesTheReferenceOnEveryCase() {
        JsonNode index = ReferenceFiles.index(DIR);
        double worst = 0;
        for (JsonNode c : index.get("cases")) {
            WhisperFeatureConfig config = WhisperFeatureConfig.parse(c.get("config"), c.get("name").asText());
            float[] samples = tile(input(index, c.get("input").asText()), c.get("tile").asInt());
            double[][] got = new WhisperFeatures(config).extract(samples);
            assertEquals(c.get("shape").get(0).asInt(), got.length, c.get("name").asText());
            assertEquals(c.get("shape").get(1).asInt(), got[0].length, c.get("name").asText());
            assertEquals(config.frames(), got[0].length);
            double diff = maxDiff(got, c);
            assertTrue(diff <= TOLERANCE, c.get("name").asText() + ": " + diff);
            worst = Math.max(worst, diff);
        }
        System.out.printf("WhisperFeaturesTest: %d cases, max |java - numpy float64| = %.2e%n",
                index.get("cases").size(), worst);
    }

    @Test
    void silenceIsTheFloorEverywhere() {
        double[][] got = new WhisperFeatures(shortConfig(80)).extract(new float[5000]);
        for (double[] row : got) {
            for (double v : row) {
                assertEquals((Math.log10(1e-10) + 4) / 4, v, 1e-12); // log10 of mel_floor, rescaled: -1.5
            }
        }
    }

    @Test
    void paddingAndTruncationReachNSamples() {
        WhisperFeatures features = new WhisperFeatures(shortConfig(80));
        float[] tone = new float[16000];
        for (int i = 0; i < tone.length; i++) {
            tone[i] = (float) Math.sin(2 * Math.PI * 300 * i / 16000.0);
        }
        float[] longer = Arrays.copyOf(tone, 20000);
        Arrays.fill(longer, 16000, 20000, 0.9f);
        assertArrayEquals(features.extract(tone)[10], features.extract(longer)[10], 0.0);
        float[] half = Arrays.copyOf(tone, 8000);
        double[][] padded = features.extract(half);
        assertEquals(100, padded[0].length);
        assertTrue(padded[10][90] < padded[10][10], "padded frames are quieter than the tone");
    }

    @Test
    void aWaveformAtAnotherRateIsRefused() {
        WhisperFeatures features = new WhisperFeatures(WhisperFeatureConfig.defaults());
        assertThrows(IllegalArgumentException.class, () -> features.extract(new Waveform(new float[10], 48000)));
    }

    @Test
    void thirtySecondsTiming() {
        WhisperFeatures features = new WhisperFeatures(WhisperFeatureConfig.defaults());
        float[] samples = tile(input(ReferenceFiles.index(DIR), "long"), 20);
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            long start = System.nanoTime();
            double[][] got = features.extract(samples);
            best = Math.min(best, System.nanoTime() - start);
            assertEquals(3000, got[0].length);
        }
        System.out.printf("WhisperFeatures: 30 s, 80 mels, best of 4: %.3f s%n", best / 1e9);
    }

    @Test
    void configDefaultsWhenFieldsAreAbsent(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("preprocessor_config.json");
        Files.writeString(file, "{\"feature_extractor_type\": \"WhisperFeatureExtractor\", \"feature_size\": 128,"
                + " \"n_samples\": 480000}");
        WhisperFeatureConfig c = WhisperFeatureConfig.read(file);
        assertEquals(new WhisperFeatureConfig(128, 16000, 160, 30, 400, 0.0), c);
        assertEquals(480000, c.nSamples());
        assertEquals(3000, c.frames());
    }

    @Test
    void configProblemsNameFileAndField(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("preprocessor_config.json");
        Files.writeString(file, "{\"feature_size\": -80, \"hop_length\": 1.5, \"padding_value\": \"zero\"}");
        UserError e = assertThrows(UserError.class, () -> WhisperFeatureConfig.read(file));
        assertEquals(java.util.List.of(file + ": feature_size must be a positive whole number, got -80",
                file + ": hop_length must be a positive whole number, got 1.5",
                file + ": padding_value must be a number, got \"zero\""), e.problems());
        UserError missing = assertThrows(UserError.class,
                () -> WhisperFeatureConfig.read(dir.resolve("absent.json")));
        assertTrue(missing.getMessage().contains("absent.json: no such preprocessor config"), missing.getMessage());
        Files.writeString(file, "{\"feature_size\": ");
        assertTrue(assertThrows(UserError.class, () -> WhisperFeatureConfig.read(file)).getMessage()
                .contains("not valid JSON"));
    }

    @Test
    void fftMatchesADirectDft() {
        for (int n : new int[] {1, 2, 7, 12, 400, 441}) {
            double[] re = new double[n];
            double[] im = new double[n];
            for (int j = 0; j < n; j++) {
                re[j] = Math.sin(0.37 * j * j + 1);
                im[j] = Math.cos(1.3 * j);
            }
            double[] outRe = new double[n];
            double[] outIm = new double[n];
            new Fft(n).transform(re, im, outRe, outIm);
            for (int k = 0; k < n; k++) {
                double sr = 0;
                double si = 0;
                for (int j = 0; j < n; j++) {
                    double a = -2 * Math.PI * ((long) j * k % n) / n;
                    sr += re[j] * Math.cos(a) - im[j] * Math.sin(a);
                    si += re[j] * Math.sin(a) + im[j] * Math.cos(a);
                }
                assertEquals(sr, outRe[k], 1e-9, "n " + n + " bin " + k);
                assertEquals(si, outIm[k], 1e-9, "n " + n + " bin " + k);
            }
        }
    }

    @Test
    void slaneyFiltersHaveUnitAreaInHertz() {
        // slaney norm scales each triangle (peak 1, base f[m+2] - f[m]) by 2 / base: area 1 per Hz
        MelFilters bank = MelFilters.of(MelScale.SLANEY, 201, 80, 0, 8000, 16000, true);
        double binHertz = 8000.0 / 200;
        for (int m = 50; m < 80; m++) { // the wide ones: a triangle over many bins sums close to its area
            int filter = m;
            double area = Arrays.stream(bank.weights()).mapToDouble(bin -> bin[filter]).sum() * binHertz;
            assertEquals(1.0, area, 0.03, "filter " + m);
        }
    }

    private static WhisperFeatureConfig shortConfig(int mels) {
        return new WhisperFeatureConfig(mels, 16000, 160, 1, 400, 0.0);
    }

    private static double maxDiff(double[][] got, JsonNode c) {
        double[] expected = doubles(c.get("expected").asText());
        JsonNode frames = c.get("frames");
        int n = frames.size();
        double max = 0;
        for (int m = 0; m < got.length; m++) {
            for (int i = 0; i < n; i++) {
                max = Math.max(max, Math.abs(got[m][frames.get(i).asInt()] - expected[m * n + i]));
            }
        }
        return max;
    }

    private static float[] input(JsonNode index, String name) {
        return ReferenceFiles.floats(DIR.resolve(index.get("inputs").get(name).asText()));
    }

    private static double[] doubles(String relative) {
        return ReferenceFiles.doubles(DIR.resolve(relative));
    }

    private static float[] tile(float[] x, int times) {
        float[] out = new float[x.length * times];
        for (int t = 0; t < times; t++) {
            System.arraycopy(x, 0, out, t * x.length, x.length);
        }
        return out;
    }
}

package dev.perennial.audio;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.ReferenceFiles;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Against tools/reference/clap_features.py (transformers' ClapFeatureExtractor in numpy, float64 then float32). */
class ClapFeaturesTest {

    static final Path DIR = Path.of("src/test/resources/reference/clap");
    /** dB; transformers' own output is float32, so one float32 ulp of a value near 20 dB (2e-6) is the floor. */
    static final double TOLERANCE = 1e-4;

    /** laion/clap-htsat-unfused's preprocessor_config.json values. */
    static ClapConfig unfused() {
        return new ClapConfig(64, 48_000, 480, 10, 1024, 50, 14_000, null, ClapConfig.Truncation.RAND_TRUNC,
                ClapConfig.Padding.REPEATPAD);
    }

    @Test
    void matchesTransformersOnShortExactAndLongClips() {
        ClapFeatures clap = new ClapFeatures(unfused());
        for (JsonNode c : ReferenceFiles.index(DIR).get("cases")) {
            float[] samples = TestSignals.signal(c.get("samples").asInt(), c.get("seed").asLong());
            long start = System.nanoTime();
            ClapFeatures.Mel mel = clap.extract(samples, c.get("crop_offset").asInt());
            double ms = (System.nanoTime() - start) / 1e6;
            float[] expected = floats(c.get("expected").asText());
            assertEquals(c.get("frames").asInt(), mel.features().length, c.get("name").asText());
            double max = 0;
            for (int t = 0; t < mel.features().length; t++) {
                assertEquals(64, mel.features()[t].length);
                for (int m = 0; m < 64; m++) {
                    max = Math.max(max, Math.abs(mel.features()[t][m] - expected[t * 64 + m]));
                }
            }
            System.out.printf("CLAP features %s: max |diff| %.2e dB, %.1f ms%n", c.get("name").asText(), max, ms);
            assertTrue(max < TOLERANCE, c.get("name").asText() + ": " + max);
            assertEquals(c.get("samples").asInt() > 480_000, mel.longer());
        }
    }

    @Test
    void filterBanksMatchTransformers() {
        JsonNode index = ReferenceFiles.index(DIR);
        MelFilters htk = MelFilters.of(MelScale.HTK, 513, 64, 50, 14_000, 48_000, false);
        MelFilters slaney = new ClapFeatures(unfused()).filters();
        assertClose(doubles(index.get("mel_filters_htk").asText()), htk, 1e-12);
        assertClose(doubles(index.get("mel_filters_slaney").asText()), slaney, 1e-12);
    }

    @Test
    void randomCropIsTheCropAtTheOffsetTheGeneratorDraws() {
        ClapFeatures clap = new ClapFeatures(unfused());
        float[] samples = TestSignals.signal(480_000 + 2_000, 3);
        ClapFeatures.Mel drawn = clap.extract(new Waveform(samples, 48_000), new Random(42));
        int offset = new Random(42).nextInt(2_001);
        assertArrayEquals(clap.extract(samples, offset).features(), drawn.features());
        assertFalse(java.util.Arrays.deepEquals(clap.extract(samples, offset == 0 ? 1 : 0).features(),
                drawn.features()), "a different offset must give different features");
    }

    @Test
    void shortClipsIgnoreTheOffsetAndNeedNoRandomness() {
        ClapFeatures clap = new ClapFeatures(unfused());
        float[] samples = TestSignals.signal(30_000, 5);
        ClapFeatures.Mel mel = clap.extract(new Waveform(samples, 48_000), new Random(1));
        assertArrayEquals(clap.extract(samples, 0).features(), mel.features());
        assertFalse(mel.longer());
    }

    @Test
    void refusesBadCallsWithTheReason() {
        ClapFeatures clap = new ClapFeatures(unfused());
        assertThrows(IllegalArgumentException.class, () -> clap.extract(new float[0], 0));
        assertThrows(IllegalArgumentException.class, () -> clap.extract(new float[480_010], 11));
        assertThrows(IllegalArgumentException.class, () -> clap.extract(new float[480_010], -1));
        IllegalArgumentException rate = assertThrows(IllegalArgumentException.class,
                () -> clap.extract(new Waveform(new float[10], 16_000), new Random(0)));
        assertTrue(rate.getMessage().contains("16000 Hz"), rate.getMessage());
        assertThrows(UnsupportedOperationException.class, () -> new ClapFeatures(ClapConfig.defaults()));
    }

    @Test
    void reflectPaddingMirrorsWithoutRepeatingTheEdge() {
        // numpy.pad([0, 1, 2, 3], 3, mode="reflect") = [3, 2, 1, 0, 1, 2, 3, 2, 1, 0]
        int[] expected = {3, 2, 1, 0, 1, 2, 3, 2, 1, 0};
        for (int i = -3; i < 7; i++) {
            assertEquals(expected[i + 3], Stft.reflect(i, 4), "index " + i);
        }
    }

    private static void assertClose(double[] expected, MelFilters actual, double tolerance) {
        assertEquals(expected.length, actual.bins() * actual.mels());
        for (int b = 0; b < actual.bins(); b++) {
            for (int m = 0; m < actual.mels(); m++) {
                assertEquals(expected[b * actual.mels() + m], actual.weights()[b][m], tolerance, b + "," + m);
            }
        }
    }

    private static float[] floats(String relative) {
        return ReferenceFiles.floats(DIR.resolve(relative));
    }

    private static double[] doubles(String relative) {
        return ReferenceFiles.doubles(DIR.resolve(relative));
    }
}

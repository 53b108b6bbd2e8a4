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
            assertEquals(1, mel.channels().length);
            assertEquals(c.get("frames").asInt(), mel.frames(), c.get("name").asText());
            double max = maxError(mel.channels()[0], expected);
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
        assertClose(doubles(index.get("mel_filters_htk").asText()), new ClapFeatures(fused()).filters(), 1e-12);
    }

    /** laion/clap-htsat-fused's preprocessor_config.json values. */
    static ClapConfig fused() {
        return new ClapConfig(64, 48_000, 480, 10, 1024, 50, 14_000, null, ClapConfig.Truncation.FUSION,
                ClapConfig.Padding.REPEATPAD);
    }

    @Test
    void fusionMatchesTransformersOnALongAndAShortClip() {
        ClapFeatures clap = new ClapFeatures(fused());
        for (JsonNode c : ReferenceFiles.index(DIR).get("fusion_cases")) {
            String name = c.get("name").asText();
            float[] samples = TestSignals.signal(c.get("samples").asInt(), c.get("seed").asLong());
            JsonNode crops = c.get("crops");
            long start = System.nanoTime();
            ClapFeatures.Mel mel = clap.extract(samples, crops.isNull() ? null
                    : new ClapFeatures.Crops(crops.get(0).asInt(), crops.get(1).asInt(), crops.get(2).asInt()));
            double ms = (System.nanoTime() - start) / 1e6;
            assertEquals(c.get("longer").asBoolean(), mel.longer(), name);
            assertEquals(4, mel.channels().length, name);
            assertEquals(c.get("frames").asInt(), mel.frames(), name);
            float[] whole = floats(c.get("mel").asText());
            int frames = mel.frames();
            double max = 0;
            if (mel.longer()) {
                max = maxError(mel.channels()[0], floats(c.get("shrunk").asText()));
                for (int i = 0; i < 3; i++) {
                    int from = crops.get(i).asInt() * 64;
                    max = Math.max(max, maxError(mel.channels()[i + 1],
                            java.util.Arrays.copyOfRange(whole, from, from + frames * 64)));
                }
            } else {
                for (float[][] channel : mel.channels()) {
                    max = Math.max(max, maxError(channel, whole));
                }
            }
            System.out.printf("CLAP fusion features %s: max |diff| %.2e dB, %.1f ms%n", name, max, ms);
            assertTrue(max < TOLERANCE, name + ": " + max);
        }
    }

    @Test
    void fusionThirdsAreNumpysArraySplitWithEmptyThirdsAtZero() {
        JsonNode thirds = ReferenceFiles.index(DIR).get("fusion_thirds");
        thirds.fieldNames().forEachRemaining(n -> {
            int[][] ours = ClapFeatures.thirds(Integer.parseInt(n));
            for (int i = 0; i < 3; i++) {
                assertArrayEquals(new int[] {thirds.get(n).get(i).get(0).asInt(), thirds.get(n).get(i).get(1).asInt()},
                        ours[i], n + " starts, third " + i);
            }
        });
    }

    @Test
    void fusionDrawsEachCropFromItsThirdWithTheGeneratorGiven() {
        ClapFeatures clap = new ClapFeatures(fused());
        float[] samples = TestSignals.signal(504_000, 17);
        ClapFeatures.Mel drawn = clap.extract(new Waveform(samples, 48_000), new Random(42));
        ClapFeatures.Crops crops = ClapFeatures.drawCrops(51, new Random(42));
        assertTrue(crops.front() < 17 && crops.middle() >= 17 && crops.middle() < 34 && crops.back() >= 34,
                crops.toString());
        assertTrue(drawn.longer());
        assertArrayEquals(clap.extract(samples, crops).channels(), drawn.channels());
        assertThrows(IllegalArgumentException.class, () -> clap.extract(samples, new ClapFeatures.Crops(17, 20, 40)));
    }

    @Test
    void fusionWithinAHopOfMaxLengthUsesTheWholeMelFourTimesAndIsNotLonger() {
        ClapFeatures clap = new ClapFeatures(fused());
        float[] samples = TestSignals.signal(480_000 + 100, 3);
        ClapFeatures.Mel mel = clap.extract(new Waveform(samples, 48_000), new Random(0));
        assertFalse(mel.longer());
        assertEquals(1001, mel.frames());
        for (int c = 1; c < 4; c++) {
            assertArrayEquals(mel.channels()[0], mel.channels()[c]);
        }
        // one hop more gives a mel of 1002 frames: two crop starts, the back third empty and so at 0
        ClapFeatures.Mel twoStarts = clap.extract(TestSignals.signal(480_000 + 480, 3),
                new ClapFeatures.Crops(0, 1, 0));
        assertTrue(twoStarts.longer());
        assertArrayEquals(twoStarts.channels()[1], twoStarts.channels()[3]);
        assertFalse(java.util.Arrays.deepEquals(twoStarts.channels()[1], twoStarts.channels()[2]));
    }

    @Test
    void aBatchWithoutALongerClipMarksOneDrawnAtRandom() {
        assertArrayEquals(new boolean[] {true}, ClapFeatures.batchLonger(new boolean[] {false}, new Random(5)));
        boolean[] none = ClapFeatures.batchLonger(new boolean[] {false, false, false}, new Random(5));
        boolean[] expected = new boolean[3];
        expected[new Random(5).nextInt(3)] = true;
        assertArrayEquals(expected, none);
        assertArrayEquals(new boolean[] {false, true}, ClapFeatures.batchLonger(new boolean[] {false, true},
                new Random(5)));
    }

    @Test
    void bilinearResizeIsPyTorchsOnASmallPlane() {
        // align_corners=False samples source row (r + 0.5)·4/3 - 0.5 = 1/6, 3/2, 17/6 and column (c + 0.5)·3/2 - 0.5
        // = 1/4, 7/4; on the plane 3·row + col bilinear interpolation is exact
        float[][] in = {{0, 1, 2}, {3, 4, 5}, {6, 7, 8}, {9, 10, 11}};
        float[][] out = BilinearResize.resize(in, 3, 2);
        double[][] expected = {{1.0 / 6 * 3 + 0.25, 1.0 / 6 * 3 + 1.75}, {4.5 + 0.25, 4.5 + 1.75},
                {17.0 / 6 * 3 + 0.25, 17.0 / 6 * 3 + 1.75}};
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 2; c++) {
                assertEquals(expected[r][c], out[r][c], 1e-5, r + "," + c);
            }
        }
        // upsampling 2 rows to 4: source rows -1/4 (clamped to 0), 1/4, 3/4, 5/4 (the last row, no neighbour)
        float[][] up = BilinearResize.resize(new float[][] {{0}, {4}}, 4, 1);
        assertArrayEquals(new float[][] {{0}, {1}, {3}, {4}}, up);
    }

    @Test
    void randomCropIsTheCropAtTheOffsetTheGeneratorDraws() {
        ClapFeatures clap = new ClapFeatures(unfused());
        float[] samples = TestSignals.signal(480_000 + 2_000, 3);
        ClapFeatures.Mel drawn = clap.extract(new Waveform(samples, 48_000), new Random(42));
        int offset = new Random(42).nextInt(2_001);
        assertArrayEquals(clap.extract(samples, offset).channels(), drawn.channels());
        assertFalse(java.util.Arrays.deepEquals(clap.extract(samples, offset == 0 ? 1 : 0).channels(),
                drawn.channels()), "a different offset must give different features");
    }

    @Test
    void shortClipsIgnoreTheOffsetAndNeedNoRandomness() {
        ClapFeatures clap = new ClapFeatures(unfused());
        float[] samples = TestSignals.signal(30_000, 5);
        ClapFeatures.Mel mel = clap.extract(new Waveform(samples, 48_000), new Random(1));
        assertArrayEquals(clap.extract(samples, 0).channels(), mel.channels());
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
        assertThrows(IllegalArgumentException.class, () -> new ClapFeatures(ClapConfig.defaults()).extract(
                new float[10], 0));
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

    private static double maxError(float[][] actual, float[] expected) {
        assertEquals(expected.length, actual.length * 64);
        double max = 0;
        for (int t = 0; t < actual.length; t++) {
            assertEquals(64, actual[t].length);
            for (int m = 0; m < 64; m++) {
                max = Math.max(max, Math.abs(actual[t][m] - expected[t * 64 + m]));
            }
        }
        return max;
    }

    private static float[] floats(String relative) {
        return ReferenceFiles.floats(DIR.resolve(relative));
    }

    private static double[] doubles(String relative) {
        return ReferenceFiles.doubles(DIR.resolve(relative));
    }
}

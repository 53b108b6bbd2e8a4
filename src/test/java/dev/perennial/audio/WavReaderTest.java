package dev.perennial.audio;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.UserError;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WavReaderTest {

    @Test
    void everyWavFormatReadsAsTorchaudioLoadsIt() {
        int checked = 0;
        for (JsonNode wav : Reference.index().get("wav")) {
            String file = wav.get("file").asText();
            byte[] bytes = Reference.fileBytes(file);
            assertTrue(WavReader.header(bytes, file).readInJava(), file);
            Channels read = WavReader.read(bytes, file);
            assertEquals(wav.get("rate").asInt(), read.rate(), file);
            assertEquals(wav.get("channels").asInt(), read.channels().length, file);
            assertEquals(wav.get("frames").asInt(), read.frames(), file);
            float[] expected = Reference.floats(wav.get("expected").asText());
            float[] actual = new float[expected.length];
            for (int c = 0; c < read.channels().length; c++) {
                System.arraycopy(read.channels()[c], 0, actual, c * read.frames(), read.frames());
            }
            if (wav.get("bits").asInt() >= 32) {
                // torchaudio's sox backend holds samples as 32-bit integers, so 32-bit integer and float samples
                // come back from it rounded through x · 2^31; ffmpeg keeps them, and transformers reads files with
                // ffmpeg: the next test holds us to ffmpeg exactly
                assertTrue(Reference.maxDiff(expected, actual) <= 1e-7, file);
            } else {
                assertArrayEquals(expected, actual, file);
            }
            checked++;
        }
        assertEquals(10, checked);
    }

    @Test
    void everyWavFileReadsAsTransformersFfmpegReadGivesIt() {
        int checked = 0;
        for (JsonNode wav : Reference.index().get("wav")) {
            String file = wav.get("file").asText();
            if (wav.get("rate").asInt() != 16000) {
                continue;
            }
            assertArrayEquals(ffmpegRead(file, 16000), Audio.read(Reference.file(file), 16000).samples(), file);
            checked++;
        }
        assertEquals(9, checked);
    }

    @Test
    void integerSamplesAreTheGeneratedSignalQuantized() {
        double[] left = Reference.signal("left");
        Channels s16 = WavReader.read(Reference.fileBytes("files/mono-s16.wav"), "mono-s16.wav");
        Channels u8 = WavReader.read(Reference.fileBytes("files/mono-u8.wav"), "mono-u8.wav");
        for (int i = 0; i < left.length; i++) {
            assertEquals(Math.rint(left[i] * 32768) / 32768, s16.channels()[0][i], 0, "s16 sample " + i);
            assertEquals(Math.rint(left[i] * 128) / 128, u8.channels()[0][i], 0, "u8 sample " + i);
        }
    }

    @Test
    void stereoMixesDownAsFfmpegDoesNotAsTheMean() {
        // transformers reads files with ffmpeg -ac 1: its output for this file at its own rate is the reference
        Waveform mono = Audio.read(Reference.file("files/stereo-s16.wav"), 16000);
        float[] ffmpeg = ffmpegRead("files/stereo-s16.wav", 16000);
        assertArrayEquals(ffmpeg, mono.samples());
        Channels stereo = WavReader.read(Reference.fileBytes("files/stereo-s16.wav"), "stereo-s16.wav");
        float[] mean = new float[stereo.frames()];
        for (int i = 0; i < mean.length; i++) {
            mean[i] = (stereo.channels()[0][i] + stereo.channels()[1][i]) / 2;
        }
        assertTrue(Reference.maxDiff(mean, ffmpeg) > 0.05, "ffmpeg's mixdown is (L+R)/sqrt(2), louder than the mean");
    }

    @Test
    void otherRatesAreResampledAsTorchaudioDoes() {
        Waveform read = Audio.read(Reference.file("files/mono-s16-44100.wav"), 16000);
        Channels raw = WavReader.read(Reference.fileBytes("files/mono-s16-44100.wav"), "x.wav");
        assertEquals(16000, read.rate());
        assertArrayEquals(SincResampler.resample(raw.channels()[0], 44100, 16000), read.samples());
        // ffmpeg's own resampler (what ffmpeg_read gives for a file) differs a little; reported, bounded loosely
        float[] ffmpeg = ffmpegRead("files/mono-s16-44100.wav", 16000);
        assertEquals(ffmpeg.length, read.samples().length);
        double sum = 0;
        for (int i = 0; i < ffmpeg.length; i++) {
            sum += Math.pow(ffmpeg[i] - read.samples()[i], 2);
        }
        double rms = Math.sqrt(sum / ffmpeg.length);
        System.out.printf("44.1 -> 16 kHz chirp to 19.8 kHz: torchaudio's resampler vs ffmpeg's: max |diff| %.3f, "
                + "rms %.4f%n", Reference.maxDiff(ffmpeg, read.samples()), rms);
        assertTrue(rms < 0.05, "rms difference " + rms);
    }

    @Test
    void aHeaderClaimingMoreDataThanPresentIsTruncated() {
        byte[] whole = Reference.fileBytes("files/stereo-s16.wav");
        byte[] cut = Arrays.copyOf(whole, whole.length - 1000);
        UserError e = assertThrows(UserError.class, () -> Audio.decode(cut, "cut.wav", 16000));
        assertEquals("cut.wav: truncated WAV file: its data chunk says 16000 bytes, only 15000 are there; "
                + "re-record or re-export it", e.getMessage());
        byte[] headerOnly = Arrays.copyOf(whole, 30);
        UserError noData = assertThrows(UserError.class, () -> Audio.decode(headerOnly, "head.wav", 16000));
        assertTrue(noData.getMessage().startsWith("head.wav: truncated WAV file: "), noData.getMessage());
    }

    @Test
    void aWavWithNoSamplesIsRefused() {
        byte[] whole = Reference.fileBytes("files/mono-s16.wav");
        byte[] header = Arrays.copyOf(whole, 44);
        header[40] = header[41] = header[42] = header[43] = 0; // the data chunk's size
        UserError e = assertThrows(UserError.class, () -> Audio.decode(header, "silent.wav", 16000));
        assertEquals("silent.wav: the WAV file holds no samples; give a recording", e.getMessage());
    }

    private static float[] ffmpegRead(String file, int rate) {
        for (JsonNode r : Reference.index().get("ffmpeg_read")) {
            if (r.get("file").asText().equals(file) && r.get("rate").asInt() == rate) {
                return Reference.floats(r.get("expected").asText());
            }
        }
        throw new IllegalArgumentException(file + " at " + rate);
    }
}

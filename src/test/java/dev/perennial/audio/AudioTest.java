package dev.perennial.audio;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Compressed formats through ffmpeg, uploads as bytes, and the errors for files that are not audio. */
class AudioTest {

    @TempDir
    Path dir;

    @Test
    void compressedFormatsDecodeAsTransformersFfmpegReadDoes() {
        int checked = 0;
        for (JsonNode r : Reference.index().get("ffmpeg_read")) {
            String file = r.get("file").asText();
            if (file.endsWith(".wav")) {
                continue;
            }
            int rate = r.get("rate").asInt();
            Waveform w = Audio.read(Reference.file(file), rate);
            assertEquals(rate, w.rate(), file);
            assertEquals(r.get("length").asInt(), w.samples().length, file + " at " + rate);
            assertArrayEquals(Reference.floats(r.get("expected").asText()), w.samples(), file + " at " + rate);
            checked++;
        }
        assertEquals(8, checked);
    }

    @Test
    void flacIsLosslessAndTheLossyFormatsKeepTheSignal() {
        // the files were encoded from stereo-s16.wav: left a 440 Hz tone, right a chirp, 0.25 s at 16 kHz
        float[] wav = Audio.read(Reference.file("files/stereo-s16.wav"), 16000).samples();
        float[] flac = Audio.read(Reference.file("files/stereo.flac"), 16000).samples();
        assertArrayEquals(wav, flac);
        // the codecs' noise, relative to the signal (rms), over the samples the encoder delay leaves aligned
        String[] lossy = {"files/stereo.mp3", "files/stereo.ogg", "files/mono-48k.webm"};
        double[] limits = {0.1, 0.06, 0.1};
        // the WebM was mixed to mono when it was encoded (ffmpeg -ac 1 into the Opus encoder), and that mixdown came
        // out as the mean (measured): 1/√2 of the (L+R)/√2 that ffmpeg_read's float output gets
        double[] gains = {1, 1, Math.sqrt(0.5)};
        for (int f = 0; f < lossy.length; f++) {
            float[] reference = new float[wav.length];
            for (int i = 0; i < wav.length; i++) {
                reference[i] = (float) (wav[i] * gains[f]);
            }
            float[] decoded = Audio.read(Reference.file(lossy[f]), 16000).samples();
            assertTrue(decoded.length >= wav.length && decoded.length < wav.length + 400,
                    lossy[f] + ": " + decoded.length + " samples for " + wav.length);
            double error = relativeError(reference, decoded);
            System.out.printf("%s: relative rms error %.4f%n", lossy[f], error);
            assertTrue(error < limits[f], lossy[f] + ": relative rms error " + error);
            double loudness = rms(decoded, wav.length) / rms(reference, wav.length);
            assertEquals(1, loudness, 0.1, lossy[f] + ": rms of decoded / original");
        }
    }

    @Test
    void uploadedBytesDecodeAsTheFileDoes() {
        byte[] webm = Reference.fileBytes("files/mono-48k.webm");
        Waveform fromBytes = Audio.decode(webm, "recording.webm", 48000);
        Waveform fromFile = Audio.read(Reference.file("files/mono-48k.webm"), 48000);
        assertArrayEquals(fromFile.samples(), fromBytes.samples());
        assertEquals(0.25, fromBytes.seconds(), 1e-9);
    }

    @Test
    void truncatedCompressedFilesAreRefusedNamingThem() {
        for (String file : new String[] {"files/stereo.flac", "files/stereo.ogg", "files/mono-48k.webm"}) {
            byte[] whole = Reference.fileBytes(file);
            byte[] half = Arrays.copyOf(whole, whole.length / 2);
            String name = "half-" + Path.of(file).getFileName();
            UserError e = assertThrows(UserError.class, () -> Audio.decode(half, name, 16000), file);
            assertTrue(e.getMessage().startsWith(name + ": not a decodable audio file (ffmpeg: "), e.getMessage());
            assertTrue(e.getMessage().endsWith("); give a complete WAV, FLAC, MP3, OGG or WebM file"),
                    e.getMessage());
        }
    }

    @Test
    void garbageEmptyAndMissingFilesAreRefusedNamingThem() throws IOException {
        Path garbage = dir.resolve("notes.mp3");
        Files.writeString(garbage, "these are not the samples you are looking for\n".repeat(20));
        UserError g = assertThrows(UserError.class, () -> Audio.read(garbage, 16000));
        assertTrue(g.getMessage().startsWith(garbage + ": not a decodable audio file (ffmpeg: "), g.getMessage());

        Path empty = Files.createFile(dir.resolve("empty.wav"));
        UserError e = assertThrows(UserError.class, () -> Audio.read(empty, 16000));
        assertEquals(empty + ": the audio file is empty; give a WAV, FLAC, MP3, OGG or WebM file", e.getMessage());

        Path missing = dir.resolve("missing.flac");
        UserError m = assertThrows(UserError.class, () -> Audio.read(missing, 16000));
        assertEquals(missing + ": no such audio file", m.getMessage());

        byte[] riffNotAudio = "RIFF\u0004\u0000\u0000\u0000WAVE".getBytes(StandardCharsets.ISO_8859_1);
        UserError r = assertThrows(UserError.class, () -> Audio.decode(riffNotAudio, "x.wav", 16000));
        assertEquals("x.wav: truncated WAV file: no \"fmt \" chunk in its 12 bytes; re-record or re-export it",
                r.getMessage());
    }

    private static double rms(float[] x, int n) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += x[i] * (double) x[i];
        }
        return Math.sqrt(sum / n);
    }

    /** rms(decoded − reference) / rms(reference) over the reference's length. */
    private static double relativeError(float[] reference, float[] decoded) {
        double noise = 0;
        double signal = 0;
        for (int i = 0; i < reference.length; i++) {
            noise += Math.pow(decoded[i] - reference[i], 2);
            signal += Math.pow(reference[i], 2);
        }
        return Math.sqrt(noise / signal);
    }
}

package dev.perennial.audio;

import dev.perennial.UserError;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Any audio file ffmpeg reads (MP3, FLAC, OGG/Vorbis, Opus in WebM or Ogg, M4A, WAV of any codec) to mono float at
 * a given rate, by running Debian's {@code ffmpeg} with the arguments of transformers'
 * {@code pipelines/audio_utils.py} {@code ffmpeg_read}: the bytes on stdin, {@code -ac 1 -ar RATE -f f32le} on
 * stdout. The samples are therefore those the Hugging Face pipelines get (mixdown and resampling included). Only the
 * log level differs ({@code error} instead of {@code quiet}) so that a failure can say why; ffmpeg's output is the
 * same. Stricter than ffmpeg_read, which only refuses an empty result: any error ffmpeg reports (a truncated
 * FLAC or WebM, a broken stream) refuses the file.
 */
public final class FfmpegDecoder {

    /** The ffmpeg binary: {@code PERENNIAL_FFMPEG} when set, else {@code ffmpeg} on the PATH. */
    static final String BINARY = System.getenv().getOrDefault("PERENNIAL_FFMPEG", "ffmpeg");

    private FfmpegDecoder() {
    }

    /** Decodes {@code bytes} (a whole file) to mono at {@code rate}; {@code name} is for messages. */
    public static Waveform decode(byte[] bytes, String name, int rate) {
        return decode(bytes, name, rate, List.of());
    }

    /**
     * As {@link #decode(byte[], String, int)}, decoding at most {@code seconds} (ffmpeg's output option -t), so that
     * a long recording costs no more memory than that.
     */
    static Waveform decodeAtMost(byte[] bytes, String name, int rate, double seconds) {
        return decode(bytes, name, rate, List.of("-t", Double.toString(seconds)));
    }

    private static Waveform decode(byte[] bytes, String name, int rate, List<String> limit) {
        Process process = start(name, rate, limit);
        CompletableFuture<Void> feeding = CompletableFuture.runAsync(() -> feed(process, bytes));
        CompletableFuture<byte[]> errors = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
        byte[] out = readAll(process.getInputStream());
        int exit = waitFor(process);
        feeding.join();
        List<String> said = new String(errors.join(), StandardCharsets.UTF_8).lines()
                .filter(line -> !line.isBlank()).toList();
        if (exit != 0 || out.length < Float.BYTES || !said.isEmpty()) {
            String why = said.isEmpty() ? "exit status " + exit + ", no samples" : said.getLast().strip();
            throw new UserError(name + ": not a decodable audio file (ffmpeg: " + why + "); give a complete WAV, "
                    + "FLAC, MP3, OGG or WebM file");
        }
        return new Waveform(floats(out), rate);
    }

    private static Process start(String name, int rate, List<String> limit) {
        List<String> command = new ArrayList<>(List.of(BINARY, "-i", "pipe:0", "-ac", "1", "-ar",
                Integer.toString(rate)));
        command.addAll(limit);
        command.addAll(List.of("-f", "f32le", "-hide_banner", "-loglevel", "error", "pipe:1"));
        try {
            return new ProcessBuilder(command).start();
        } catch (IOException e) {
            throw new UserError(name + ": decoding this audio needs ffmpeg, which cannot be run (" + e.getMessage()
                    + "): apt-get install ffmpeg, or give a WAV file", e);
        }
    }

    /** Writes the file to ffmpeg's stdin; ffmpeg may stop reading early (a broken file), which is not an error here. */
    private static void feed(Process process, byte[] bytes) {
        try (OutputStream in = process.getOutputStream()) {
            in.write(bytes);
        } catch (IOException e) {
            // ffmpeg closed its input: it gave up, and says why on stderr
        }
    }

    private static byte[] readAll(InputStream in) {
        try (in) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int waitFor(Process process) {
        try {
            return process.waitFor();
        } catch (InterruptedException e) {
            process.destroy();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while ffmpeg was decoding", e);
        }
    }

    private static float[] floats(byte[] raw) {
        float[] out = new float[raw.length / Float.BYTES];
        ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
    }
}

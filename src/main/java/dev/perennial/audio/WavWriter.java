package dev.perennial.audio;

import dev.perennial.io.AtomicFiles;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * Writes mono audio as a 16-bit PCM WAV file (the canonical 44-byte RIFF header, then the samples), the other half
 * of {@link WavReader}. Samples are clipped to [−1, 1] and scaled by 32767, rounded half to even (as numpy rounds).
 */
public final class WavWriter {

    static final int HEADER_BYTES = 44;

    private WavWriter() {
    }

    /** The samples as 16-bit little-endian PCM, no header (OpenAI's {@code response_format: "pcm"}). */
    public static byte[] pcm16(float[] samples) {
        ByteBuffer b = ByteBuffer.allocate(samples.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (float s : samples) {
            b.putShort(toShort(s));
        }
        return b.array();
    }

    /** A whole WAV file: header and 16-bit samples. */
    public static byte[] wav(Waveform audio) {
        byte[] data = pcm16(audio.samples());
        WavHeader h = new WavHeader(WavHeader.PCM, 1, audio.rate(), 16, HEADER_BYTES, data.length);
        ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(ascii("RIFF")).putInt(HEADER_BYTES - 8 + data.length).put(ascii("WAVE"));
        b.put(ascii("fmt ")).putInt(16).putShort((short) h.format()).putShort((short) h.channels()).putInt(h.rate())
                .putInt(h.rate() * h.blockAlign()).putShort((short) h.blockAlign()).putShort((short) h.bits());
        b.put(ascii("data")).putInt(data.length).put(data);
        return b.array();
    }

    /** Writes {@link #wav} to {@code file} atomically. */
    public static void write(Path file, Waveform audio) {
        byte[] bytes = wav(audio);
        AtomicFiles.write(file, out -> out.write(bytes));
    }

    private static short toShort(float sample) {
        double clipped = Math.max(-1.0, Math.min(1.0, sample));
        return (short) Math.rint(clipped * Short.MAX_VALUE);
    }

    private static byte[] ascii(String tag) {
        return tag.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}

package dev.perennial.audio;

import dev.perennial.UserError;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * WAV files (RIFF/WAVE) to float samples, the way ffmpeg converts them (libswresample/audioconvert.c): unsigned
 * 8-bit as (x − 128)/128, signed 16/24/32-bit as x/2^15, x/2^23, x/2^31 (the 32-bit int rounded to float first),
 * float 32 as is, float 64 rounded to float. torchaudio.load gives the same numbers ({@code WavReaderTest}).
 * WAVE_FORMAT_EXTENSIBLE files with a PCM or float sub-format read the same way. Chunks other than "fmt " and
 * "data" are skipped (with their pad byte when odd-sized).
 */
public final class WavReader {

    private static final long STREAMED = 0xFFFFFFFFL;

    private WavReader() {
    }

    /** Whether the bytes start as a RIFF/WAVE file. */
    public static boolean isWav(byte[] bytes) {
        return bytes.length >= 12 && ascii(bytes, 0).equals("RIFF") && ascii(bytes, 8).equals("WAVE");
    }

    /** The format and data position of a WAV file ({@link #isWav} must hold); {@code name} is for messages. */
    public static WavHeader header(byte[] bytes, String name) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int pos = 12;
        int[] fmt = null;
        while (pos + 8 <= bytes.length) {
            String id = ascii(bytes, pos);
            long size = Integer.toUnsignedLong(b.getInt(pos + 4));
            int body = pos + 8;
            if (id.equals("fmt ")) {
                fmt = formatChunk(b, body, size, name);
            } else if (id.equals("data")) {
                if (fmt == null) {
                    throw new UserError(name + ": not a decodable WAV file (its data chunk comes before the "
                            + "\"fmt \" chunk); re-export it");
                }
                long present = bytes.length - body;
                long length = size == STREAMED ? present - present % Math.max(1, fmt[1] * fmt[3] / 8) : size;
                if (length > present) {
                    throw new UserError(name + ": truncated WAV file: its data chunk says " + length
                            + " bytes, only " + present + " are there; re-record or re-export it");
                }
                return new WavHeader(fmt[0], fmt[1], fmt[2], fmt[3], body, length);
            }
            pos = (int) Math.min(bytes.length, body + size + (size & 1));
        }
        throw new UserError(name + ": truncated WAV file: no " + (fmt == null ? "\"fmt \"" : "data")
                + " chunk in its " + bytes.length + " bytes; re-record or re-export it");
    }

    /** Reads the samples of a WAV file whose header {@link WavHeader#readInJava() reads in Java}. */
    public static Channels read(byte[] bytes, String name) {
        WavHeader h = header(bytes, name);
        if (!h.readInJava()) {
            throw new IllegalArgumentException(name + ": format " + h.format() + ", " + h.bits() + " bits, "
                    + h.channels() + " channels is ffmpeg's to read");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes, h.dataOffset(), (int) h.dataLength()).slice()
                .order(ByteOrder.LITTLE_ENDIAN);
        int frames = (int) (h.dataLength() / h.blockAlign());
        float[][] out = new float[h.channels()][frames];
        for (int i = 0; i < frames; i++) {
            for (int c = 0; c < h.channels(); c++) {
                out[c][i] = sample(b, h);
            }
        }
        return new Channels(out, h.rate());
    }

    /** The next sample as ffmpeg's sample-format conversion gives it. */
    private static float sample(ByteBuffer b, WavHeader h) {
        if (h.format() == WavHeader.IEEE_FLOAT) {
            return h.bits() == 32 ? b.getFloat() : (float) b.getDouble();
        }
        return switch (h.bits()) {
            case 8 -> ((b.get() & 0xFF) - 128) * (1f / 128);
            case 16 -> b.getShort() * (1f / (1 << 15));
            case 24 -> ((b.get() & 0xFF) | (b.get() & 0xFF) << 8 | b.get() << 16) * (1f / (1 << 23));
            default -> (float) b.getInt() * (1f / (1L << 31));
        };
    }

    /** {format tag (sub-format for EXTENSIBLE), channels, rate, bits per sample}. */
    private static int[] formatChunk(ByteBuffer b, int body, long size, String name) {
        if (size < 16 || body + size > b.capacity()) {
            throw new UserError(name + ": truncated WAV file: its \"fmt \" chunk is cut short; re-export it");
        }
        int tag = Short.toUnsignedInt(b.getShort(body));
        int channels = Short.toUnsignedInt(b.getShort(body + 2));
        int rate = b.getInt(body + 4);
        int bits = Short.toUnsignedInt(b.getShort(body + 14));
        if (tag == WavHeader.EXTENSIBLE && size >= 40) {
            tag = Short.toUnsignedInt(b.getShort(body + 24));
        }
        if (channels == 0 || rate <= 0 || bits == 0) {
            throw new UserError(name + ": not a decodable WAV file (" + channels + " channels, " + rate
                    + " Hz, " + bits + " bits); re-export it");
        }
        return new int[] {tag, channels, rate, bits};
    }

    private static String ascii(byte[] bytes, int at) {
        return new String(bytes, at, 4, StandardCharsets.US_ASCII);
    }
}

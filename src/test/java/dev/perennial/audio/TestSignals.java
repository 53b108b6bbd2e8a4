package dev.perennial.audio;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Test recordings that the Python references build the same way, and WAV files of them. */
public final class TestSignals {

    private TestSignals() {
    }

    /** clap_features.py's signal(): integers / 32768, exact in float32 and in 16-bit PCM. */
    public static float[] signal(int length, long seed) {
        float[] out = new float[length];
        long s = seed;
        for (int n = 0; n < length; n++) {
            s = (s * 1103515245L + 12345L) % (1L << 31);
            long noise = (s >> 16) - 16384;
            long p = 40 + 7L * (n / 4800);
            long tri = Math.abs(2 * (n % p) - p) * 32768 / p - 16384;
            out[n] = (float) (((tri * 3 + noise) >> 2) / 32768.0);
        }
        return out;
    }

    /** A mono 16-bit PCM WAV file of {@code samples} (each a multiple of 1/32768 in [-1, 1)). */
    public static byte[] wav16(float[] samples, int rate) {
        ByteBuffer b = ByteBuffer.allocate(44 + 2 * samples.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + 2 * samples.length)
                .put("WAVEfmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1).putShort((short) 1)
                .putInt(rate).putInt(2 * rate).putShort((short) 2).putShort((short) 16)
                .put("data".getBytes(StandardCharsets.US_ASCII)).putInt(2 * samples.length);
        for (float s : samples) {
            b.putShort((short) Math.round(s * 32768));
        }
        return b.array();
    }
}

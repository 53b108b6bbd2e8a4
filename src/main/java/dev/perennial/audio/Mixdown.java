package dev.perennial.audio;

/**
 * Channels to mono exactly as transformers' audio pipelines get it: they decode files with {@code ffmpeg -ac 1}
 * ({@code pipelines/audio_utils.py} {@code ffmpeg_read}) and refuse arrays with more than one channel
 * ({@code automatic_speech_recognition.py}: "We expect a single channel audio input"). ffmpeg's swresample mixes
 * stereo into mono with a gain of 1/√2 on each side (libswresample/rematrix.c: {@code M_SQRT1_2} for FL and FR into
 * FC; the matrix is normalised to a sum of 1, the mean, only when an integer sample format is involved, and
 * ffmpeg_read asks for f32le), so mono = (L + R)/√2, not the mean: measured with Debian's ffmpeg 5.1 on 16-bit and
 * float WAVs, and checked by {@code WavReaderTest} against it. Layouts of more channels have ffmpeg's centre/surround levels, so
 * {@link Audio} leaves them to ffmpeg.
 */
public final class Mixdown {

    /** The most channels mixed here; more go through ffmpeg. */
    public static final int MAX_CHANNELS = 2;

    private static final float SQRT1_2 = (float) Math.sqrt(0.5);

    private Mixdown() {
    }

    public static Waveform mono(Channels audio) {
        float[][] c = audio.channels();
        return switch (c.length) {
            case 1 -> new Waveform(c[0], audio.rate());
            case 2 -> new Waveform(stereo(c[0], c[1]), audio.rate());
            default -> throw new IllegalArgumentException(c.length + " channels: ffmpeg mixes more than "
                    + MAX_CHANNELS);
        };
    }

    private static float[] stereo(float[] left, float[] right) {
        float[] out = new float[left.length];
        for (int i = 0; i < out.length; i++) {
            // swresample's float path: each input times its coefficient, summed in float
            out[i] = left[i] * SQRT1_2 + right[i] * SQRT1_2;
        }
        return out;
    }
}

package dev.perennial.serve;

import dev.perennial.audio.WavWriter;
import dev.perennial.audio.Waveform;

import java.util.Random;

/**
 * The sounds of the audio apps' examples, made when the server starts rather than shipped: {@value #SECONDS} s of
 * mono 16-bit WAV at {@value #RATE} Hz (CLAP's rate), a beep (a tone with short fades) or a hiss (white noise, as
 * rain sounds).
 */
final class ExampleSounds {

    static final int RATE = 48_000;
    static final int SECONDS = 1;

    enum Sound { BEEP, HISS }

    private ExampleSounds() {
    }

    static byte[] wav(Sound sound) {
        return WavWriter.wav(waveform(sound));
    }

    static Waveform waveform(Sound sound) {
        float[] samples = new float[RATE * SECONDS];
        Random noise = new Random(7);
        int fade = RATE / 100;
        for (int n = 0; n < samples.length; n++) {
            double envelope = Math.min(1.0, Math.min(n, samples.length - 1 - n) / (double) fade);
            samples[n] = (float) (0.5 * envelope * switch (sound) {
                case BEEP -> Math.sin(2 * Math.PI * 880 * n / RATE);
                case HISS -> noise.nextDouble() * 2 - 1;
            });
        }
        return new Waveform(samples, RATE);
    }
}

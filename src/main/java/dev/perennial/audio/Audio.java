package dev.perennial.audio;

import dev.perennial.UserError;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Audio files (or uploaded bytes) to a model's input: mono float samples at the model's rate (16 kHz for Whisper,
 * 48 kHz for CLAP). Mono and stereo PCM or float WAV files are read in Java ({@link WavReader}), mixed down as ffmpeg
 * does ({@link Mixdown}) and resampled as torchaudio does ({@link SincResampler}); everything else (MP3, FLAC,
 * OGG/Vorbis, WebM/Opus, WAV of other codecs or more channels) goes through ffmpeg exactly as transformers'
 * {@code ffmpeg_read} ({@link FfmpegDecoder}).
 */
public final class Audio {

    /** The largest audio file read (about 45 minutes of 48 kHz stereo 32-bit float WAV). */
    public static final long MAX_FILE_BYTES = 1L << 30;

    private Audio() {
    }

    /** Reads an audio file as mono at {@code targetRate}. */
    public static Waveform read(Path path, int targetRate) {
        return decode(bytes(path), path.toString(), targetRate);
    }

    /** Decodes a whole audio file's bytes (an upload) as mono at {@code targetRate}; {@code name} is for messages. */
    public static Waveform decode(byte[] bytes, String name, int targetRate) {
        return decode(bytes, name, targetRate, Double.POSITIVE_INFINITY);
    }

    /**
     * As {@link #decode(byte[], String, int)}, refusing a recording longer than {@code maxSeconds} before it is
     * resampled (a WAV file) or decoded past the limit (ffmpeg), so that a small compressed upload cannot become
     * gigabytes of samples.
     */
    public static Waveform decode(byte[] bytes, String name, int targetRate, double maxSeconds) {
        if (bytes.length == 0) {
            throw new UserError(name + ": the audio file is empty; give a WAV, FLAC, MP3, OGG or WebM file");
        }
        if (WavReader.isWav(bytes) && WavReader.header(bytes, name).readInJava()) {
            Waveform mono = Mixdown.mono(WavReader.read(bytes, name));
            if (mono.samples().length == 0) {
                // ffmpeg_read refuses an empty result too ("Malformed soundfile")
                throw new UserError(name + ": the WAV file holds no samples; give a recording");
            }
            return SincResampler.resample(requireAtMost(mono, name, maxSeconds), targetRate);
        }
        if (Double.isInfinite(maxSeconds)) {
            return FfmpegDecoder.decode(bytes, name, targetRate);
        }
        // one sample more than the limit tells a recording just over it from one that fits
        return requireAtMost(FfmpegDecoder.decodeAtMost(bytes, name, targetRate, maxSeconds + 1.0 / targetRate),
                name, maxSeconds);
    }

    private static Waveform requireAtMost(Waveform audio, String name, double maxSeconds) {
        if (audio.seconds() > maxSeconds) {
            throw new UserError(String.format(Locale.ROOT, "%s: the recording is longer than the %.0f seconds "
                    + "allowed; send a shorter one", name, maxSeconds));
        }
        return audio;
    }

    private static byte[] bytes(Path path) {
        try {
            long size = Files.size(path);
            if (size > MAX_FILE_BYTES) {
                throw new UserError(path + ": the audio file is " + (size >> 20) + " MiB, more than the "
                        + (MAX_FILE_BYTES >> 20) + " MiB allowed; give a shorter recording");
            }
            return Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new UserError(path + ": no such audio file");
        } catch (IOException e) {
            throw new UserError(path + ": cannot read the audio file (" + e.getMessage() + ")", e);
        }
    }
}

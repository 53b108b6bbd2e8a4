package dev.perennial.audio;

/**
 * A RIFF/WAVE file's format chunk and where its samples are. {@code format} is the WAVE format tag, with
 * WAVE_FORMAT_EXTENSIBLE already replaced by its sub-format (the first two bytes of the sub-format GUID).
 */
public record WavHeader(int format, int channels, int rate, int bits, int dataOffset, long dataLength) {

    static final int PCM = 1;
    static final int IEEE_FLOAT = 3;
    static final int EXTENSIBLE = 0xFFFE;

    /** Whether {@link WavReader} reads the samples itself (else ffmpeg does). */
    public boolean readInJava() {
        boolean integer = format == PCM && (bits == 8 || bits == 16 || bits == 24 || bits == 32);
        boolean floating = format == IEEE_FLOAT && (bits == 32 || bits == 64);
        return (integer || floating) && channels >= 1 && channels <= Mixdown.MAX_CHANNELS;
    }

    int blockAlign() {
        return channels * bits / 8;
    }
}

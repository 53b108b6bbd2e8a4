package dev.perennial.speech;

import java.util.Arrays;

/**
 * One window of long audio, in samples: where it starts, how long it is, how much of it it shares with the window
 * before ({@code strideLeft}) and after ({@code strideRight}), and whether it is the last. chunk_iter's
 * {@code (chunk_len, stride_left, stride_right)} is {@code (length, strideLeft, strideRight)}.
 */
public record Window(int start, int length, int strideLeft, int strideRight, boolean last) {

    /** This window's samples out of the whole audio. */
    public float[] cut(float[] audio) {
        return Arrays.copyOfRange(audio, start, start + length);
    }

    /** The stride in seconds, as the pipeline's postprocess hands it to the merge. */
    public Stride stride(int rate) {
        return new Stride(length / (double) rate, strideLeft / (double) rate, strideRight / (double) rate);
    }
}

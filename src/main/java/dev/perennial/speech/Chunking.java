package dev.perennial.speech;

import dev.perennial.UserError;

import java.util.ArrayList;
import java.util.List;

/**
 * How long audio is cut into overlapping windows for a model that hears at most one window at a time, in samples at
 * the feature extractor's rate: each window is {@code chunkLength} long and shares {@code strideLeft} samples with the
 * one before it and {@code strideRight} with the one after. Ported from transformers'
 * pipelines/automatic_speech_recognition.py (AutomaticSpeechRecognitionPipeline.preprocess and chunk_iter).
 */
public record Chunking(int chunkLength, int strideLeft, int strideRight) {

    public Chunking {
        if (strideLeft < 0 || strideRight < 0 || chunkLength <= strideLeft + strideRight) {
            throw new IllegalArgumentException("chunk " + chunkLength + " with strides " + strideLeft + "/"
                    + strideRight + " samples leaves no step");
        }
    }

    /** The pipeline's default: a stride of {@code chunk_length_s / 6} on each side. */
    public static Chunking of(double chunkLengthSeconds, int rate) {
        return of(chunkLengthSeconds, chunkLengthSeconds / 6, chunkLengthSeconds / 6, rate);
    }

    /**
     * {@code chunk_length_s} and {@code stride_length_s} (left and right) in seconds, rounded to samples as
     * preprocess does ({@code int(round(seconds * rate))}, ties to even).
     */
    public static Chunking of(double chunkLengthSeconds, double strideLeftSeconds, double strideRightSeconds,
                              int rate) {
        if (!(chunkLengthSeconds > 0) || !Double.isFinite(chunkLengthSeconds)) {
            throw new UserError("chunk_length_s: " + chunkLengthSeconds + " is not a positive number of seconds; give"
                    + " the window length, e.g. 30");
        }
        if (!(strideLeftSeconds >= 0) || !(strideRightSeconds >= 0)) {
            throw new UserError("stride_length_s: " + strideLeftSeconds + "/" + strideRightSeconds + " must not be"
                    + " negative; give the overlap on each side in seconds, e.g. " + chunkLengthSeconds / 6);
        }
        int chunk = samples(chunkLengthSeconds, rate);
        int left = samples(strideLeftSeconds, rate);
        int right = samples(strideRightSeconds, rate);
        if (chunk < left + right) {
            // transformers: ValueError("Chunk length must be superior to stride length")
            throw new UserError("stride_length_s: the strides " + strideLeftSeconds + " s + " + strideRightSeconds
                    + " s are longer than chunk_length_s " + chunkLengthSeconds + " s (chunk length must be superior"
                    + " to stride length); use strides under half the chunk, by default chunk_length_s / 6");
        }
        if (chunk == left + right) {
            // transformers fails here too, in range() with a step of 0
            throw new UserError("stride_length_s: the strides " + strideLeftSeconds + " s + " + strideRightSeconds
                    + " s fill chunk_length_s " + chunkLengthSeconds + " s and leave no step between windows; use"
                    + " strides under half the chunk, by default chunk_length_s / 6");
        }
        return new Chunking(chunk, left, right);
    }

    /** Windows start this many samples apart. */
    public int step() {
        return chunkLength - strideLeft - strideRight;
    }

    /**
     * The windows over {@code samples} samples as chunk_iter yields them: the first has no left stride, the last
     * (the first to reach the end) no right stride and may be shorter; a final piece no longer than its left stride
     * (already heard by the window before) is not yielded. Audio shorter than one chunk is one window; no samples,
     * no windows.
     */
    public List<Window> windows(int samples) {
        List<Window> windows = new ArrayList<>();
        for (long start = 0; start < samples; start += step()) {
            long end = start + chunkLength;
            int length = (int) (Math.min(end, samples) - start);
            boolean last = end >= samples;
            int left = start == 0 ? 0 : strideLeft;
            int right = last ? 0 : strideRight;
            if (length > left) {
                windows.add(new Window((int) start, length, left, right, last));
            }
            if (last) {
                break;
            }
        }
        return windows;
    }

    private static int samples(double seconds, int rate) {
        return Math.toIntExact((long) Math.rint(seconds * rate));
    }
}

package dev.perennial.speech;

/**
 * A stretch of the transcript with its times in seconds from the start of the audio. A time transformers leaves as
 * None is NaN here: the end of a last segment the model did not close (audio cut off mid-word), or both times of text
 * that came with no timestamps although they were asked for.
 */
public record Segment(double start, double end, String text) {

    public boolean hasStart() {
        return !Double.isNaN(start);
    }

    public boolean hasEnd() {
        return !Double.isNaN(end);
    }
}

package dev.perennial.speech;

import java.util.List;

/**
 * What speech recognition made of an audio: the whole text, and with timestamps its segments in order (transformers'
 * {@code chunks}); without timestamps there are no segments.
 */
public record Transcript(String text, List<Segment> segments) {

    public Transcript {
        segments = List.copyOf(segments);
    }
}

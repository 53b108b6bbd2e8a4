package dev.perennial.speech;

import java.util.List;

/**
 * What the model produced for one window: its token ids (with the start tokens, timestamps and end token as
 * generated), and the window's stride, or null for audio that was not chunked (one window, or the concatenated
 * segments of sequential long-form decoding).
 */
public record WindowTokens(List<Integer> tokens, Stride stride) {

    public WindowTokens {
        tokens = List.copyOf(tokens);
    }

    public static WindowTokens unchunked(List<Integer> tokens) {
        return new WindowTokens(tokens, null);
    }
}

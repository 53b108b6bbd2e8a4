package dev.perennial.speech;

/**
 * The logits processors Whisper decodes with, in generation_whisper.py's _retrieve_logit_processors order:
 * SuppressTokensAtBeginLogitsProcessor (begin_suppress_tokens at the first generated token),
 * SuppressTokensLogitsProcessor (suppress_tokens always), then, with timestamps, {@link TimestampRules}. Applied in
 * place to a row of logits (greedy) or of log-probabilities (beam search, which transformers processes after
 * log_softmax).
 */
final class WhisperLogits {

    private final int[] suppress;
    private final int[] beginSuppress;
    private final TimestampRules timestamps;

    WhisperLogits(WhisperGenerationConfig gen, boolean timestamps) {
        this.suppress = gen.suppressTokens().stream().mapToInt(Integer::intValue).toArray();
        this.beginSuppress = gen.beginSuppressTokens().stream().mapToInt(Integer::intValue).toArray();
        this.timestamps = timestamps ? new TimestampRules(gen) : null;
    }

    /** Processes {@code scores}, the next token's after {@code generated} (the tokens after the prompt). */
    void apply(int[] generated, float[] scores) {
        if (generated.length == 0) {
            mask(scores, beginSuppress);
        }
        mask(scores, suppress);
        if (timestamps != null) {
            timestamps.apply(generated, scores);
        }
    }

    private static void mask(float[] scores, int[] tokens) {
        for (int t : tokens) {
            if (t < scores.length) {
                scores[t] = Float.NEGATIVE_INFINITY;
            }
        }
    }
}

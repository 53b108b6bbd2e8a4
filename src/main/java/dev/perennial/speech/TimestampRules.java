package dev.perennial.speech;

import java.util.Arrays;

/**
 * transformers' WhisperTimeStampLogitsProcessor (generation/logits_process.py) on one row of scores, in place:
 * {@code <|notimestamps|>} is never predicted; timestamps come in pairs (after a pair, text must follow; after a lone
 * timestamp, a timestamp or end of text), never decrease (and a new pair does not repeat the last time); the first
 * token is a timestamp no later than max_initial_timestamp_index; and when the timestamps together are more probable
 * than the most probable text token, only timestamps remain.
 */
final class TimestampRules {

    private final int noTimestamps;
    private final int begin;
    private final int eos;
    private final int maxInitialIndex;

    TimestampRules(WhisperGenerationConfig gen) {
        this.noTimestamps = gen.noTimestampsTokenId();
        this.begin = gen.timestampBegin();
        this.eos = gen.eosTokenId();
        this.maxInitialIndex = gen.maxInitialTimestampIndex();
    }

    /** Applies the rules to {@code scores} of the token after {@code generated} (the tokens after the prompt). */
    void apply(int[] generated, float[] scores) {
        float minus = Float.NEGATIVE_INFINITY;
        scores[noTimestamps] = minus;
        int n = generated.length;
        boolean lastWasTimestamp = n >= 1 && generated[n - 1] >= begin;
        boolean penultimateWasTimestamp = n < 2 || generated[n - 2] >= begin;
        if (lastWasTimestamp) {
            if (penultimateWasTimestamp) {
                Arrays.fill(scores, begin, scores.length, minus);
            } else {
                Arrays.fill(scores, 0, eos, minus);
            }
        }
        int lastTimestamp = -1;
        for (int token : generated) {
            if (token >= begin) {
                lastTimestamp = token;
            }
        }
        if (lastTimestamp >= 0) {
            int allowedFrom = lastWasTimestamp && !penultimateWasTimestamp ? lastTimestamp : lastTimestamp + 1;
            Arrays.fill(scores, begin, Math.min(allowedFrom, scores.length), minus);
        }
        if (n == 0) {
            Arrays.fill(scores, 0, begin, minus);
            if (maxInitialIndex >= 0) {
                Arrays.fill(scores, Math.min(begin + maxInitialIndex + 1, scores.length), scores.length, minus);
            }
        }
        if (timestampsOutweighText(scores)) {
            Arrays.fill(scores, 0, begin, minus);
        }
    }

    /**
     * log Σ softmax over the timestamps &gt; the largest log-softmax of a text token; both share the softmax's
     * normaliser, so the raw scores compare the same way.
     */
    private boolean timestampsOutweighText(float[] scores) {
        double maxText = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < begin; i++) {
            maxText = Math.max(maxText, scores[i]);
        }
        double maxStamp = Double.NEGATIVE_INFINITY;
        for (int i = begin; i < scores.length; i++) {
            maxStamp = Math.max(maxStamp, scores[i]);
        }
        if (maxStamp == Double.NEGATIVE_INFINITY) {
            return false;
        }
        double sum = 0;
        for (int i = begin; i < scores.length; i++) {
            sum += Math.exp(scores[i] - maxStamp);
        }
        return maxStamp + Math.log(sum) > maxText;
    }
}

package dev.perennial.generate;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The processors on hand-made sequences, against transformers' rules worked out by hand. */
class LogitsProcessorTest {

    private static final float NEG = Float.NEGATIVE_INFINITY;

    @Test
    void noRepeatNGramBansEveryTokenThatFollowedTheLastTokensBefore() {
        float[] scores = new float[8];
        // bigrams (2,5) (5,6) (6,5) (5,7) (7,5): after a final 5, tokens 6 and 7 would repeat one
        new LogitsProcessor.NoRepeatNGram(2).apply(new int[] {2, 5, 6, 5, 7, 5}, scores);
        assertThat(scores).containsExactly(0, 0, 0, 0, 0, 0, NEG, NEG);
    }

    @Test
    void noRepeatNGramWaitsForASequenceLongEnough() {
        float[] scores = new float[4];
        new LogitsProcessor.NoRepeatNGram(3).apply(new int[] {1}, scores);
        assertThat(scores).containsOnly(0f);
    }

    @Test
    void minLengthHoldsEosBackUntilTheSequenceIsLongEnough() {
        float[] early = {1, 2, 3};
        new LogitsProcessor.MinLength(3, 2).apply(new int[] {2, 0}, early);
        assertThat(early).containsExactly(1, 2, NEG);
        float[] late = {1, 2, 3};
        new LogitsProcessor.MinLength(3, 2).apply(new int[] {2, 0, 1}, late);
        assertThat(late).containsExactly(1, 2, 3);
    }

    @Test
    void forcedBosAndEosLeaveOnlyTheirTokenAtTheirStep() {
        float[] first = {1, 2, 3};
        new LogitsProcessor.ForcedBos(0).apply(new int[] {2}, first);
        assertThat(first).containsExactly(0, NEG, NEG);
        float[] last = {1, 2, 3};
        new LogitsProcessor.ForcedEos(4, 2).apply(new int[] {2, 0, 1}, last);
        assertThat(last).containsExactly(NEG, NEG, 0);
        float[] before = {1, 2, 3};
        new LogitsProcessor.ForcedEos(4, 2).apply(new int[] {2, 0}, before);
        assertThat(before).containsExactly(1, 2, 3);
    }

    @Test
    void encoderNgramsAreBannedAfterTheirFirstTokensByHand() {
        // the input holds the 3-grams (5 6 7), (6 7 8) and (5 6 9): after "5 6", 7 and 9 are banned
        LogitsProcessor ban = LogitsProcessor.EncoderNoRepeatNGram.of(3, new int[] {5, 6, 7, 8, 5, 6, 9});
        float[] scores = new float[12];
        ban.apply(new int[] {2, 5, 6}, scores);
        for (int t = 0; t < scores.length; t++) {
            assertThat(scores[t]).as("token " + t).isEqualTo(t == 7 || t == 9 ? Float.NEGATIVE_INFINITY : 0f);
        }
        float[] untouched = new float[12];
        ban.apply(new int[] {2, 6, 5}, untouched);
        ban.apply(new int[] {2}, untouched);
        assertThat(untouched).containsOnly(0f);
    }
}

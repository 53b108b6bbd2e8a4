package dev.perennial.generate;

import java.util.Arrays;

/**
 * The logits processors that an encoder-decoder's generation config turns on, as transformers' logits_process.py
 * writes them. Each changes one row's scores (logits for greedy decoding, log-probabilities for beam search) in
 * place, given the row's decoder sequence so far, the decoder start token included (transformers' input_ids).
 */
public sealed interface LogitsProcessor {

    void apply(int[] sequence, float[] scores);

    /** NoRepeatNGramLogitsProcessor: a token that would repeat an n-gram of the sequence is banned. */
    record NoRepeatNGram(int n) implements LogitsProcessor {
        @Override
        public void apply(int[] sequence, float[] scores) {
            int length = sequence.length;
            if (length + 1 < n) {
                return;
            }
            // _get_ngrams / _get_generated_ngrams: every earlier n-gram whose first n-1 tokens end the sequence
            for (int start = 0; start + n - 1 < length; start++) {
                if (Arrays.equals(sequence, start, start + n - 1, sequence, length - n + 1, length)) {
                    scores[sequence[start + n - 1]] = Float.NEGATIVE_INFINITY;
                }
            }
        }
    }

    /** MinLengthLogitsProcessor: no eos while the sequence is shorter than min_length. */
    record MinLength(int minLength, int eos) implements LogitsProcessor {
        @Override
        public void apply(int[] sequence, float[] scores) {
            if (sequence.length < minLength) {
                scores[eos] = Float.NEGATIVE_INFINITY;
            }
        }
    }

    /** ForcedBOSTokenLogitsProcessor: the first generated token is {@code bos}. */
    record ForcedBos(int bos) implements LogitsProcessor {
        @Override
        public void apply(int[] sequence, float[] scores) {
            if (sequence.length == 1) {
                force(scores, bos);
            }
        }
    }

    /** ForcedEOSTokenLogitsProcessor: the token that reaches max_length is {@code eos}. */
    record ForcedEos(int maxLength, int eos) implements LogitsProcessor {
        @Override
        public void apply(int[] sequence, float[] scores) {
            if (sequence.length == maxLength - 1) {
                force(scores, eos);
            }
        }
    }

    private static void force(float[] scores, int token) {
        Arrays.fill(scores, Float.NEGATIVE_INFINITY);
        scores[token] = 0;
    }
}

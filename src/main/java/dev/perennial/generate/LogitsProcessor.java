package dev.perennial.generate;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

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

    /**
     * EncoderNoRepeatNGramLogitsProcessor: a token that would complete an n-gram of the encoder's input is banned;
     * {@code banned} maps each input n-gram's first n-1 tokens to the tokens that followed them (_get_ngrams over the
     * input, _get_generated_ngrams over the sequence's last n-1 tokens).
     */
    record EncoderNoRepeatNGram(int n, Map<List<Integer>, Set<Integer>> banned)
            implements LogitsProcessor {

        static EncoderNoRepeatNGram of(int n, int[] input) {
            Map<List<Integer>, Set<Integer>> banned = new HashMap<>();
            for (int start = 0; start + n <= input.length; start++) {
                banned.computeIfAbsent(prefix(input, start, n - 1), k -> new TreeSet<>())
                        .add(input[start + n - 1]);
            }
            return new EncoderNoRepeatNGram(n, banned);
        }

        @Override
        public void apply(int[] sequence, float[] scores) {
            if (sequence.length < n - 1) {
                return;
            }
            for (int token : banned.getOrDefault(prefix(sequence, sequence.length - n + 1, n - 1),
                    Set.of())) {
                scores[token] = Float.NEGATIVE_INFINITY;
            }
        }

        private static List<Integer> prefix(int[] ids, int from, int length) {
            return Arrays.stream(ids, from, from + length).boxed().toList();
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

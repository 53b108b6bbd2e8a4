package dev.perennial.tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.regex.Matcher;

/**
 * Learns a byte-level BPE vocabulary (Sennrich et al. 2016, as GPT-2 and Hugging Face tokenizers do it): start
 * from the 256 byte symbols, and repeatedly merge the most frequent adjacent pair inside pre-tokenized words,
 * until the vocabulary (plus the end-of-text token) has the requested size or no pair occurs twice.
 * Ties go to the pair with the smaller ids, so training is deterministic.
 */
public final class BpeTrainer {

    /** The learned vocabulary in id order (byte-level strings) and the merges in rank order. */
    public record Model(List<String> tokens, List<int[]> merges) {
    }

    private static final int MIN_FREQUENCY = 2;

    private final int targetTokens;
    private final Map<String, long[]> wordCounts = new HashMap<>();

    /** @param vocabSize the final vocabulary size, the end-of-text token included */
    public BpeTrainer(int vocabSize) {
        if (vocabSize < 257) {
            throw new IllegalArgumentException("a byte-level BPE vocabulary needs at least 257 entries, not " + vocabSize);
        }
        this.targetTokens = vocabSize - 1;
    }

    /** Counts the pre-tokenized words of one text. */
    public void add(String text) {
        Matcher m = ByteLevel.pieces(text);
        while (m.find()) {
            wordCounts.computeIfAbsent(ByteLevel.map(m.group()), w -> new long[1])[0]++;
        }
    }

    public int distinctWords() {
        return wordCounts.size();
    }

    public Model train() {
        List<String> tokens = new ArrayList<>(targetTokens);
        Map<String, Integer> byteIds = new HashMap<>();
        for (int b = 0; b < 256; b++) {
            String symbol = String.valueOf(ByteLevel.charOf(b));
            byteIds.put(symbol, b);
            tokens.add(symbol);
        }
        Words words = new Words(wordCounts, byteIds);
        List<int[]> merges = new ArrayList<>();
        while (tokens.size() < targetTokens) {
            long best = words.mostFrequentPair();
            if (best < 0) {
                break;
            }
            int left = (int) (best >>> 32);
            int right = (int) best;
            int merged = tokens.size();
            tokens.add(tokens.get(left) + tokens.get(right));
            merges.add(new int[] {left, right});
            words.merge(best, merged);
        }
        return new Model(List.copyOf(tokens), List.copyOf(merges));
    }

    /** The distinct words as symbol arrays with their counts, and the pair statistics kept up to date. */
    private static final class Words {
        private final int[][] symbols;
        private final long[] counts;
        private final Map<Long, Long> pairCounts = new HashMap<>();
        private final Map<Long, Set<Integer>> wordsWithPair = new HashMap<>();
        /** Candidates as {count, pair}; stale entries are re-checked when they come out. */
        private final PriorityQueue<long[]> queue = new PriorityQueue<>((a, b) ->
                a[0] != b[0] ? Long.compare(b[0], a[0]) : Long.compare(a[1], b[1]));

        Words(Map<String, long[]> wordCounts, Map<String, Integer> byteIds) {
            List<String> sorted = wordCounts.keySet().stream().sorted().toList();
            symbols = new int[sorted.size()][];
            counts = new long[sorted.size()];
            for (int w = 0; w < sorted.size(); w++) {
                String word = sorted.get(w);
                symbols[w] = word.chars().map(c -> byteIds.get(String.valueOf((char) c))).toArray();
                counts[w] = wordCounts.get(word)[0];
                for (long pair : pairs(symbols[w])) {
                    pairCounts.merge(pair, counts[w] * occurrences(symbols[w], pair), Long::sum);
                    wordsWithPair.computeIfAbsent(pair, p -> new HashSet<>()).add(w);
                }
            }
            pairCounts.forEach((pair, count) -> queue.add(new long[] {count, pair}));
        }

        long mostFrequentPair() {
            while (!queue.isEmpty()) {
                long[] top = queue.poll();
                long current = pairCounts.getOrDefault(top[1], 0L);
                if (current == top[0]) {
                    return current >= MIN_FREQUENCY ? top[1] : -1;
                }
                if (current > 0) {
                    queue.add(new long[] {current, top[1]});
                }
            }
            return -1;
        }

        void merge(long pair, int merged) {
            Set<Integer> affected = wordsWithPair.remove(pair);
            Set<Long> touched = new HashSet<>();
            for (int w : affected.stream().sorted().toList()) {
                int[] before = symbols[w];
                int[] after = replace(before, pair, merged);
                for (long p : pairs(before)) {
                    pairCounts.merge(p, -counts[w] * occurrences(before, p), Long::sum);
                    Set<Integer> with = wordsWithPair.get(p);
                    if (with != null) {
                        with.remove(w);
                    }
                }
                for (long p : pairs(after)) {
                    pairCounts.merge(p, counts[w] * occurrences(after, p), Long::sum);
                    wordsWithPair.computeIfAbsent(p, k -> new HashSet<>()).add(w);
                    touched.add(p);
                }
                symbols[w] = after;
            }
            pairCounts.remove(pair);
            for (long p : touched) {
                long count = pairCounts.getOrDefault(p, 0L);
                if (count > 0) {
                    queue.add(new long[] {count, p});
                }
            }
        }

        private static int[] replace(int[] word, long pair, int merged) {
            int left = (int) (pair >>> 32);
            int right = (int) pair;
            int[] out = new int[word.length];
            int n = 0;
            for (int i = 0; i < word.length; i++) {
                if (i + 1 < word.length && word[i] == left && word[i + 1] == right) {
                    out[n++] = merged;
                    i++;
                } else {
                    out[n++] = word[i];
                }
            }
            return Arrays.copyOf(out, n);
        }

        private static Set<Long> pairs(int[] word) {
            Set<Long> pairs = new LinkedHashSet<>();
            for (int i = 0; i + 1 < word.length; i++) {
                pairs.add(pair(word[i], word[i + 1]));
            }
            return pairs;
        }

        /** Non-overlapping occurrences, counted the way {@link #replace} merges them. */
        private static long occurrences(int[] word, long pair) {
            int left = (int) (pair >>> 32);
            int right = (int) pair;
            long n = 0;
            for (int i = 0; i + 1 < word.length; i++) {
                if (word[i] == left && word[i + 1] == right) {
                    n++;
                    i++;
                }
            }
            return n;
        }

        private static long pair(int left, int right) {
            return ((long) left << 32) | (right & 0xffffffffL);
        }
    }

    /** Iterates texts into a trainer; a convenience for callers holding a stream of documents. */
    public static Model train(Iterator<String> texts, int vocabSize) {
        BpeTrainer trainer = new BpeTrainer(vocabSize);
        texts.forEachRemaining(trainer::add);
        return trainer.train();
    }
}

package dev.perennial.generate;

import java.util.Arrays;
import java.util.stream.IntStream;
import java.util.SplittableRandom;

/** Picks a token from one position's logits, greedily or by seeded sampling with temperature, top-k and top-p. */
public final class TokenPicker {

    private final Sampling sampling;
    private final SplittableRandom random;

    TokenPicker(Sampling sampling) {
        this.sampling = sampling;
        this.random = new SplittableRandom(sampling.seed());
    }

    /**
     * The next token after {@code tokens[0, length)}, of which the first {@code promptLength} are the prompt;
     * {@code logits} are left as the model gave them (log-probabilities are reported from those).
     */
    int pick(float[] logits, int[] tokens, int promptLength, int length) {
        return pick(sampling.penalises() ? penalised(logits, tokens, promptLength, length) : logits);
    }

    /** The logits after the repetition penalty (prompt and output), then frequency and presence (output only). */
    float[] penalised(float[] logits, int[] tokens, int promptLength, int length) {
        float[] out = logits.clone();
        double repetition = sampling.repetitionPenalty();
        if (repetition != 1) {
            boolean[] seen = new boolean[out.length];
            for (int i = 0; i < length; i++) {
                int t = tokens[i];
                if (t >= 0 && t < out.length && !seen[t]) {
                    seen[t] = true;
                    out[t] = (float) (out[t] < 0 ? out[t] * repetition : out[t] / repetition);
                }
            }
        }
        if (sampling.frequencyPenalty() != 0 || sampling.presencePenalty() != 0) {
            int[] counts = new int[out.length];
            for (int i = promptLength; i < length; i++) {
                if (tokens[i] >= 0 && tokens[i] < out.length) {
                    counts[tokens[i]]++;
                }
            }
            for (int t = 0; t < out.length; t++) {
                if (counts[t] > 0) {
                    out[t] = (float) (out[t] - sampling.frequencyPenalty() * counts[t] - sampling.presencePenalty());
                }
            }
        }
        return out;
    }

    int pick(float[] logits) {
        if (sampling.temperature() == 0) {
            return argmax(logits);
        }
        int[] order = candidates(logits, sampling.topK());
        double[] probs = distribution(logits, order, sampling);
        double u = random.nextDouble();
        int last = order[0];
        for (int token : order) {
            if (probs[token] == 0) {
                break;
            }
            last = token;
            u -= probs[token];
            if (u < 0) {
                return token;
            }
        }
        return last;
    }

    /**
     * The probability of each token that sampling draws from: the logits divided by the temperature, then
     * transformers' TopKLogitsWarper (tokens below the k-th largest score removed, ties with it kept), then
     * TopPLogitsWarper (in ascending order, tokens whose cumulative probability is at most 1 - top_p removed, the
     * most likely always kept), then softmax (generation/logits_process.py; warpers in _get_logits_processor's
     * order). {@code sampling}'s temperature is above 0.
     */
    static double[] distribution(float[] logits, Sampling sampling) {
        return distribution(logits, candidates(logits, sampling.topK()), sampling);
    }

    /** The distribution over {@code order}, the top-k candidates largest first (every other token has 0). */
    private static double[] distribution(float[] logits, int[] order, Sampling sampling) {
        int keep = order.length;
        double max = logits[order[0]] / sampling.temperature();
        double[] weights = new double[keep];
        double total = 0;
        for (int i = 0; i < keep; i++) {
            weights[i] = Math.exp(logits[order[i]] / sampling.temperature() - max);
            total += weights[i];
        }
        if (sampling.topP() < 1) {
            // TopPLogitsWarper's cumulative sum runs from the least likely token up
            double below = 0;
            int nucleus = keep;
            for (int i = keep - 1; i > 0; i--) {
                below += weights[i] / total;
                if (below > 1 - sampling.topP()) {
                    break;
                }
                nucleus = i;
            }
            keep = nucleus;
            total = 0;
            for (int i = 0; i < keep; i++) {
                total += weights[i];
            }
        }
        double[] probs = new double[logits.length];
        for (int i = 0; i < keep; i++) {
            probs[order[i]] = weights[i] / total;
        }
        return probs;
    }

    /**
     * The tokens top-k keeps, largest logit first, equal logits in id order: every token when {@code topK} is 0,
     * else those at least as large as the k-th largest logit (found with a min-heap of k, without sorting all).
     */
    private static int[] candidates(float[] logits, int topK) {
        int n = logits.length;
        int[] ids;
        if (topK <= 0 || topK >= n) {
            ids = new int[n];
            Arrays.setAll(ids, i -> i);
        } else {
            float kth = kthLargest(logits, topK);
            ids = IntStream.range(0, n).filter(i -> logits[i] >= kth).toArray();
        }
        long[] keys = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            int bits = Float.floatToIntBits(logits[ids[i]]);
            int ascending = bits ^ ((bits >> 31) & 0x7fffffff);
            keys[i] = ((long) ~ascending << 32) | ids[i];
        }
        Arrays.sort(keys);
        for (int i = 0; i < ids.length; i++) {
            ids[i] = (int) keys[i];
        }
        return ids;
    }

    /** The k-th largest of {@code values} (0 < k < length), through a min-heap of the k largest so far. */
    private static float kthLargest(float[] values, int k) {
        float[] heap = Arrays.copyOf(values, k);
        for (int i = k / 2 - 1; i >= 0; i--) {
            siftDown(heap, i);
        }
        for (int i = k; i < values.length; i++) {
            if (values[i] > heap[0]) {
                heap[0] = values[i];
                siftDown(heap, 0);
            }
        }
        return heap[0];
    }

    private static void siftDown(float[] heap, int at) {
        int i = at;
        while (true) {
            int smallest = i;
            int left = 2 * i + 1;
            int right = left + 1;
            if (left < heap.length && heap[left] < heap[smallest]) {
                smallest = left;
            }
            if (right < heap.length && heap[right] < heap[smallest]) {
                smallest = right;
            }
            if (smallest == i) {
                return;
            }
            float swap = heap[i];
            heap[i] = heap[smallest];
            heap[smallest] = swap;
            i = smallest;
        }
    }

    /** The index of the largest logit, the first of equal maxima (as torch.argmax). */
    public static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }
}

package dev.perennial.generate;

import java.util.Arrays;
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
        int n = logits.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Float.compare(logits[b], logits[a]));
        int keep = sampling.topK() > 0 ? Math.min(sampling.topK(), n) : n;
        double max = logits[order[0]];
        double[] probs = new double[keep];
        double total = 0;
        for (int i = 0; i < keep; i++) {
            probs[i] = Math.exp((logits[order[i]] - max) / sampling.temperature());
            total += probs[i];
        }
        // top-p: the smallest prefix (most likely first) whose probability reaches p
        double cumulative = 0;
        int nucleus = keep;
        for (int i = 0; i < keep; i++) {
            cumulative += probs[i] / total;
            if (cumulative >= sampling.topP()) {
                nucleus = i + 1;
                break;
            }
        }
        double mass = 0;
        for (int i = 0; i < nucleus; i++) {
            mass += probs[i];
        }
        double u = random.nextDouble() * mass;
        for (int i = 0; i < nucleus; i++) {
            u -= probs[i];
            if (u < 0) {
                return order[i];
            }
        }
        return order[nucleus - 1];
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

package dev.perennial.generate;

import dev.perennial.UserError;

import java.util.List;

/**
 * How to pick each next token: greedy when {@code temperature} is 0, else sampling from the softmax of
 * logits/temperature restricted to the {@code topK} most likely tokens (0: all) and to the smallest set whose
 * probability reaches {@code topP}; {@code seed} fixes the draws. Generation ends after {@code maxNewTokens},
 * at the end-of-text token, or when the text contains one of {@code stop}.
 */
public record Sampling(int maxNewTokens, double temperature, int topK, double topP, List<String> stop, long seed) {

    public Sampling {
        stop = List.copyOf(stop);
        if (maxNewTokens < 0) {
            throw new UserError("max new tokens " + maxNewTokens + " must be 0 or more");
        }
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new UserError("temperature " + temperature + " must be 0 (greedy) or above");
        }
        if (topK < 0) {
            throw new UserError("top-k " + topK + " must be 0 (off) or more");
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new UserError("top-p " + topP + " is not in (0, 1]");
        }
    }

    public static Sampling greedy(int maxNewTokens) {
        return new Sampling(maxNewTokens, 0, 0, 1, List.of(), 0);
    }
}

package dev.perennial.generate;

import dev.perennial.UserError;

import java.util.List;

/**
 * How to pick each next token: greedy when {@code temperature} is 0, else sampling from the softmax of
 * logits/temperature restricted to the {@code topK} most likely tokens (0: all) and to the smallest set whose
 * probability reaches {@code topP}; {@code seed} fixes the draws. Generation ends after {@code maxNewTokens},
 * at the end-of-text token, or when the text contains one of {@code stop}. Before picking, the logits are penalised
 * for repetition: {@code repetitionPenalty} as transformers' RepetitionPenaltyLogitsProcessor (a logit of a token
 * already in the prompt or the output is divided by it when positive, multiplied when negative; 1 is off), then
 * OpenAI's {@code frequencyPenalty} and {@code presencePenalty} (each token's logit minus frequency × its count in the
 * output so far, minus presence when that count is above 0; 0 is off).
 */
public record Sampling(int maxNewTokens, double temperature, int topK, double topP, List<String> stop, long seed,
                       double frequencyPenalty, double presencePenalty, double repetitionPenalty) {

    /** Without penalties. */
    public Sampling(int maxNewTokens, double temperature, int topK, double topP, List<String> stop, long seed) {
        this(maxNewTokens, temperature, topK, topP, stop, seed, 0, 0, 1);
    }

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
        if (!(frequencyPenalty >= -2 && frequencyPenalty <= 2) || !(presencePenalty >= -2 && presencePenalty <= 2)) {
            throw new UserError("frequency and presence penalties must be in [-2, 2] (as OpenAI's), not "
                    + frequencyPenalty + " and " + presencePenalty);
        }
        if (!(repetitionPenalty > 0) || Double.isInfinite(repetitionPenalty)) {
            throw new UserError("repetition penalty " + repetitionPenalty + " must be above 0 (1 is off)");
        }
    }

    /** Whether any penalty changes the logits. */
    boolean penalises() {
        return frequencyPenalty != 0 || presencePenalty != 0 || repetitionPenalty != 1;
    }

    public static Sampling greedy(int maxNewTokens) {
        return new Sampling(maxNewTokens, 0, 0, 1, List.of(), 0);
    }
}

package dev.perennial.generate;

import dev.perennial.UserError;
import dev.perennial.model.KvCache;
import dev.perennial.model.Model;
import dev.perennial.tensor.Tensors;
import dev.perennial.tokenizer.Tokenizer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Autoregressive generation. With the KV cache (the default) the prompt is run once and then each step feeds
 * one token; without it every step runs the whole sequence again (for comparison). Every step runs inside its
 * own PointerScope; the cache is allocated once, before the first step.
 */
public final class Generator {

    /** Why generation ended: the token budget, the end-of-text token, a stop sequence, or the listener. */
    public enum Finish { LENGTH, EOS, STOP, CANCELLED }

    /** The generated text and ids, and the prompt's length in tokens. */
    public record Result(String text, int[] tokens, int promptTokens, Finish finish) {
    }

    /** Sees each chosen token with the raw logits it was chosen from; returns false to stop generating. */
    @FunctionalInterface
    public interface StepListener {
        boolean onToken(int token, float[] logits);
    }

    /** Sees the text as it grows, in whole characters, with the tokens that completed it; false stops. */
    @FunctionalInterface
    public interface TextListener {
        boolean onPiece(String text, List<TokenLogProbs.Scored> tokens);
    }

    private Generator() {
    }

    /** Generated token ids after {@code prompt}; {@code listener} sees each id as it is chosen. */
    public static int[] generateIds(Model model, int[] prompt, Sampling sampling, int eosId, boolean useCache,
                                    StepListener listener) {
        if (prompt.length == 0) {
            throw new UserError("the prompt is empty; give at least one token of text");
        }
        int capacity = prompt.length + sampling.maxNewTokens();
        if (capacity > model.config().maxPositions()) {
            throw new UserError("prompt (" + prompt.length + " tokens) plus " + sampling.maxNewTokens()
                    + " new tokens exceed the model's " + model.config().maxPositions() + " positions");
        }
        TokenPicker picker = new TokenPicker(sampling);
        int[] tokens = Arrays.copyOf(prompt, capacity);
        int length = prompt.length;
        try (NoGradGuard guard = new NoGradGuard();
             KvCache cache = useCache ? model.newCache(1, capacity) : null) {
            for (int step = 0; step < sampling.maxNewTokens(); step++) {
                float[] logits;
                try (PointerScope scope = new PointerScope()) {
                    int from = useCache ? (step == 0 ? 0 : length - 1) : 0;
                    long[] input = new long[length - from];
                    for (int i = from; i < length; i++) {
                        input[i - from] = tokens[i];
                    }
                    Tensor ids = Tensors.fromLongs(input, 1, input.length);
                    Tensor all = useCache ? model.logits(ids, cache) : model.logits(ids);
                    logits = Tensors.toFloats(all.select(1, all.size(1) - 1).select(0, 0));
                }
                int next = picker.pick(logits, tokens, prompt.length, length);
                tokens[length++] = next;
                if (!listener.onToken(next, logits) || next == eosId) {
                    break;
                }
            }
        }
        return Arrays.copyOfRange(tokens, prompt.length, length);
    }

    /**
     * Generates text after {@code prompt}. {@code listener} receives the text as it grows (whole characters only,
     * stop sequences cut off) with each token's log-probability and its {@code topLogProbs} most likely
     * alternatives; when it returns false, generation stops with {@link Finish#CANCELLED}.
     */
    public static Result generate(Model model, Tokenizer tokenizer, String prompt, Sampling sampling,
                                  int topLogProbs, TextListener listener) {
        return generate(model, tokenizer, tokenizer.encode(prompt), sampling, topLogProbs, listener);
    }

    /** As {@link #generate(Model, Tokenizer, String, Sampling, int, TextListener)}, from prompt token ids. */
    public static Result generate(Model model, Tokenizer tokenizer, int[] promptIds, Sampling sampling,
                                  int topLogProbs, TextListener listener) {
        StringBuilder emitted = new StringBuilder();
        Finish[] finish = {Finish.LENGTH};
        List<Integer> generated = new ArrayList<>();
        List<TokenLogProbs.Scored> pending = new ArrayList<>();
        int[] ids = generateIds(model, promptIds, sampling, tokenizer.eosId(), true, (token, logits) -> {
            if (token == tokenizer.eosId()) {
                finish[0] = Finish.EOS;
                return false;
            }
            generated.add(token);
            pending.add(TokenLogProbs.scored(tokenizer, token, logits, topLogProbs));
            String text = tokenizer.decode(generated.stream().mapToInt(Integer::intValue).toArray());
            int stopAt = firstStop(text, sampling);
            if (stopAt >= 0) {
                text = text.substring(0, stopAt);
                finish[0] = Finish.STOP;
            }
            if (!text.endsWith("\uFFFD") && text.length() > emitted.length()) {
                boolean more = listener.onPiece(text.substring(emitted.length()), List.copyOf(pending));
                pending.clear();
                emitted.setLength(0);
                emitted.append(text);
                if (!more) {
                    finish[0] = Finish.CANCELLED;
                }
            }
            return finish[0] == Finish.LENGTH;
        });
        String text = tokenizer.decode(generated.stream().mapToInt(Integer::intValue).toArray());
        int stopAt = firstStop(text, sampling);
        String finalText = stopAt >= 0 ? text.substring(0, stopAt) : text;
        if (finish[0] != Finish.CANCELLED && (finalText.length() > emitted.length() || !pending.isEmpty())) {
            // what was held back waiting for a whole character
            listener.onPiece(finalText.substring(Math.min(emitted.length(), finalText.length())), List.copyOf(pending));
        }
        return new Result(finish[0] == Finish.CANCELLED ? emitted.toString() : finalText, ids, promptIds.length,
                finish[0]);
    }

    private static int firstStop(String text, Sampling sampling) {
        int first = -1;
        for (String stop : sampling.stop()) {
            int at = stop.isEmpty() ? -1 : text.indexOf(stop);
            if (at >= 0 && (first < 0 || at < first)) {
                first = at;
            }
        }
        return first;
    }
}

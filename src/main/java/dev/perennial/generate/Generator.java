package dev.perennial.generate;

import dev.perennial.UserError;
import dev.perennial.model.KvCache;
import dev.perennial.model.Model;
import dev.perennial.tensor.Tensors;
import dev.perennial.tokenizer.Tokenizer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Autoregressive generation. With the KV cache (the default) the prompt is run once and then each step feeds
 * one token; without it every step runs the whole sequence again (for comparison). Every step runs inside its
 * own PointerScope; the cache is allocated once, before the first step.
 */
public final class Generator {

    /** Why generation ended. */
    public enum Finish { LENGTH, EOS, STOP }

    public record Result(String text, int[] tokens, Finish finish) {
    }

    private Generator() {
    }

    /** Generated token ids after {@code prompt}; {@code onToken} sees each id as it is chosen. */
    public static int[] generateIds(Model model, int[] prompt, Sampling sampling, int eosId, boolean useCache,
                                    java.util.function.IntPredicate onToken) {
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
                int next;
                try (PointerScope scope = new PointerScope()) {
                    int from = useCache ? (step == 0 ? 0 : length - 1) : 0;
                    long[] input = new long[length - from];
                    for (int i = from; i < length; i++) {
                        input[i - from] = tokens[i];
                    }
                    Tensor ids = Tensors.fromLongs(input, 1, input.length);
                    Tensor logits = useCache ? model.logits(ids, cache) : model.logits(ids);
                    next = picker.pick(Tensors.toFloats(logits.select(1, logits.size(1) - 1).select(0, 0)));
                }
                tokens[length++] = next;
                if (!onToken.test(next) || next == eosId) {
                    break;
                }
            }
        }
        return Arrays.copyOfRange(tokens, prompt.length, length);
    }

    /**
     * Generates text after {@code prompt}; {@code onText} receives the text as it grows (whole characters only,
     * stop sequences cut off).
     */
    public static Result generate(Model model, Tokenizer tokenizer, String prompt, Sampling sampling,
                                  Consumer<String> onText) {
        int[] promptIds = tokenizer.encode(prompt);
        StringBuilder emitted = new StringBuilder();
        Finish[] finish = {Finish.LENGTH};
        int[][] generated = {new int[0]};
        int[] ids = generateIds(model, promptIds, sampling, tokenizer.eosId(), true, token -> {
            if (token == tokenizer.eosId()) {
                finish[0] = Finish.EOS;
                return false;
            }
            generated[0] = Arrays.copyOf(generated[0], generated[0].length + 1);
            generated[0][generated[0].length - 1] = token;
            String text = tokenizer.decode(generated[0]);
            int stopAt = firstStop(text, sampling);
            if (stopAt >= 0) {
                text = text.substring(0, stopAt);
                finish[0] = Finish.STOP;
            }
            if (!text.endsWith("\uFFFD") && text.length() > emitted.length()) {
                onText.accept(text.substring(emitted.length()));
                emitted.setLength(0);
                emitted.append(text);
            }
            return finish[0] != Finish.STOP;
        });
        String text = tokenizer.decode(generated[0]);
        int stopAt = firstStop(text, sampling);
        String finalText = stopAt >= 0 ? text.substring(0, stopAt) : text;
        if (finalText.length() > emitted.length()) {
            onText.accept(finalText.substring(emitted.length())); // what was held back waiting for a whole character
        }
        return new Result(finalText, ids, finish[0]);
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

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

    /** One prompt of a batch: its ids, how to sample after it, and who sees its text as it grows. */
    public record Request(int[] prompt, Sampling sampling, TextListener listener) {
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
        requireFits(model, prompt, sampling, "the prompt");
        int capacity = prompt.length + sampling.maxNewTokens();
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

    /** Refuses an empty prompt, or one that with its new tokens exceeds the model's positions. */
    static void requireFits(Model model, int[] prompt, Sampling sampling, String name) {
        if (prompt.length == 0) {
            throw new UserError(name + " is empty; give at least one token of text");
        }
        int capacity = prompt.length + sampling.maxNewTokens();
        if (capacity > model.config().maxPositions()) {
            throw new UserError(name + " (" + prompt.length + " tokens) plus " + sampling.maxNewTokens()
                    + " new tokens exceed the model's " + model.config().maxPositions() + " positions");
        }
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
        Continuation continuation = new Continuation(tokenizer, sampling, topLogProbs, listener);
        int[] ids = generateIds(model, promptIds, sampling, tokenizer.eosId(), true, continuation::accept);
        return continuation.finish(ids, promptIds.length);
    }

    /**
     * Generates for every request, {@code batchSize} of them at a time in one batched forward pass per step (see
     * {@link BatchDecoding}); each result and each listener's pieces are what {@link #generate(Model, Tokenizer,
     * int[], Sampling, int, TextListener)} gives for that request alone. Results come in the requests' order.
     */
    public static List<Result> generateBatch(Model model, Tokenizer tokenizer, List<Request> requests,
                                             int topLogProbs, int batchSize) {
        if (batchSize < 1) {
            throw new UserError("batch size " + batchSize + " must be 1 or more");
        }
        List<Result> results = new ArrayList<>();
        for (int from = 0; from < requests.size(); from += batchSize) {
            List<Request> batch = requests.subList(from, Math.min(requests.size(), from + batchSize));
            List<Continuation> rows = batch.stream()
                    .map(r -> new Continuation(tokenizer, r.sampling(), topLogProbs, r.listener())).toList();
            int[][] ids = BatchDecoding.generateIds(model, batch.stream().map(Request::prompt).toList(),
                    batch.stream().map(Request::sampling).toList(), tokenizer.eosId(),
                    (row, token, logits) -> rows.get(row).accept(token, logits));
            for (int row = 0; row < batch.size(); row++) {
                results.add(rows.get(row).finish(ids[row], batch.get(row).prompt().length));
            }
        }
        return results;
    }
}

package dev.perennial.eval;

import dev.perennial.tokenizer.Tokenizer;

import java.util.Arrays;

/**
 * One log-likelihood request as lm-evaluation-harness tokenizes it: the context's ids and the continuation's ids
 * (commit 4e7e0d4 of EleutherAI/lm-evaluation-harness; file and line at each step).
 */
record Request(int[] context, int[] continuation) {

    /** The ids the model reads and the continuation's place at their end (see {@link #window}). */
    record Window(int[] tokens, int continuationLength) {

        /** The model's input: every token but the last, whose only role is to be predicted. */
        int[] input() {
            return Arrays.copyOf(tokens, tokens.length - 1);
        }
    }

    /**
     * lm_eval/api/model.py {@code loglikelihood} (lines 430–440): an empty context becomes the prefix token (BOS,
     * else EOS; lm_eval/models/huggingface.py {@code prefix_token_id}, lines 611–617) before the continuation
     * encoded without special tokens, unless the continuation already starts with that token; any other context
     * goes through {@link #encodePair}.
     */
    static Request of(Tokenizer tokenizer, String context, String continuation) {
        if (!context.isEmpty()) {
            return encodePair(tokenizer, context, continuation);
        }
        int[] ids = tokenizer.encode(continuation);
        int prefix = prefixTokenId(tokenizer);
        if (ids.length > 0 && ids[0] == prefix) {
            return new Request(Arrays.copyOf(ids, 1), Arrays.copyOfRange(ids, 1, ids.length));
        }
        return new Request(new int[] {prefix}, ids);
    }

    /**
     * lm_eval/api/model.py {@code _encode_pair} (lines 390–400): trailing whitespace of the context moves to the
     * front of the continuation; context and context + continuation are tokenized as the tokenizer's call does
     * ({@link #tokEncode}), and the continuation is the whole's ids beyond the context's length.
     */
    static Request encodePair(Tokenizer tokenizer, String context, String continuation) {
        String trimmed = PythonStrings.rstrip(context);
        String moved = context.substring(trimmed.length()) + continuation;
        int[] whole = tokEncode(tokenizer, trimmed + moved);
        int[] contextIds = tokEncode(tokenizer, trimmed);
        int[] continuationIds = contextIds.length >= whole.length ? new int[0]
                : Arrays.copyOfRange(whole, contextIds.length, whole.length);
        return new Request(contextIds, continuationIds);
    }

    /**
     * lm_eval/models/huggingface.py {@code tok_encode} (lines 1049–1057): the tokenizer's own call, special tokens
     * included (a Llama tokenizer's BOS), except when the text already starts with the prefix token's text.
     */
    static int[] tokEncode(Tokenizer tokenizer, String text) {
        int prefix = prefixTokenId(tokenizer);
        String prefixText = prefix >= 0 ? tokenizer.decode(new int[] {prefix}) : "";
        boolean hasBos = !prefixText.isEmpty() && text.startsWith(prefixText);
        return hasBos ? tokenizer.encode(text) : tokenizer.encodeWithSpecialTokens(text);
    }

    /** lm_eval/models/huggingface.py {@code prefix_token_id} (lines 611–617): BOS when defined, else EOS. */
    static int prefixTokenId(Tokenizer tokenizer) {
        return tokenizer.bosId() >= 0 ? tokenizer.bosId() : tokenizer.eosId();
    }

    /**
     * lm_eval/models/huggingface.py {@code _loglikelihood_tokens} (lines 1415–1438): context and continuation must
     * not be empty nor the continuation longer than {@code maxLength}; the model reads {@code (context + continuation)[-(maxLength + 1):][:-1]}
     * and the continuation is scored from the last of its logits.
     */
    Window window(int maxLength) {
        if (context.length == 0) {
            throw new TaskException("the context has no token to condition on (lm-evaluation-harness requires one)");
        }
        if (continuation.length == 0) {
            throw new TaskException("the continuation adds no token to the context (lm-evaluation-harness "
                    + "requires at least one)");
        }
        if (continuation.length > maxLength) {
            throw new TaskException("a continuation of " + continuation.length + " tokens is longer than the model's "
                    + maxLength + " positions");
        }
        int[] all = new int[context.length + continuation.length];
        System.arraycopy(context, 0, all, 0, context.length);
        System.arraycopy(continuation, 0, all, context.length, continuation.length);
        int keep = Math.min(all.length, maxLength + 1);
        return new Window(Arrays.copyOfRange(all, all.length - keep, all.length), continuation.length);
    }
}

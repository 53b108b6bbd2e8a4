package dev.perennial.generate;

import dev.perennial.model.KvCache;
import dev.perennial.model.Model;
import dev.perennial.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * KV-cached generation for several prompts at once, one forward pass per step for all of them. Shorter prompts
 * are left-padded; the model masks the padding out of attention and counts each row's positions from its own
 * first token, so every row computes what its prompt computes alone. Each row samples with its own settings and
 * seed, and stops by itself (its token budget, the end-of-text token, or its listener); a finished row is dropped
 * from the cache and no longer computed.
 */
public final class BatchDecoding {

    /** Sees row {@code row}'s chosen token with the raw logits it was chosen from; false ends that row. */
    @FunctionalInterface
    public interface RowListener {
        boolean onToken(int row, int token, float[] logits);
    }

    /** Ids given to padding positions; any id in the vocabulary does, as the mask hides them. */
    private static final long PAD_ID = 0;

    private BatchDecoding() {
    }

    /**
     * The generated ids after each prompt, sampled as {@code samplings} says for the prompt at the same index, in
     * the prompts' order; every prompt is checked before the first step.
     */
    public static int[][] generateIds(Model model, List<int[]> prompts, List<Sampling> samplings, int eosId,
                                      RowListener listener) {
        int count = prompts.size();
        int[][] tokens = new int[count][];
        int[] lengths = new int[count];
        TokenPicker[] pickers = new TokenPicker[count];
        for (int row = 0; row < count; row++) {
            int[] prompt = prompts.get(row);
            Sampling sampling = samplings.get(row);
            Generator.requireFits(model, prompt, sampling, count == 1 ? "the prompt" : "prompt " + (row + 1));
            tokens[row] = Arrays.copyOf(prompt, prompt.length + sampling.maxNewTokens());
            lengths[row] = prompt.length;
            pickers[row] = new TokenPicker(sampling);
        }
        // the rows still generating, in the cache's order
        int[] active = IntStream.range(0, count)
                .filter(row -> samplings.get(row).maxNewTokens() > 0).toArray();
        if (active.length > 0) {
            decode(model, prompts, samplings, active, tokens, lengths, pickers, eosId, listener);
        }
        int[][] generated = new int[count][];
        for (int row = 0; row < count; row++) {
            generated[row] = Arrays.copyOfRange(tokens[row], prompts.get(row).length, lengths[row]);
        }
        return generated;
    }

    private static void decode(Model model, List<int[]> prompts, List<Sampling> samplings, int[] active,
                               int[][] tokens, int[] lengths, TokenPicker[] pickers, int eosId,
                               RowListener listener) {
        int longest = Arrays.stream(active).map(row -> lengths[row]).max().orElseThrow();
        int mostNew = Arrays.stream(active).map(row -> samplings.get(row).maxNewTokens()).max().orElseThrow();
        int[] padding = Arrays.stream(active).map(row -> longest - lengths[row]).toArray();
        try (NoGradGuard guard = new NoGradGuard(); KvCache cache = model.newCache(padding, longest + mostNew)) {
            boolean first = true;
            while (active.length > 0) {
                try (PointerScope scope = new PointerScope()) {
                    Tensor ids = first ? paddedPrompts(active, tokens, lengths, longest) : lastTokens(active, tokens,
                            lengths);
                    Tensor all = model.logits(ids, cache);
                    float[] flat = Tensors.toFloats(all.select(1, all.size(1) - 1));
                    int vocab = flat.length / active.length;
                    int[] keep = new int[active.length];
                    int kept = 0;
                    for (int k = 0; k < active.length; k++) {
                        int row = active[k];
                        float[] logits = Arrays.copyOfRange(flat, k * vocab, (k + 1) * vocab);
                        int promptLength = prompts.get(row).length;
                        int next = pickers[row].pick(logits, tokens[row], promptLength, lengths[row]);
                        tokens[row][lengths[row]++] = next;
                        boolean more = listener.onToken(row, next, logits) && next != eosId
                                && lengths[row] < tokens[row].length;
                        if (more) {
                            keep[kept++] = k;
                        }
                    }
                    if (kept < active.length) {
                        keep = Arrays.copyOf(keep, kept);
                        if (kept > 0) {
                            cache.keepRows(keep);
                        }
                        int[] before = active;
                        active = Arrays.stream(keep).map(k -> before[k]).toArray();
                    }
                }
                first = false;
            }
        }
    }

    /** The active rows' prompts [B, longest], each left-padded to the longest. */
    private static Tensor paddedPrompts(int[] active, int[][] tokens, int[] lengths, int longest) {
        long[] ids = new long[active.length * longest];
        Arrays.fill(ids, PAD_ID);
        for (int k = 0; k < active.length; k++) {
            int row = active[k];
            int pad = longest - lengths[row];
            for (int i = 0; i < lengths[row]; i++) {
                ids[k * longest + pad + i] = tokens[row][i];
            }
        }
        return Tensors.fromLongs(ids, active.length, longest);
    }

    /** Each active row's last token [B, 1]. */
    private static Tensor lastTokens(int[] active, int[][] tokens, int[] lengths) {
        long[] ids = new long[active.length];
        for (int k = 0; k < active.length; k++) {
            ids[k] = tokens[active[k]][lengths[active[k]] - 1];
        }
        return Tensors.fromLongs(ids, active.length, 1);
    }
}

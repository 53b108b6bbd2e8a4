package dev.perennial.generate;

import dev.perennial.model.DecoderCache;
import dev.perennial.model.EncoderDecoder;
import dev.perennial.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;

import java.util.Arrays;

/** The steps that every encoder-decoder's decoding shares (BART's generation, Whisper's decoding). */
public final class DecoderSteps {

    private DecoderSteps() {
    }

    /**
     * The next token's logits (or log-probabilities) per row after feeding {@code feed} [rows][T] through the cache,
     * in a scope of its own.
     */
    public static float[][] nextScores(EncoderDecoder model, int[][] feed, DecoderCache cache, boolean logSoftmax) {
        try (PointerScope step = new PointerScope()) {
            int rows = feed.length;
            int t = feed[0].length;
            long[] ids = new long[rows * t];
            for (int r = 0; r < rows; r++) {
                for (int i = 0; i < t; i++) {
                    ids[r * t + i] = feed[r][i];
                }
            }
            Tensor last = model.decode(Tensors.fromLongs(ids, rows, t), cache).select(1, t - 1);
            if (logSoftmax) {
                last = last.log_softmax(-1, new ScalarTypeOptional());
            }
            float[] flat = Tensors.toFloats(last);
            int vocab = flat.length / rows;
            float[][] out = new float[rows][];
            for (int r = 0; r < rows; r++) {
                out[r] = Arrays.copyOfRange(flat, r * vocab, (r + 1) * vocab);
            }
            return out;
        }
    }

    /** One token per row, as a [rows][1] feed. */
    static int[][] column(int[] tokens) {
        int[][] out = new int[tokens.length][];
        Arrays.setAll(out, r -> new int[] {tokens[r]});
        return out;
    }

    /** Reorders the cache's rows by beam search's {@code parents}, unless every row continues itself. */
    public static void reorder(DecoderCache cache, int[] parents) {
        boolean identity = true;
        long[] from = new long[parents.length];
        for (int r = 0; r < parents.length; r++) {
            from[r] = parents[r];
            identity &= parents[r] == r;
        }
        if (!identity) {
            cache.reorder(from);
        }
    }

    public static int[] append(int[] tokens, int token) {
        int[] out = Arrays.copyOf(tokens, tokens.length + 1);
        out[tokens.length] = token;
        return out;
    }

    /** {@code tokens} up to the first {@code eos}. */
    public static int[] withoutEos(int[] tokens, int eos) {
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] == eos) {
                return Arrays.copyOf(tokens, i);
            }
        }
        return tokens;
    }
}

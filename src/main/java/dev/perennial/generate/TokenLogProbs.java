package dev.perennial.generate;

import dev.perennial.UserError;
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
 * Log-probabilities of tokens under a model: of each token as it is generated (with the most likely
 * alternatives, as OpenAI's {@code logprobs} reports them, from the raw logits before temperature), and of every
 * token of a given text in one forward pass.
 */
public final class TokenLogProbs {

    /** One token, its text, its log-probability and the most likely alternatives at its position. */
    public record Scored(int id, String text, double logProb, List<Alternative> top) {
    }

    public record Alternative(int id, String text, double logProb) {
    }

    private TokenLogProbs() {
    }

    /** {@code token} scored against the logits it was chosen from, with the {@code top} best alternatives. */
    static Scored scored(Tokenizer tokenizer, int token, float[] logits, int top) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (float v : logits) {
            sum += Math.exp(v - max);
        }
        double logNormaliser = max + Math.log(sum);
        List<Alternative> alternatives = new ArrayList<>();
        for (int id : best(logits, top)) {
            alternatives.add(new Alternative(id, tokenizer.decode(new int[] {id}), logits[id] - logNormaliser));
        }
        return new Scored(token, tokenizer.decode(new int[] {token}), logits[token] - logNormaliser, alternatives);
    }

    /** The ids of the {@code n} largest logits, largest first. */
    private static int[] best(float[] logits, int n) {
        int k = Math.min(n, logits.length);
        int[] ids = new int[k];
        if (k == 0) {
            return ids;
        }
        int filled = 0;
        for (int i = 0; i < logits.length; i++) {
            if (filled < k || logits[i] > logits[ids[k - 1]]) {
                int at = filled < k ? filled++ : k - 1;
                while (at > 0 && logits[ids[at - 1]] < logits[i]) {
                    ids[at] = ids[at - 1];
                    at--;
                }
                ids[at] = i;
            }
        }
        return ids;
    }

    /**
     * Every token of {@code text} with its log-probability given the tokens before it, from one forward pass; the
     * first token has nothing before it and is unscored (NaN), as in a perplexity evaluation.
     */
    public static List<Scored> ofText(Model model, Tokenizer tokenizer, String text, int top) {
        int[] ids = tokenizer.encode(text);
        if (ids.length == 0) {
            throw new UserError("the text is empty; give at least one token of text");
        }
        if (ids.length > model.config().maxPositions()) {
            throw new UserError("the text has " + ids.length + " tokens; this model reads at most "
                    + model.config().maxPositions());
        }
        long[] input = Arrays.stream(ids).asLongStream().toArray();
        List<Scored> out = new ArrayList<>();
        out.add(new Scored(ids[0], tokenizer.decode(new int[] {ids[0]}), Double.NaN, List.of()));
        try (NoGradGuard guard = new NoGradGuard(); PointerScope scope = new PointerScope()) {
            Tensor logits = model.logits(Tensors.fromLongs(input, 1, ids.length)).select(0, 0);
            for (int position = 1; position < ids.length; position++) {
                out.add(scored(tokenizer, ids[position], Tensors.toFloats(logits.select(0, position - 1)), top));
            }
        }
        return out;
    }
}

package dev.perennial.eval;

import dev.perennial.model.Model;
import dev.perennial.tensor.Tensors;
import dev.perennial.tokenizer.Tokenizer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Log-likelihoods of continuations given contexts, the lm-evaluation-harness way: context and context +
 * continuation are tokenized, the continuation is the tokens of the whole beyond the context's length, and its
 * score is the sum of their log-probabilities under one forward pass (no KV cache). The candidates of one
 * question go through the model as one batch; too-long inputs lose tokens from the left.
 */
public final class Scorer {

    /** The sum of the continuation's token log-probabilities, and whether greedy decoding would produce it. */
    public record LogLikelihood(double logProb, boolean greedy, int tokens) {
    }

    private final Model model;
    private final Tokenizer tokenizer;

    public Scorer(Model model, Tokenizer tokenizer) {
        this.model = model;
        this.tokenizer = tokenizer;
    }

    /** Scores the (context, continuation) pairs in one batch. */
    public List<LogLikelihood> score(List<String> contexts, List<String> continuations) {
        int n = contexts.size();
        int maxLength = model.config().maxPositions();
        List<int[]> sequences = new ArrayList<>();
        int[] continuationStart = new int[n];
        for (int i = 0; i < n; i++) {
            int[] whole = tokenizer.encode(contexts.get(i) + continuations.get(i));
            int contextLength = tokenizer.encode(contexts.get(i)).length;
            contextLength = Math.min(contextLength, whole.length - 1);
            if (contextLength < 1) {
                // nothing to condition on: score after an end-of-text token, as lm-eval does with its prefix token
                int[] prefixed = new int[whole.length + 1];
                prefixed[0] = Math.max(0, tokenizer.eosId());
                System.arraycopy(whole, 0, prefixed, 1, whole.length);
                whole = prefixed;
                contextLength = 1;
            }
            int drop = Math.max(0, whole.length - maxLength);
            sequences.add(Arrays.copyOfRange(whole, drop, whole.length));
            continuationStart[i] = Math.max(1, contextLength - drop);
        }
        int width = sequences.stream().mapToInt(s -> s.length).max().orElse(1);
        long[] ids = new long[n * width];
        for (int i = 0; i < n; i++) {
            int[] s = sequences.get(i);
            for (int t = 0; t < s.length; t++) {
                ids[i * width + t] = s[t];
            }
        }
        List<LogLikelihood> out = new ArrayList<>();
        try (NoGradGuard guard = new NoGradGuard(); PointerScope scope = new PointerScope()) {
            Tensor logProbs = torch.log_softmax(model.logits(Tensors.fromLongs(ids, n, width)), -1);
            for (int i = 0; i < n; i++) {
                int[] s = sequences.get(i);
                double sum = 0;
                boolean greedy = true;
                for (int t = continuationStart[i]; t < s.length; t++) {
                    Tensor row = logProbs.select(0, i).select(0, t - 1);
                    sum += row.select(0, s[t]).item_double();
                    greedy &= row.argmax().item_long() == s[t];
                }
                out.add(new LogLikelihood(sum, greedy, s.length - continuationStart[i]));
            }
        }
        return out;
    }
}

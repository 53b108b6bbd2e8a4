package dev.perennial.eval;

import dev.perennial.model.Model;
import dev.perennial.tensor.Tensors;
import dev.perennial.tokenizer.Tokenizer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.List;

/**
 * Log-likelihoods of continuations given contexts, the lm-evaluation-harness way ({@link Request}: trailing
 * whitespace moved into the continuation, the tokenizer's own special tokens, the prefix token for an empty
 * context, truncation from the left to the model's positions + 1): the score is the sum of the continuation's
 * log-probabilities under one forward pass (no KV cache). The candidates of one question go through the model as
 * one batch.
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
        List<Request.Window> windows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            windows.add(Request.of(tokenizer, contexts.get(i), continuations.get(i)).window(maxLength));
        }
        int width = windows.stream().mapToInt(w -> w.tokens().length - 1).max().orElse(1);
        long[] ids = new long[n * width];
        for (int i = 0; i < n; i++) {
            int[] input = windows.get(i).input();
            for (int t = 0; t < input.length; t++) {
                ids[i * width + t] = input[t];
            }
        }
        List<LogLikelihood> out = new ArrayList<>();
        try (NoGradGuard guard = new NoGradGuard(); PointerScope scope = new PointerScope()) {
            Tensor logProbs = torch.log_softmax(model.logits(Tensors.fromLongs(ids, n, width)), -1);
            for (int i = 0; i < n; i++) {
                int[] s = windows.get(i).tokens();
                int length = windows.get(i).continuationLength();
                double sum = 0;
                boolean greedy = true;
                for (int t = s.length - length; t < s.length; t++) {
                    Tensor row = logProbs.select(0, i).select(0, t - 1);
                    sum += row.select(0, s[t]).item_double();
                    greedy &= row.argmax().item_long() == s[t];
                }
                out.add(new LogLikelihood(sum, greedy, length));
            }
        }
        return out;
    }
}

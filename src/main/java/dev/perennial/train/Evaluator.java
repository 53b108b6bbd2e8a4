package dev.perennial.train;

import dev.perennial.data.Corpus;
import dev.perennial.data.ValidationSet;
import dev.perennial.model.Model;
import dev.perennial.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import dev.perennial.eval.Evaluation;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.Tensor;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Validation loss per corpus on its fixed held-out sequences (mean over sequences, each its mean token loss). */
final class Evaluator {

    private final Map<String, ValidationSet> sets = new LinkedHashMap<>();
    private final int batch;
    private final Distributed dist;

    /** With {@code dist}, rank r scores the batches b with b mod W = r and the sums are all-reduced. */
    Evaluator(Map<String, Corpus> corpora, int seqLen, int sequences, int batch, Distributed dist) {
        corpora.forEach((name, corpus) -> sets.put(name, new ValidationSet(corpus, name, seqLen, sequences)));
        this.batch = batch;
        this.dist = dist;
    }

    Map<String, Double> losses(Model model, List<String> corpora) {
        Map<String, Double> losses = new LinkedHashMap<>();
        int rank = dist == null ? 0 : dist.rank();
        int world = dist == null ? 1 : dist.worldSize();
        for (String name : corpora) {
            ValidationSet set = sets.get(name);
            double total = Evaluation.lossSum(model, set, batch, rank, world);
            if (dist != null) {
                try (PointerScope scope = new PointerScope()) {
                    Tensor sum = Tensors.fromDoubles(new double[] {total}, torch.ScalarType.Double, 1);
                    dist.allReduceSum(sum);
                    total = sum.item_double();
                }
            }
            losses.put(name, total / set.sequences());
        }
        return losses;
    }
}

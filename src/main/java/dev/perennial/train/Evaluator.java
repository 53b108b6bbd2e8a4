package dev.perennial.train;

import dev.perennial.data.Corpus;
import dev.perennial.data.ValidationSet;
import dev.perennial.eval.Evaluation;
import dev.perennial.model.Model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Validation loss per corpus on its fixed held-out sequences (mean over sequences, each its mean token loss). */
final class Evaluator {

    private final Map<String, ValidationSet> sets = new LinkedHashMap<>();
    private final int batch;
    private final Distributed dist;

    /** Rank r of W scores the batches b with b mod W = r, and the sums are added up over the ranks. */
    Evaluator(Map<String, Corpus> corpora, int seqLen, int sequences, int batch, Distributed dist) {
        corpora.forEach((name, corpus) -> sets.put(name, new ValidationSet(corpus, name, seqLen, sequences)));
        this.batch = batch;
        this.dist = dist;
    }

    Map<String, Double> losses(Model model, List<String> corpora) {
        Map<String, Double> losses = new LinkedHashMap<>();
        for (String name : corpora) {
            ValidationSet set = sets.get(name);
            double total = dist.sum(Evaluation.lossSum(model, set, batch, dist.rank(), dist.worldSize()));
            losses.put(name, total / set.sequences());
        }
        return losses;
    }
}

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

    /** A corpus's validation loss and its standard error over the validation batches. */
    record Loss(double mean, double stderr) {
    }

    private final Map<String, ValidationSet> sets = new LinkedHashMap<>();
    private final int batch;
    private final Distributed dist;

    /** Rank r of W scores the batches b with b mod W = r, and the sums are added up over the ranks. */
    Evaluator(Map<String, Corpus> corpora, int seqLen, int sequences, int batch, boolean spread, Distributed dist) {
        corpora.forEach((name, corpus) -> sets.put(name, new ValidationSet(corpus, name, seqLen, sequences, spread)));
        this.batch = batch;
        this.dist = dist;
    }

    Map<String, Loss> losses(Model model, List<String> corpora) {
        Map<String, Loss> losses = new LinkedHashMap<>();
        for (String name : corpora) {
            ValidationSet set = sets.get(name);
            Evaluation.LossSums mine = Evaluation.lossSums(model, set, batch, dist.rank(), dist.worldSize());
            Evaluation.LossSums all = new Evaluation.LossSums(dist.sum(mine.sequenceLosses()),
                    dist.sum(mine.batchMeans()), dist.sum(mine.batchMeanSquares()),
                    (int) Math.round(dist.sum(mine.batches())));
            losses.put(name, new Loss(all.sequenceLosses() / set.sequences(), all.stderr()));
        }
        return losses;
    }
}

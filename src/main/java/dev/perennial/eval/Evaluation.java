package dev.perennial.eval;

import dev.perennial.UserError;
import dev.perennial.data.Batch;
import dev.perennial.data.Corpus;
import dev.perennial.data.ValidationSet;
import dev.perennial.model.Model;
import dev.perennial.progress.Progress;
import dev.perennial.tensor.Tensors;
import dev.perennial.tokenizer.Tokenizer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code perennial eval}: for each model, validation loss and perplexity on each corpus's held-out split and the
 * scores of each task; with two or more models, the change of every number against the first model (forgetting
 * where an old corpus or task gets worse, adaptation where a new one gets better), as Markdown and JSON.
 */
public final class Evaluation {

    /** One model's numbers. */
    public record ModelResult(String model, Map<String, Double> corpusLoss, Map<String, TaskResult> tasks) {
    }

    public record Report(List<ModelResult> models, String markdown) {
    }

    private Evaluation() {
    }

    /** Mean validation loss over the set's sequences, advancing {@code progress} by each batch's sequences. */
    private static double corpusLoss(Model model, ValidationSet set, int batch, Progress progress) {
        return lossSum(model, set, batch, 0, 1, progress) / set.sequences();
    }

    /**
     * Sums over validation batches {@code first, first + stride, …}: of the sequences' mean token losses, of the
     * batches' mean losses and of their squares, and the batches counted (a data-parallel rank scores every
     * {@code stride}-th batch and the sums add up over ranks; one process scores them all with 0 and 1).
     */
    public record LossSums(double sequenceLosses, double batchMeans, double batchMeanSquares, int batches) {

        /**
         * The standard error of the validation loss over its batches: the sample standard deviation of the batch
         * means over √batches (NaN with one batch).
         */
        public double stderr() {
            if (batches < 2) {
                return Double.NaN;
            }
            double mean = batchMeans / batches;
            double variance = Math.max(0, (batchMeanSquares - batches * mean * mean) / (batches - 1));
            return Math.sqrt(variance / batches);
        }
    }

    public static LossSums lossSums(Model model, ValidationSet set, int batch, int first, int stride) {
        return lossSums(model, set, batch, first, stride, Progress.silent());
    }

    private static double lossSum(Model model, ValidationSet set, int batch, int first, int stride,
                                  Progress progress) {
        return lossSums(model, set, batch, first, stride, progress).sequenceLosses();
    }

    private static LossSums lossSums(Model model, ValidationSet set, int batch, int first, int stride,
                                     Progress progress) {
        double total = 0;
        double means = 0;
        double squares = 0;
        int batches = 0;
        try (NoGradGuard guard = new NoGradGuard()) {
            for (int b = first; b < set.batches(batch); b += stride) {
                try (PointerScope scope = new PointerScope()) {
                    var vb = set.batch(b, batch);
                    double mean = model.loss(tokens(model, vb)).item_double();
                    total += mean * vb.rows();
                    means += mean;
                    squares += mean * mean;
                    batches++;
                    progress.advance(vb.rows());
                }
            }
        }
        return new LossSums(total, means, squares, batches);
    }

    /**
     * Each validation sequence's mean token loss, in the set's order: what a paired comparison of two models on the
     * same sequences needs (their difference per sequence cancels how hard each sequence is).
     */
    public static double[] sequenceLosses(Model model, ValidationSet set, int batch) {
        double[] losses = new double[set.sequences()];
        try (NoGradGuard guard = new NoGradGuard()) {
            for (int b = 0; b < set.batches(batch); b++) {
                try (PointerScope scope = new PointerScope()) {
                    float[] rows = Tensors.toFloats(model.sequenceLosses(tokens(model, set.batch(b, batch))));
                    for (int r = 0; r < rows.length; r++) {
                        losses[b * batch + r] = rows[r];
                    }
                }
            }
        }
        return losses;
    }

    /** A validation batch's token ids [rows, T + 1], once they are checked against the model's vocabulary. */
    private static Tensor tokens(Model model, Batch vb) {
        requireIdsInVocabulary(model, vb.tokens());
        return Tensors.fromLongs(vb.tokensAsLongs(), vb.rows(), vb.columns());
    }

    /** The corpus metadata may undercount its ids (a damaged or hand-made corpus): check the ids themselves too. */
    private static void requireIdsInVocabulary(Model model, int[] tokens) {
        int vocab = model.config().vocabSize();
        for (int id : tokens) {
            if (id < 0 || id >= vocab) {
                throw new UserError("a validation sequence holds token id " + Integer.toUnsignedString(id)
                        + " but the model's vocab_size is " + vocab + "; evaluate it on a corpus prepared with the "
                        + "model's tokenizer");
            }
        }
    }

    /**
     * One model's validation losses and task scores; with {@code showProgress}, a bar on standard error over its
     * validation sequences and task examples together.
     */
    public static ModelResult evaluate(String name, Model model, Tokenizer tokenizer,
                                       Map<String, Corpus> corpora, List<TaskSpec.Task> tasks, int seqLen,
                                       int corpusSequences, int limit, boolean showProgress) {
        corpora.forEach((corpusName, corpus) -> checkVocabulary(name, model, corpusName, corpus));
        Map<String, ValidationSet> sets = new LinkedHashMap<>();
        corpora.forEach((corpusName, corpus) -> sets.put(corpusName,
                new ValidationSet(corpus, corpusName, seqLen, corpusSequences)));
        int sequences = sets.values().stream().mapToInt(ValidationSet::sequences).sum();
        int examples = tasks.stream().mapToInt(task -> TaskRunner.count(task, limit)).sum();
        long start = System.nanoTime();
        Progress progress = showProgress ? Progress.console("eval " + name, " items", sequences + examples)
                : Progress.silent();
        Map<String, Double> losses = new LinkedHashMap<>();
        sets.forEach((corpusName, set) -> losses.put(corpusName, corpusLoss(model, set, 8, progress)));
        Map<String, TaskResult> results = new LinkedHashMap<>();
        Scorer scorer = new Scorer(model, tokenizer);
        for (TaskSpec.Task task : tasks) {
            results.put(task.name(), TaskRunner.run(task, scorer, limit, progress));
        }
        progress.finish(String.format(Locale.ROOT, "%d validation sequences of %d corpora and %d examples of %d "
                + "tasks in %.1f s", sequences, sets.size(), examples, tasks.size(), (System.nanoTime() - start) / 1e9));
        return new ModelResult(name, losses, results);
    }

    /** Token ids past the embedding would fail inside libtorch: refuse them here, naming both sizes. */
    private static void checkVocabulary(String modelName, Model model, String corpusName, Corpus corpus) {
        int corpusVocab = corpus.metadata().tokenizer().vocabSize();
        int modelVocab = model.config().vocabSize();
        if (corpusVocab > modelVocab) {
            throw new UserError("corpus " + corpusName + " uses " + corpusVocab + " token ids but model " + modelName
                    + " has vocab_size " + modelVocab + "; evaluate it on a corpus prepared with the model's tokenizer");
        }
    }

    public static Report report(List<ModelResult> models) {
        StringBuilder md = new StringBuilder();
        ModelResult first = models.getFirst();
        if (!first.corpusLoss().isEmpty()) {
            md.append("| corpus | ").append(header(models, "loss", "ppl")).append('\n');
            md.append(separator(models)).append('\n');
            for (String corpus : first.corpusLoss().keySet()) {
                md.append("| ").append(corpus);
                for (ModelResult m : models) {
                    double loss = m.corpusLoss().get(corpus);
                    md.append(String.format(Locale.ROOT, " | %.4f | %.2f", loss, Math.exp(loss)));
                    if (m != first) {
                        md.append(String.format(Locale.ROOT, " | %+.4f", loss - first.corpusLoss().get(corpus)));
                    }
                }
                md.append(" |\n");
            }
            md.append('\n');
        }
        if (!first.tasks().isEmpty()) {
            md.append("| task | metric | n");
            for (ModelResult m : models) {
                md.append(" | ").append(m.model());
                if (m != first) {
                    md.append(" | Δ");
                }
            }
            md.append(" |\n| --- | --- | ---:");
            for (ModelResult m : models) {
                md.append(m == first ? " | ---:" : " | ---: | ---:");
            }
            md.append(" |\n");
            for (String task : first.tasks().keySet()) {
                for (String metric : first.tasks().get(task).metrics().keySet()) {
                    md.append("| ").append(task).append(" | ").append(metric).append(" | ")
                            .append(first.tasks().get(task).examples());
                    for (ModelResult m : models) {
                        TaskResult r = m.tasks().get(task);
                        Double err = r.stderr().get(metric);
                        md.append(String.format(Locale.ROOT, " | %.4f%s", r.metrics().get(metric),
                                err == null || err.isNaN() ? "" : String.format(Locale.ROOT, " ± %.4f", err)));
                        if (m != first) {
                            md.append(String.format(Locale.ROOT, " | %+.4f", r.metrics().get(metric)
                                    - first.tasks().get(task).metrics().get(metric)));
                        }
                    }
                    md.append(" |\n");
                }
            }
        }
        return new Report(new ArrayList<>(models), md.toString());
    }

    private static String header(List<ModelResult> models, String a, String b) {
        StringBuilder h = new StringBuilder();
        for (ModelResult m : models) {
            h.append(m.model()).append(' ').append(a).append(" | ").append(b);
            if (m != models.getFirst()) {
                h.append(" | Δ ").append(a);
            }
            h.append(" | ");
        }
        return h.toString().replaceAll("\\s*\\|\\s*$", " |");
    }

    private static String separator(List<ModelResult> models) {
        StringBuilder s = new StringBuilder("| ---");
        for (ModelResult m : models) {
            s.append(m == models.getFirst() ? " | ---: | ---:" : " | ---: | ---: | ---:");
        }
        return s.append(" |").toString();
    }
}

package dev.perennial.eval;

import dev.perennial.progress.Progress;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Scores a task: builds each example (with k shots drawn, with a fixed seed per example, from the other examples),
 * scores its candidates, and computes accuracy and length-normalised accuracy (multiple choice: the candidate with
 * the highest summed log-probability, per byte for acc_norm), or greedy accuracy and perplexity (cloze).
 */
public final class TaskRunner {

    private TaskRunner() {
    }

    /** The task's examples, validated (answer in range), at most {@code limit} (0: all). */
    public static List<Example> examples(TaskSpec.Task task, int limit) {
        List<Example> examples = new ArrayList<>();
        for (Records.Located r : Records.read(task.data())) {
            Example e = task.format().example(r.record(), task.fields(), r.location());
            if (e.answer() < 0 || e.answer() >= e.choices().size()) {
                throw new TaskException(e.location() + ": answer " + e.answer() + " is out of range for "
                        + e.choices().size() + " choices");
            }
            examples.add(e);
        }
        return examples;
    }

    /** The context an example is scored with: k shots (context + right answer) before its own context. */
    static String withShots(TaskSpec.Task task, List<Example> pool, int index, String context) {
        if (task.numFewshot() == 0) {
            return context;
        }
        SplittableRandom random = new SplittableRandom(task.fewshotSeed() * 1_000_003L + index);
        List<Integer> candidates = new ArrayList<>();
        for (int i = 0; i < pool.size(); i++) {
            if (i != index) {
                candidates.add(i);
            }
        }
        StringBuilder shots = new StringBuilder();
        for (int k = 0; k < Math.min(task.numFewshot(), candidates.size()); k++) {
            int pick = candidates.remove(random.nextInt(candidates.size()));
            Example shot = pool.get(pick);
            shots.append(shot.contextOf(shot.answer())).append(task.targetDelimiter())
                    .append(shot.choices().get(shot.answer())).append(task.fewshotDelimiter());
        }
        return shots + context;
    }

    public static TaskResult run(TaskSpec.Task task, Scorer scorer, int limit) {
        return run(task, scorer, limit, Progress.silent());
    }

    /** How many examples {@link #run} scores: the task's, at most {@code limit} (0: all). */
    public static int count(TaskSpec.Task task, int limit) {
        int all = examples(task, 0).size();
        return limit > 0 ? Math.min(limit, all) : all;
    }

    /** Scores the task's examples (at most {@code limit}, 0: all), advancing {@code progress} by one each. */
    public static TaskResult run(TaskSpec.Task task, Scorer scorer, int limit, Progress progress) {
        List<Example> all = examples(task, 0);
        List<Example> scored = limit > 0 ? all.subList(0, Math.min(limit, all.size())) : all;
        int n = scored.size();
        double[] acc = new double[n];
        double[] accNorm = new double[n];
        double[] logLikelihood = new double[n];
        long tokens = 0;
        for (int i = 0; i < n; i++) {
            Example e = scored.get(i);
            List<String> contexts = new ArrayList<>();
            List<String> continuations = new ArrayList<>();
            for (int c = 0; c < e.choices().size(); c++) {
                contexts.add(withShots(task, all, i, e.contextOf(c)));
                continuations.add(task.targetDelimiter() + e.choices().get(c));
            }
            List<Scorer.LogLikelihood> ll = scorer.score(contexts, continuations);
            if (task.format().isCloze()) {
                acc[i] = ll.getFirst().greedy() ? 1 : 0;
                logLikelihood[i] = ll.getFirst().logProb();
                tokens += ll.getFirst().tokens();
            } else {
                acc[i] = argmax(ll, e, false) == e.answer() ? 1 : 0;
                accNorm[i] = argmax(ll, e, true) == e.answer() ? 1 : 0;
            }
            progress.advance(1);
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        Map<String, Double> stderr = new LinkedHashMap<>();
        metrics.put("acc", mean(acc));
        stderr.put("acc", TaskResult.stderrOfMean(acc));
        if (task.format().isCloze()) {
            // lm-evaluation-harness's perplexity for LAMBADA: exp of the negative mean log-likelihood per example
            metrics.put("perplexity", Math.exp(-mean(logLikelihood)));
            metrics.put("token_perplexity", Math.exp(-Arrays.stream(logLikelihood).sum() / tokens));
        } else {
            metrics.put("acc_norm", mean(accNorm));
            stderr.put("acc_norm", TaskResult.stderrOfMean(accNorm));
        }
        return new TaskResult(task.name(), n, metrics, stderr);
    }

    private static int argmax(List<Scorer.LogLikelihood> ll, Example e, boolean perByte) {
        int best = 0;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < ll.size(); c++) {
            double score = ll.get(c).logProb();
            if (perByte) {
                score /= Math.max(1, e.choices().get(c).getBytes(StandardCharsets.UTF_8).length);
            }
            if (score > bestScore) {
                bestScore = score;
                best = c;
            }
        }
        return best;
    }

    private static double mean(double[] values) {
        return Arrays.stream(values).average().orElse(Double.NaN);
    }
}

package dev.perennial.eval;

import dev.perennial.progress.Progress;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;

/**
 * Scores a task: builds each example (with k shots drawn, with a fixed seed per example, from the few-shot split or
 * the other examples), scores its candidates, and computes accuracy and length-normalised accuracy (multiple
 * choice: the candidate with the highest summed log-probability, per character for acc_norm and per UTF-8 byte for
 * acc_bytes), or greedy accuracy and perplexity (cloze).
 */
public final class TaskRunner {

    private TaskRunner() {
    }

    /** The task's examples, validated (answer in range), at most {@code limit} (0: all). */
    public static List<Example> examples(TaskSpec.Task task, int limit) {
        return examples(task, task.data());
    }

    /** The examples of a task's data file or of its few-shot split's file, validated. */
    private static List<Example> examples(TaskSpec.Task task, Path file) {
        List<Example> examples = new ArrayList<>();
        for (Records.Located r : Records.read(file)) {
            Example e = task.format().example(r.record(), task.fields(), r.location());
            if (e.answer() < 0 || e.answer() >= e.choices().size()) {
                throw new TaskException(e.location() + ": answer " + e.answer() + " is out of range for "
                        + e.choices().size() + " choices");
            }
            examples.add(e);
        }
        return examples;
    }

    /**
     * The examples shots are drawn from: the few-shot split when the task names one (lm_eval/api/task.py
     * {@code fewshot_docs}: {@code fewshot_split} first), else the task's own examples.
     */
    static List<Example> shotPool(TaskSpec.Task task, List<Example> own) {
        return task.numFewshot() > 0 && task.fewshotData() != null ? examples(task, task.fewshotData()) : own;
    }

    /**
     * The context an example is scored with: k shots (context + right answer) before its own context, drawn with a
     * fixed seed per example from {@code pool}; from the task's own examples ({@code pool == own}) never the
     * example itself.
     */
    static String withShots(TaskSpec.Task task, List<Example> pool, boolean own, int index, String context) {
        if (task.numFewshot() == 0) {
            return context;
        }
        SplittableRandom random = new SplittableRandom(task.fewshotSeed() * 1_000_003L + index);
        List<Integer> candidates = new ArrayList<>();
        for (int i = 0; i < pool.size(); i++) {
            if (!own || i != index) {
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
        List<Example> pool = shotPool(task, all);
        List<Example> scored = limit > 0 ? all.subList(0, Math.min(limit, all.size())) : all;
        int n = scored.size();
        double[] acc = new double[n];
        double[] accNorm = new double[n];
        double[] accBytes = new double[n];
        double[] logLikelihood = new double[n];
        long tokens = 0;
        for (int i = 0; i < n; i++) {
            Example e = scored.get(i);
            List<String> contexts = new ArrayList<>();
            List<String> continuations = new ArrayList<>();
            for (int c = 0; c < e.choices().size(); c++) {
                contexts.add(withShots(task, pool, pool == all, i, e.contextOf(c)));
                continuations.add(task.targetDelimiter() + e.choices().get(c));
            }
            List<Scorer.LogLikelihood> ll = scorer.score(contexts, continuations);
            if (task.format().isCloze()) {
                acc[i] = ll.getFirst().greedy() ? 1 : 0;
                logLikelihood[i] = ll.getFirst().logProb();
                tokens += ll.getFirst().tokens();
            } else {
                acc[i] = argmax(ll, e, c -> 1) == e.answer() ? 1 : 0;
                accNorm[i] = argmax(ll, e, TaskRunner::characters) == e.answer() ? 1 : 0;
                accBytes[i] = argmax(ll, e, TaskRunner::bytes) == e.answer() ? 1 : 0;
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
            metrics.put("acc_bytes", mean(accBytes));
            stderr.put("acc_bytes", TaskResult.stderrOfMean(accBytes));
        }
        return new TaskResult(task.name(), n, metrics, stderr);
    }

    /**
     * The candidate with the highest log-likelihood divided by its {@code length}: 1 for acc, its characters for
     * acc_norm and its UTF-8 bytes for acc_bytes, the candidate without the target delimiter (lm_eval/api/task.py
     * {@code process_results}, lines 1494–1512; the first of equal scores, as np.argmax).
     */
    static int argmax(List<Scorer.LogLikelihood> ll, Example e, ToDoubleFunction<String> length) {
        int best = 0;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < ll.size(); c++) {
            double score = ll.get(c).logProb() / length.applyAsDouble(e.choices().get(c));
            if (score > bestScore) {
                bestScore = score;
                best = c;
            }
        }
        return best;
    }

    /** Python's {@code len(choice)}: code points. */
    static double characters(String choice) {
        return choice.codePointCount(0, choice.length());
    }

    static double bytes(String choice) {
        return choice.getBytes(StandardCharsets.UTF_8).length;
    }

    private static double mean(double[] values) {
        return Arrays.stream(values).average().orElse(Double.NaN);
    }
}

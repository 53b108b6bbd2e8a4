package dev.perennial.experiment;

import dev.perennial.UserError;
import dev.perennial.run.MetricsFile;
import dev.perennial.run.MetricsRecord;
import dev.perennial.run.RunFolder;
import dev.perennial.train.TrainPlan;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one finished run measured, read back from its metrics.jsonl: final validation losses (the mean of the
 * evaluations in the last {@code final_fraction} of its last stage, as the paper averages its last steps), their
 * noise, the curves, and the tokens trained.
 *
 * @param finalStderr per corpus, the standard error of the final loss as the validation set makes it: its
 *                    evaluations' standard errors over validation batches, averaged (the same sequences each time,
 *                    so averaging evaluations does not shrink it); NaN where the metrics do not record it
 * @param finalEvals  how many evaluations the final losses average
 */
record RunResult(String name, Map<String, Double> finalLoss, Map<String, Double> finalStderr, int finalEvals,
                 long tokens, List<double[]> lr, Map<String, List<double[]>> curves, Double benchmarkAverage) {

    /** Each curve point is {tokens, value}; {@code tokenOffset} shifts a continual run after its D0 stage. */
    static RunResult read(String name, Path run, double finalFraction, long tokenOffset, long tokensPerStep) {
        List<MetricsRecord.Eval> evals = new ArrayList<>();
        List<double[]> lr = new ArrayList<>();
        Map<String, List<double[]>> curves = new LinkedHashMap<>();
        long tokens = 0;
        long lastStageSteps = 0;
        String lastStage = null;
        Path file = new RunFolder(run).metricsFile();
        MetricsFile.Chunk metrics = MetricsFile.readAll(file);
        if (!metrics.unreadableAt().isEmpty()) {
            throw new UserError(file + ": the line at byte " + metrics.unreadableAt().getFirst() + " is not a metrics "
                    + "record (" + metrics.unreadableAt().size() + " such lines); the report would leave them out. "
                    + "Restore the file, or train the run " + name + " again");
        }
        for (MetricsRecord record : metrics.records()) {
            switch (record) {
                case MetricsRecord.Step step -> {
                    tokens = step.tokens();
                    lr.add(new double[] {tokenOffset + tokens, step.lr()});
                    lastStage = step.stage();
                    lastStageSteps = step.stageStep();
                }
                case MetricsRecord.Eval eval -> {
                    evals.add(eval);
                    long at = tokenOffset + eval.step() * tokensPerStep;
                    eval.valLoss().forEach((corpus, loss) -> curves.computeIfAbsent(corpus,
                            k -> new ArrayList<>()).add(new double[] {at, loss}));
                }
            }
        }
        String stage = lastStage;
        long windowStart = Math.max(1, TrainPlan.Evaluation.finalWindowStart(lastStageSteps, finalFraction));
        List<MetricsRecord.Eval> last = evals.stream()
                .filter(e -> e.stage().equals(stage) && e.stageStep() >= windowStart).toList();
        Map<String, Double> finalLoss = new LinkedHashMap<>();
        Map<String, Double> finalStderr = new LinkedHashMap<>();
        for (MetricsRecord.Eval e : last) {
            e.valLoss().forEach((corpus, loss) -> {
                finalLoss.merge(corpus, loss, Double::sum);
                Double se = e.valLossStderr() == null ? null : e.valLossStderr().get(corpus);
                finalStderr.merge(corpus, se == null ? Double.NaN : se, Double::sum);
            });
        }
        int n = last.size();
        finalLoss.replaceAll((k, v) -> v / n);
        finalStderr.replaceAll((k, v) -> v / n);
        return new RunResult(name, finalLoss, finalStderr, n, tokens, lr, curves, benchmarkAverage(evals));
    }

    /** The mean accuracy over the tasks of the run's final evaluation (the paper's Table 3 average), if any. */
    private static Double benchmarkAverage(List<MetricsRecord.Eval> evals) {
        if (evals.isEmpty() || evals.getLast().tasks() == null) {
            return null;
        }
        double sum = 0;
        int n = 0;
        for (Map<String, Double> metrics : evals.getLast().tasks().values()) {
            sum += metrics.getOrDefault("acc", 0.0);
            n++;
        }
        return n == 0 ? null : sum / n;
    }

    double average() {
        return finalLoss.values().stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }
}

package dev.perennial.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.io.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one finished run measured, read back from its metrics.jsonl: final validation losses (the mean of the
 * last evaluations of its last stage, as the paper averages its last steps), the curves, and the tokens trained.
 */
record RunResult(String name, Map<String, Double> finalLoss, long tokens, List<double[]> lr,
                 Map<String, List<double[]>> curves, Double benchmarkAverage) {

    /** Each curve point is {tokens, value}; {@code tokenOffset} shifts a continual run after its D0 stage. */
    static RunResult read(String name, Path run, int lastEvals, long tokenOffset, long tokensPerStep) {
        List<JsonNode> evals = new ArrayList<>();
        List<double[]> lr = new ArrayList<>();
        Map<String, List<double[]>> curves = new LinkedHashMap<>();
        long tokens = 0;
        String lastStage = null;
        try {
            for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
                JsonNode r = Json.MAPPER.readTree(line);
                if (r.path("type").asText().equals("step")) {
                    tokens = r.path("tokens").asLong();
                    lr.add(new double[] {tokenOffset + tokens, r.path("lr").asDouble()});
                    lastStage = r.path("stage").asText();
                } else {
                    evals.add(r);
                    long at = tokenOffset + r.path("step").asLong() * tokensPerStep;
                    r.path("val_loss").fields().forEachRemaining(e -> curves.computeIfAbsent(e.getKey(),
                            k -> new ArrayList<>()).add(new double[] {at, e.getValue().asDouble()}));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String stage = lastStage;
        List<JsonNode> last = evals.stream().filter(e -> e.path("stage").asText().equals(stage)
                && e.path("stage_step").asLong() > 0).toList();
        last = last.subList(Math.max(0, last.size() - lastEvals), last.size());
        Map<String, Double> finalLoss = new LinkedHashMap<>();
        for (JsonNode e : last) {
            e.path("val_loss").fields().forEachRemaining(f -> finalLoss.merge(f.getKey(), f.getValue().asDouble(),
                    Double::sum));
        }
        int n = last.size();
        finalLoss.replaceAll((k, v) -> v / n);
        return new RunResult(name, finalLoss, tokens, lr, curves, benchmarkAverage(evals));
    }

    /** The mean accuracy over the tasks of the run's final evaluation (the paper's Table 3 average), if any. */
    private static Double benchmarkAverage(List<JsonNode> evals) {
        if (evals.isEmpty() || !evals.getLast().has("tasks")) {
            return null;
        }
        double sum = 0;
        int n = 0;
        for (JsonNode task : evals.getLast().path("tasks")) {
            sum += task.path("acc").asDouble();
            n++;
        }
        return n == 0 ? null : sum / n;
    }

    double average() {
        return finalLoss.values().stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }
}

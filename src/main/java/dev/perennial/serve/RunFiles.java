package dev.perennial.serve;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.run.MetricsFile;
import dev.perennial.run.MetricsRecord;
import dev.perennial.run.RunFolder;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the web app says about a run, from what the run writes (its folder and metrics, read through
 * {@link RunFolder} and {@link MetricsFile}): whether it is running, and its summary for lists and headers.
 */
final class RunFiles {

    /** A run idle this long without a final model is reported as stopped rather than running. */
    static final long RUNNING_WITHIN_MILLIS = 120_000;

    private RunFiles() {
    }

    /** Records with a step above {@code since}, at most {@code limit} of them. */
    static List<MetricsRecord> since(List<MetricsRecord> records, long since, int limit) {
        return records.stream().filter(r -> r.step() > since).limit(limit).toList();
    }

    /** The records as the JSON array the API answers with: each as its line in metrics.jsonl. */
    static ArrayNode json(List<MetricsRecord> records) {
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        records.forEach(r -> out.add(MetricsFile.tree(r)));
        return out;
    }

    static String status(RunFolder run) {
        if (run.isFinished()) {
            return "finished";
        }
        try {
            long age = System.currentTimeMillis() - Files.getLastModifiedTime(run.metricsFile()).toMillis();
            return age < RUNNING_WITHIN_MILLIS ? "running" : "stopped";
        } catch (IOException e) {
            return "stopped";
        }
    }

    /**
     * The run's name, status, last step record, last evaluation, the latest validation loss of every corpus
     * evaluated (a corpus may have been evaluated last before the newest evaluation) and stages, for lists and
     * headers.
     */
    static ObjectNode summary(Catalog.Entry entry) {
        RunFolder run = new RunFolder(entry.dir());
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("name", entry.name());
        out.put("status", status(run));
        try {
            out.put("updated", Instant.ofEpochMilli(Files.getLastModifiedTime(run.metricsFile()).toMillis())
                    .toString());
        } catch (IOException e) {
            out.putNull("updated");
        }
        MetricsRecord lastStep = null;
        MetricsRecord lastEval = null;
        ArrayNode stages = out.putArray("stages");
        Map<String, Double> latestValLoss = new TreeMap<>();
        MetricsFile.Chunk metrics = MetricsFile.readAll(run.metricsFile());
        for (MetricsRecord record : metrics.records()) {
            switch (record) {
                case MetricsRecord.Step step -> lastStep = step;
                case MetricsRecord.Eval eval -> {
                    lastEval = eval;
                    if (eval.valLoss() != null) {
                        latestValLoss.putAll(eval.valLoss());
                    }
                }
            }
            String stage = record.stage();
            if (!stage.isEmpty() && (stages.isEmpty() || !stages.get(stages.size() - 1).asText().equals(stage))) {
                stages.add(stage);
            }
        }
        out.set("last_step", lastStep == null ? null : MetricsFile.tree(lastStep));
        out.set("last_eval", lastEval == null ? null : MetricsFile.tree(lastEval));
        ObjectNode latest = out.putObject("latest_val_loss");
        latestValLoss.forEach(latest::put);
        out.put("has_final_model", run.isFinished());
        out.put("unreadable_lines", metrics.unreadableAt().size());
        return out;
    }
}

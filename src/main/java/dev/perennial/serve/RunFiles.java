package dev.perennial.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads what a run writes: metrics.jsonl (one JSON record per line, "step" and "eval" types, written whole
 * lines at a time and cut back on resume) and final/ when the run has finished. Reading follows the file by
 * byte offset, so a live run is tailed without re-reading it.
 */
final class RunFiles {

    /** A run idle this long without a final model is reported as stopped rather than running. */
    static final long RUNNING_WITHIN_MILLIS = 120_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Records read from {@code from} to the last whole line, and the offset to continue from. */
    record Chunk(List<JsonNode> records, long next, boolean reset) {
    }

    private RunFiles() {
    }

    static Path metrics(Path run) {
        return run.resolve("metrics.jsonl");
    }

    /** Whole lines from byte {@code from}; when the file is now shorter (a resumed run cut it back), from 0. */
    static Chunk read(Path run, long from) {
        Path file = metrics(run);
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long length = in.length();
            boolean reset = length < from;
            long start = reset ? 0 : from;
            byte[] bytes = new byte[Math.toIntExact(length - start)];
            in.seek(start);
            in.readFully(bytes);
            int end = bytes.length;
            while (end > 0 && bytes[end - 1] != '\n') {
                end--; // a line still being written waits for the next read
            }
            List<JsonNode> records = new ArrayList<>();
            for (String line : new String(bytes, 0, end, StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank()) {
                    records.add(JSON.readTree(line));
                }
            }
            return new Chunk(records, start + end, reset);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }

    /** Records with a step above {@code since}, at most {@code limit} of them. */
    static List<JsonNode> since(List<JsonNode> records, long since, int limit) {
        return records.stream().filter(r -> r.path("step").asLong() > since).limit(limit).toList();
    }

    static String status(Path run) {
        if (Files.isRegularFile(run.resolve("final/config.json"))) {
            return "finished";
        }
        try {
            long age = System.currentTimeMillis() - Files.getLastModifiedTime(metrics(run)).toMillis();
            return age < RUNNING_WITHIN_MILLIS ? "running" : "stopped";
        } catch (IOException e) {
            return "stopped";
        }
    }

    /** The run's name, status, last step record, last evaluation and stages, for lists and headers. */
    static ObjectNode summary(Catalog.Entry run) {
        ObjectNode out = JSON.createObjectNode();
        out.put("name", run.name());
        out.put("status", status(run.dir()));
        try {
            out.put("updated", Instant.ofEpochMilli(Files.getLastModifiedTime(metrics(run.dir())).toMillis())
                    .toString());
        } catch (IOException e) {
            out.putNull("updated");
        }
        JsonNode lastStep = null;
        JsonNode lastEval = null;
        ArrayNode stages = out.putArray("stages");
        for (JsonNode record : read(run.dir(), 0).records()) {
            if (record.path("type").asText().equals("step")) {
                lastStep = record;
            } else if (record.path("type").asText().equals("eval")) {
                lastEval = record;
            }
            String stage = record.path("stage").asText();
            if (!stage.isEmpty() && (stages.isEmpty() || !stages.get(stages.size() - 1).asText().equals(stage))) {
                stages.add(stage);
            }
        }
        out.set("last_step", lastStep);
        out.set("last_eval", lastEval);
        out.put("has_final_model", Files.isRegularFile(run.dir().resolve("final/config.json")));
        return out;
    }
}

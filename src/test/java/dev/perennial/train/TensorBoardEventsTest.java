package dev.perennial.train;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.io.Json;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The TensorBoard event file a run writes, read back by tools/reference/tfevents.py (Python's standard library and the
 * published formats, not our writer): after a run killed with SIGKILL and resumed, it holds every scalar of
 * metrics.jsonl once, under the tags README names.
 */
class TensorBoardEventsTest {

    private static final Path PYTHON = Path.of("/usr/bin/python3");

    @TempDir
    Path dir;

    @BeforeAll
    static void corpora() throws IOException {
        TrainerTest.prepareCorpora();
    }

    @Test
    void aResumedRunsEventFileHoldsEveryScalarOfMetricsJsonlOnce() throws Exception {
        assertThat(Files.isExecutable(PYTHON)).as("Debian's python3 runs the reference reader (./mvnw test installs "
                + "it: bin/system-packages.sh)").isTrue();
        Path config = dir.resolve("tb.yaml");
        Files.writeString(config, TrainerTest.config(dir, "run", 30, 30, ""));
        Path run = dir.resolve("run");
        Process process = TrainerTest.launch(config);
        TrainerTest.waitForSteps(run, 45, process); // past the checkpoint at 40: steps 41.. are trained twice
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        assertThat(TrainerTest.train(config).completed()).isTrue();

        JsonNode read = Json.MAPPER.readTree(readEvents(run));
        assertThat(read.get("files")).hasSize(1);
        JsonNode file = read.get("files").get(0);
        assertThat(file.get("name").asText()).matches("events\\.out\\.tfevents\\.\\d{10}\\.[A-Za-z0-9._-]+");
        assertThat(file.get("file_version").asText()).isEqualTo("brain.Event:2");
        List<Summary> summaries = new ArrayList<>();
        for (JsonNode s : read.get("summaries")) {
            Map<String, Float> values = new LinkedHashMap<>();
            s.get("values").properties().forEach(e -> values.put(e.getKey(), (float) e.getValue().asDouble()));
            summaries.add(new Summary(s.get("step").asLong(), values));
        }
        List<Summary> expected = expectedSummaries(run.resolve("metrics.jsonl"));
        assertThat(summaries).isEqualTo(expected); // in order: nothing lost, nothing twice
        assertThat(expected.getLast().step()).isEqualTo(60);
        assertThat(expected.getLast().values()).containsKeys("val/d0", "val/d1", "val_delta/d1");
        Summary lastStep = expected.get(expected.size() - 2);
        assertThat(lastStep.values()).containsKeys("train/loss", "train/lr", "tokens/d1", "replay_tokens/d0");
        assertThat(lastStep.values().get("replay/share")).isBetween(0.2f, 0.3f);
    }

    /** One event's step and its scalars by tag. */
    record Summary(long step, Map<String, Float> values) {
    }

    /** The scalars README promises, an event per line of metrics.jsonl, as float32 (TensorBoard's simple_value). */
    private static List<Summary> expectedSummaries(Path metrics) throws IOException {
        List<Summary> expected = new ArrayList<>();
        for (String line : Files.readAllLines(metrics)) {
            JsonNode r = Json.MAPPER.readTree(line);
            Map<String, Float> values = new LinkedHashMap<>();
            if (r.get("type").asText().equals("step")) {
                for (String field : List.of("loss", "lr", "grad_norm", "tokens", "tokens_per_s")) {
                    values.put("train/" + field, (float) r.get(field).asDouble());
                }
                values.put("train/skipped", r.get("skipped").asBoolean() ? 1f : 0f);
                double read = 0;
                double replayed = 0;
                for (var e : r.get("consumed_tokens").properties()) {
                    values.put("tokens/" + e.getKey(), (float) e.getValue().asDouble());
                    read += e.getValue().asDouble();
                }
                for (var e : r.get("replayed_tokens").properties()) {
                    values.put("replay_tokens/" + e.getKey(), (float) e.getValue().asDouble());
                    replayed += e.getValue().asDouble();
                }
                values.put("replay/share", (float) (replayed / (read + replayed)));
            } else {
                r.get("val_loss").properties().forEach(e -> values.put("val/" + e.getKey(),
                        (float) e.getValue().asDouble()));
                r.get("delta_since_stage_start").properties().forEach(e -> values.put("val_delta/" + e.getKey(),
                        (float) e.getValue().asDouble()));
            }
            expected.add(new Summary(r.get("step").asLong(), values));
        }
        return expected;
    }

    private static String readEvents(Path run) throws Exception {
        Process reader = new ProcessBuilder(PYTHON.toString(), "tools/reference/tfevents.py", run.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(reader.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(reader.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(reader.exitValue()).as("tools/reference/tfevents.py").isZero();
        return out;
    }
}

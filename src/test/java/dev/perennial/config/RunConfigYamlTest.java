package dev.perennial.config;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RunConfigYamlTest {

    @Test
    void aWrittenConfigReadsBackAsTheSameRecord() {
        ObjectNode architecture = JsonNodeFactory.instance.objectNode().put("model_type", "llama").put("hidden_size", 64);
        ScheduleConfig cosine = new ScheduleConfig("cosine", 3e-4, 3e-5, null, 0.01, null, null, null, null, null,
                null, null, null);
        ScheduleConfig infinite = new ScheduleConfig("infinite-cosine", 1.65e-4, 3e-5, 1.65e-4, 0.0, null, null,
                null, 0.0, 0.85, null, null, null);
        RunConfig config = new RunConfig(7L, 128L, 16L, Map.of("d0", "/data/d0", "d1", "/data/d1"), List.of(
                new StageConfig("d0", null, 1e7, cosine, List.of(new StageConfig.DataEntry("d0", null)), null, null,
                        null, null),
                new StageConfig("d1", 500.0, null, infinite, List.of(new StageConfig.DataEntry("d1", 2.0)), 0.05,
                        null, null, false)),
                new TrainSettings.ModelSpec(null, architecture), "byte", 8L, null, null,
                new TrainSettings.EvalSpec(25L, 32L, null, List.of("d0", "d1"), List.of("/tasks/a.yaml"), 10L),
                new TrainSettings.CheckpointSpec(1_000_000L, 1L), ".", null, "bf16-mixed", "cpu", true,
                new TrainSettings.DistributedSpec(true, true, 25.0));

        String yaml = ConfigLoader.yaml(config);

        assertThat(ConfigLoader.parse(yaml, "run.yaml")).isEqualTo(config);
        assertThat(yaml).contains("seq_len: 128").contains("max_lr: ").doesNotContain("null").doesNotContain("maxLr");
    }

    @Test
    void aCommentedConfigReadsBackAsTheSameRecordWithEachCommentAboveItsKey() {
        ObjectNode architecture = JsonNodeFactory.instance.objectNode().put("model_type", "gpt_neox")
                .put("rotary_pct", 0.25).put("layer_norm_eps", 1.0e-5).put("vocab_size", 4096);
        ScheduleConfig cosine = new ScheduleConfig("cosine", 1.0 / 3 * 1e-3, 3e-5, null, null, 12.5, null, null,
                null, null, null, null, null);
        // paths a plain YAML scalar would misread: a space and '#', a word YAML takes for a boolean, a leading digit
        RunConfig config = new RunConfig(0L, 32L, 4L, Map.of("d0", "/data/my corpus #1", "yes", "/data/yes"),
                List.of(new StageConfig("d0", null, 1e7, cosine, List.of(new StageConfig.DataEntry("d0", null),
                        new StageConfig.DataEntry("yes", 0.5)), null, null, null, null)),
                new TrainSettings.ModelSpec(null, architecture), "yes", null, null, null, null, null, "3runs",
                null, null, null, null, null);
        String yaml = ConfigLoader.commentedYaml(config, List.of("A header line."), Map.of(
                "stages[0].schedule.max_lr", "The peak, a long explanation that goes on and on and on and on and on "
                        + "and on and on and on, past the width of a line, so that it wraps.",
                "corpora", "The corpora."));

        assertThat(ConfigLoader.parse(yaml, "run.yaml")).isEqualTo(config);
        List<String> lines = yaml.lines().toList();
        assertThat(lines.getFirst()).isEqualTo("# A header line.");
        int maxLr = lines.indexOf(lines.stream().filter(l -> l.strip().startsWith("max_lr:")).findFirst().orElseThrow());
        assertThat(lines.get(maxLr - 1)).startsWith("      # ").endsWith("so that it wraps.");
        assertThat(lines.get(maxLr - 2)).startsWith("      # The peak, a long explanation");
        assertThat(lines).allMatch(l -> l.length() <= 110);
        assertThat(yaml).contains("# The corpora.\ncorpora:");
    }
}

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
                new TrainSettings.CheckpointSpec(1_000_000L, 1L), ".", null);

        String yaml = ConfigLoader.yaml(config);

        assertThat(ConfigLoader.parse(yaml, "run.yaml")).isEqualTo(config);
        assertThat(yaml).contains("seq_len: 128").contains("max_lr: ").doesNotContain("null").doesNotContain("maxLr");
    }
}

package dev.perennial.train;

import dev.perennial.run.MetricsFile;
import dev.perennial.run.MetricsRecord;
import dev.perennial.run.RunFolder;
import dev.perennial.tensor.Safetensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** A run with {@code activation_checkpointing: true} trains the same model as one without it. */
class ActivationCheckpointingTest {

    @TempDir
    Path dir;

    @BeforeAll
    static void prepareCorpora() throws IOException {
        TrainerTest.prepareCorpora();
    }

    @Test
    void aCheckpointedRunEndsWithTheSameWeightsAndLosses() throws Exception {
        Path plain = dir.resolve("plain.yaml");
        Files.writeString(plain, TrainerTest.config(dir, "plain", 6, 4, ""));
        Path checkpointed = dir.resolve("checkpointed.yaml");
        Files.writeString(checkpointed, TrainerTest.config(dir, "checkpointed", 6, 4,
                "activation_checkpointing: true\n"));

        assertThat(TrainerTest.train(plain).completed()).isTrue();
        assertThat(TrainerTest.train(checkpointed).completed()).isTrue();

        List<Double> expectedLosses = losses("plain");
        List<Double> losses = losses("checkpointed");
        assertThat(losses).hasSize(10);
        for (int i = 0; i < losses.size(); i++) {
            assertThat(losses.get(i)).as("loss of step %d", i + 1).isCloseTo(expectedLosses.get(i), within(1e-6));
        }
        try (PointerScope scope = new PointerScope()) {
            Map<String, Tensor> expected = finalWeights("plain");
            Map<String, Tensor> actual = finalWeights("checkpointed");
            assertThat(actual.keySet()).isEqualTo(expected.keySet());
            // float32 noise: bit-identical on the machine this was written on; kernels that round differently
            // could move the gradients by ~1e-6 (CheckpointedLossTest), and 10 AdamW steps at lr ≤ 3e-3 that little
            expected.forEach((name, weight) -> assertThat(actual.get(name).sub(weight).abs().max().item_double())
                    .as(name).isCloseTo(0, within(1e-5)));
        }
    }

    private List<Double> losses(String run) {
        return MetricsFile.readAll(new RunFolder(dir.resolve(run)).metricsFile()).records().stream()
                .filter(MetricsRecord.Step.class::isInstance).map(r -> ((MetricsRecord.Step) r).loss()).toList();
    }

    private Map<String, Tensor> finalWeights(String run) {
        return Safetensors.read(new RunFolder(dir.resolve(run)).finalDir().resolve("model.safetensors"),
                torch.ScalarType.Double);
    }
}

package dev.perennial.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.perennial.tensor.Safetensors;
import dev.perennial.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Logits and loss against Hugging Face transformers' own outputs for tiny random models, made on the device
 * machine by tools/make_golden.py into src/test/resources/golden/. Until those files exist, this test reports
 * itself as skipped, naming what is missing.
 */
class GoldenTest {

    static final Path GOLDEN = Path.of("src/test/resources/golden");

    @ParameterizedTest
    @ValueSource(strings = {"gpt_neox", "gpt_neox_sequential", "llama", "llama_tied_rope3", "qwen2", "mistral"})
    void logitsAndLossMatchTransformers(String name) throws Exception {
        Path goldenFile = GOLDEN.resolve("golden.json");
        Assumptions.assumeTrue(Files.isRegularFile(goldenFile), "no golden files: run tools/make_golden.py "
                + "src/test/resources/golden on a machine with PyTorch and transformers (the device machine) and commit "
                + "the output");
        JsonNode golden = new ObjectMapper().readTree(goldenFile.toFile());
        JsonNode expected = golden.path("models").path(name);
        Path dir = GOLDEN.resolve(expected.path("dir").asText());
        ModelConfig config = ModelConfigs.read(dir.resolve("config.json"));
        JsonNode inputs = golden.path("input_ids");
        int rows = inputs.size();
        int columns = inputs.get(0).size();
        long[] ids = new long[rows * columns];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < columns; c++) {
                ids[r * columns + c] = inputs.get(r).get(c).asLong();
            }
        }
        try (Model model = Model.fromTensors(config, Safetensors.readFolder(dir, torch.ScalarType.Float),
                torch.ScalarType.Float, dir.toString()); PointerScope scope = new PointerScope()) {
            Tensor batch = Tensors.fromLongs(ids, rows, columns);
            float[] logits = Tensors.toFloats(model.logits(batch));
            JsonNode want = expected.path("logits");
            int vocab = config.vocabSize();
            for (int r = 0; r < rows; r++) {
                for (int t = 0; t < columns; t++) {
                    for (int v = 0; v < vocab; v += 7) {
                        assertThat((double) logits[(r * columns + t) * vocab + v]).as("%s logits[%d][%d][%d]", name, r, t, v)
                                .isCloseTo(want.get(r).get(t).get(v).asDouble(), within(1e-4));
                    }
                }
            }
            assertThat(model.loss(batch).item_double()).isCloseTo(expected.path("loss").asDouble(), within(1e-4));
        }
    }
}

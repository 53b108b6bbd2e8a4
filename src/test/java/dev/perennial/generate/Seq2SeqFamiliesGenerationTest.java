package dev.perennial.generate;

import dev.perennial.model.BartModel;
import dev.perennial.model.ExpectedFiles;
import dev.perennial.tensor.Safetensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static dev.perennial.generate.Seq2SeqGenerationTest.assertRows;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Greedy and beam generation of the tiny NLLB and Blenderbot folders against tools/reference/m2m100.py and
 * blenderbot.py, whose float64 searches recompute every step without a cache: NLLB with its target language forced
 * as the first token (greedy as its generation_config.json says, and 4 beams), Blenderbot with its
 * generation_config.json (10 beams, min_length, no_repeat_ngram_size, encoder_no_repeat_ngram_size over the padded
 * input ids, forced eos, length_penalty 0.65) and greedy.
 */
class Seq2SeqFamiliesGenerationTest {

    @Test
    void nllbGeneratesTheReferenceIdsWithTheTargetLanguageForced() {
        Path ref = Path.of("src/test/resources/reference/nllb");
        Map<String, Tensor> expected = Safetensors.read(ref.resolve("expected.safetensors"), torch.ScalarType.Double);
        int target = (int) expected.get("forced_bos_token_id").item_double();
        GenerationConfig config = GenerationConfig.read(ref, null).withForcedBosTokenId(target);
        assertThat(config.numBeams()).isEqualTo(1);
        check(ref, expected, config, config.withNumBeams(4));
    }

    @Test
    void blenderbotGeneratesTheReferenceIdsWithItsGenerationConfig() {
        Path ref = Path.of("src/test/resources/reference/blenderbot");
        Map<String, Tensor> expected = Safetensors.read(ref.resolve("expected.safetensors"), torch.ScalarType.Double);
        GenerationConfig config = GenerationConfig.read(ref, null);
        assertThat(config.numBeams()).isEqualTo(10);
        check(ref, expected, config.withNumBeams(1), config);
    }

    private static void check(Path ref, Map<String, Tensor> expected, GenerationConfig greedy, GenerationConfig beam) {
        try (BartModel model = BartModel.load(ref, torch.ScalarType.Float); PointerScope scope = new PointerScope()) {
            Tensor mask = expected.get("attention_mask").to(torch.ScalarType.Long);
            Tensor inputIds = expected.get("input_ids").to(torch.ScalarType.Long);
            Tensor encoded = model.encode(inputIds, mask);
            List<int[]> rows = rows(inputIds);
            List<int[]> greedyIds = new Seq2SeqGeneration(model, greedy, rows).generate(encoded, mask);
            List<int[]> beamIds = new Seq2SeqGeneration(model, beam, rows).generate(encoded, mask);
            assertRows("greedy", greedyIds, expected.get("greedy_ids"));
            assertRows("beam", beamIds, expected.get("beam_ids"));
        }
    }

    /** The padded input ids per row, as transformers' generate hands them to EncoderNoRepeatNGramLogitsProcessor. */
    private static List<int[]> rows(Tensor ids) {
        int width = (int) ids.size(1);
        long[] flat = ExpectedFiles.longs(ids);
        return IntStream.range(0, (int) ids.size(0))
                .mapToObj(r -> Arrays.stream(flat, r * width, (r + 1) * width).mapToInt(v -> (int) v).toArray())
                .toList();
    }
}

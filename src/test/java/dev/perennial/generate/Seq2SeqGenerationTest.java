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
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Greedy and beam generation of a tiny random BART against tools/reference/bart.py, whose float64 searches recompute
 * every step without a cache. Its generation_config.json (no_repeat_ngram_size 3, min_length 8, forced bos and eos,
 * 4 beams, length_penalty 2, early stopping) changes both results: the reference checks that they differ from the
 * unprocessed ones.
 */
class Seq2SeqGenerationTest {

    static final Path REF = Path.of("src/test/resources/reference/bart");

    @Test
    void greedyAndBeamIdsEqualTheReference() {
        Map<String, Tensor> expected = Safetensors.read(REF.resolve("expected.safetensors"), torch.ScalarType.Double);
        GenerationConfig config = GenerationConfig.read(REF, null);
        assertThat(config.numBeams()).isEqualTo(4);
        try (BartModel model = BartModel.load(REF, torch.ScalarType.Float); PointerScope scope = new PointerScope()) {
            Tensor mask = expected.get("attention_mask").to(torch.ScalarType.Long);
            Tensor encoded = model.encode(expected.get("input_ids").to(torch.ScalarType.Long), mask);
            List<int[]> beam = new Seq2SeqGeneration(model, config).generate(encoded, mask);
            List<int[]> greedy = new Seq2SeqGeneration(model, config.withNumBeams(1)).generate(encoded, mask);
            assertRows("beam", beam, expected.get("beam_ids"));
            assertRows("greedy", greedy, expected.get("greedy_ids"));
        }
    }

    @Test
    void samplingFromTheTopTokenIsGreedyAndASeedRepeats() {
        Map<String, Tensor> expected = Safetensors.read(REF.resolve("expected.safetensors"), torch.ScalarType.Double);
        GenerationConfig config = GenerationConfig.read(REF, null);
        try (BartModel model = BartModel.load(REF, torch.ScalarType.Float); PointerScope scope = new PointerScope()) {
            Tensor mask = expected.get("attention_mask").to(torch.ScalarType.Long);
            Tensor encoded = model.encode(expected.get("input_ids").to(torch.ScalarType.Long), mask);
            // top-k 1 leaves the processed argmax alone: the reference's greedy ids, whatever the draws
            List<int[]> topOne = new Seq2SeqGeneration(model, config.withSampling(1.5, 1, 1)).generate(encoded, mask, 9);
            assertRows("top-k 1", topOne, expected.get("greedy_ids"));
            Seq2SeqGeneration hot = new Seq2SeqGeneration(model, config.withSampling(2.0, 0, 1));
            List<int[]> first = hot.generate(encoded, mask, 7);
            List<int[]> again = hot.generate(encoded, mask, 7);
            for (int r = 0; r < first.size(); r++) {
                assertThat(again.get(r)).as("row " + r + " with the same seed").containsExactly(first.get(r));
            }
            Set<List<Integer>> distinct = new HashSet<>();
            for (long seed = 0; seed < 4; seed++) {
                distinct.add(Arrays.stream(hot.generate(encoded, mask, seed).getFirst()).boxed().toList());
            }
            assertThat(distinct).as("samples of four seeds at temperature 2").hasSizeGreaterThan(1);
        }
    }

    static void assertRows(String what, List<int[]> got, Tensor want) {
        assertThat(got).hasSize((int) want.size(0));
        for (int r = 0; r < got.size(); r++) {
            long[] row = ExpectedFiles.longs(want.get(r));
            int[] expectedRow = java.util.Arrays.stream(row).takeWhile(t -> t >= 0).mapToInt(t -> (int) t).toArray();
            assertThat(got.get(r)).as(what + " row " + r).containsExactly(expectedRow);
        }
    }
}

package dev.perennial.generate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.model.ExpectedFiles;
import dev.perennial.tensor.Safetensors;
import dev.perennial.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The distribution sampling draws from (temperature, top-k, top-p, softmax) against hand-computed values and against
 * transformers' warpers in float64 (tools/reference/seq2seq_sampling.py), and the draws against that distribution.
 */
class SamplingWarpersTest {

    static final Path REF = Path.of("src/test/resources/reference/seq2seq_sampling");

    private static Sampling sampling(double temperature, int topK, double topP) {
        return new Sampling(1, temperature, topK, topP, List.of(), 0);
    }

    @Test
    void temperatureAndTopKByHand() {
        float[] logits = {2f, 1f, 0f, -1f};
        double[] plain = TokenPicker.distribution(logits, sampling(0.5, 0, 1));
        double z = Math.exp(4) + Math.exp(2) + 1 + Math.exp(-2);
        assertThat(plain).containsExactly(new double[] {Math.exp(4) / z, Math.exp(2) / z, 1 / z, Math.exp(-2) / z},
                within(1e-12));
        double[] topTwo = TokenPicker.distribution(logits, sampling(1, 2, 1));
        double e = Math.E;
        assertThat(topTwo).containsExactly(new double[] {e * e / (e * e + e), e / (e * e + e), 0, 0}, within(1e-12));
        // a tie with the k-th score is kept, as TopKLogitsWarper's "scores < k-th" removes only what is below it
        double[] tie = TokenPicker.distribution(new float[] {3f, 1f, 1f, 0f}, sampling(1, 2, 1));
        assertThat(tie[2]).isGreaterThan(0);
        assertThat(tie[3]).isZero();
    }

    @Test
    void topPKeepsWhatTheAscendingCumulativeSumDoesNotRemove() {
        float[] logits = {(float) Math.log(0.5), (float) Math.log(0.3), (float) Math.log(0.2)};
        // ascending cumulative 0.2, 0.5, 1.0: top_p 0.7 removes what is at most 0.3 (the 0.2)
        assertThat(TokenPicker.distribution(logits, sampling(1, 0, 0.7)))
                .containsExactly(new double[] {0.625, 0.375, 0}, within(1e-6));
        // top_p 0.45 removes what is at most 0.55: only the most likely stays
        assertThat(TokenPicker.distribution(logits, sampling(1, 0, 0.45)))
                .containsExactly(new double[] {1, 0, 0}, within(1e-12));
    }

    @Test
    void warpersEqualTheFloat64Reference() throws Exception {
        Map<String, Tensor> expected = Safetensors.read(REF.resolve("expected.safetensors"), torch.ScalarType.Double);
        JsonNode settings = ExpectedFiles.metadata(REF.resolve("expected.safetensors"), "settings");
        try (PointerScope scope = new PointerScope()) {
            Tensor logits = expected.get("logits");
            int rows = (int) logits.size(0);
            double worst = 0;
            for (int i = 0; i < settings.size(); i++) {
                JsonNode s = settings.get(i);
                Sampling sampling = sampling(s.get(0).asDouble(), s.get(1).asInt(), s.get(2).asDouble());
                Tensor want = expected.get("probs_" + i);
                for (int r = 0; r < rows; r++) {
                    float[] row = Tensors.toFloats(logits.get(r).to(torch.ScalarType.Float));
                    double[] got = TokenPicker.distribution(row, sampling);
                    double[] ref = Tensors.toDoubles(want.get(r));
                    for (int t = 0; t < ref.length; t++) {
                        assertThat(got[t] == 0).as("setting %d row %d token %d kept", i, r, t).isEqualTo(ref[t] == 0);
                        worst = Math.max(worst, Math.abs(got[t] - ref[t]));
                    }
                }
            }
            assertThat(worst).isLessThan(1e-12);
        }
    }

    @Test
    void seededDrawsFollowTheDistributionAndRepeat() {
        float[] logits = {1.5f, 1f, 0.2f, -0.5f, -3f};
        Sampling sampling = new Sampling(1, 0.9, 0, 0.95, List.of(), 42);
        double[] probs = TokenPicker.distribution(logits, sampling);
        TokenPicker picker = new TokenPicker(sampling);
        TokenPicker again = new TokenPicker(sampling);
        int draws = 40_000;
        int[] counts = new int[logits.length];
        for (int i = 0; i < draws; i++) {
            int token = picker.pick(logits);
            assertThat(again.pick(logits)).isEqualTo(token);
            counts[token]++;
        }
        for (int t = 0; t < logits.length; t++) {
            assertThat(counts[t] / (double) draws).as("token %d", t).isCloseTo(probs[t], within(0.01));
        }
        assertThat(probs[4]).isZero();
        assertThat(counts[4]).isZero();
    }

    /** Prints the time per row at Blenderbot's and BART's vocabularies (compare seq2seq_sampling.py --real-shape). */
    @Test
    void aRealVocabularysRowIsADistribution() {
        Sampling sampling = sampling(0.7, 50, 0.9);
        for (int vocab : new int[] {8008, 50265}) {
            SplittableRandom random = new SplittableRandom(3);
            float[][] rows = new float[200][vocab];
            for (float[] row : rows) {
                for (int t = 0; t < vocab; t++) {
                    row[t] = (float) (random.nextGaussian() * 3);
                }
            }
            for (int i = 0; i < 3 * rows.length; i++) {
                TokenPicker.distribution(rows[i % rows.length], sampling);
            }
            long start = System.nanoTime();
            double total = 0;
            for (float[] row : rows) {
                total += Arrays.stream(TokenPicker.distribution(row, sampling)).sum();
            }
            System.out.printf(Locale.ROOT, "java warpers, vocab %d: %.1f us per row%n", vocab,
                    (System.nanoTime() - start) / 1e3 / rows.length);
            assertThat(total / rows.length).isCloseTo(1.0, within(1e-9));
        }
    }
}

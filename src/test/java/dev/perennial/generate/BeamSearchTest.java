package dev.perennial.generate;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The generic beam search on a small random Markov chain (next-token log-probabilities depend on the last token),
 * against exhaustive enumeration: with as many beams as there can be live sequences nothing is pruned, so the best
 * hypothesis is the sequence (ended by eos, or cut at the length limit) with the best length-penalised score.
 * Whisper's decoding tests check it against transformers' BeamSearchScorer through tools/reference/whisper.py.
 */
class BeamSearchTest {

    static final int VOCAB = 3;
    static final int EOS = 2;

    @Test
    void withEnoughBeamsTheBestHypothesisIsTheExhaustiveBest() {
        for (long seed = 0; seed < 20; seed++) {
            float[][] chain = chain(seed);
            for (double penalty : new double[] {1.0, 0.5, 2.0}) {
                BeamSearch.Settings settings = new BeamSearch.Settings(8, penalty, BeamSearch.EarlyStopping.NEVER, 3,
                        EOS);
                List<int[]> best = BeamSearch.search(2, settings, (parents, generated) -> {
                    float[][] out = new float[generated.length][];
                    for (int r = 0; r < generated.length; r++) {
                        int last = generated[r].length == 0 ? r / 8 : generated[r][generated[r].length - 1];
                        out[r] = chain[last].clone();
                    }
                    return out;
                });
                for (int input = 0; input < 2; input++) {
                    assertThat(best.get(input)).as("seed %d penalty %s input %d", seed, penalty, input)
                            .containsExactly(exhaustive(chain, input, 3, penalty));
                }
            }
        }
    }

    @Test
    void settingsOutOfRangeAreRefused() {
        assertThatThrownBy(() -> new BeamSearch.Settings(0, 1, BeamSearch.EarlyStopping.FALSE, 5, 0))
                .hasMessageContaining("num_beams is 0");
        assertThatThrownBy(() -> new BeamSearch.Settings(2, 1, BeamSearch.EarlyStopping.FALSE, 0, 0))
                .hasMessageContaining("max_new_tokens is 0");
    }

    /** log-softmax rows of random logits: row t is the distribution after token t (the start is the input's id). */
    private static float[][] chain(long seed) {
        Random random = new Random(seed);
        float[][] chain = new float[VOCAB][VOCAB];
        for (float[] row : chain) {
            double sum = 0;
            double[] p = new double[VOCAB];
            for (int v = 0; v < VOCAB; v++) {
                p[v] = Math.exp(random.nextGaussian() * 2);
                sum += p[v];
            }
            for (int v = 0; v < VOCAB; v++) {
                row[v] = (float) Math.log(p[v] / sum);
            }
        }
        return chain;
    }

    private static int[] exhaustive(float[][] chain, int start, int maxLength, double penalty) {
        List<int[]> sequences = new ArrayList<>();
        List<Double> scores = new ArrayList<>();
        enumerate(chain, start, new int[0], 0, maxLength, penalty, sequences, scores);
        int best = 0;
        for (int i = 1; i < scores.size(); i++) {
            if (scores.get(i) > scores.get(best)) {
                best = i;
            }
        }
        return sequences.get(best);
    }

    private static void enumerate(float[][] chain, int last, int[] prefix, double sum, int maxLength, double penalty,
                                  List<int[]> sequences, List<Double> scores) {
        for (int v = 0; v < VOCAB; v++) {
            double s = sum + chain[last][v];
            if (v == EOS) {
                sequences.add(prefix);
                scores.add(s / Math.pow(prefix.length + 1, penalty));
                continue;
            }
            int[] longer = java.util.Arrays.copyOf(prefix, prefix.length + 1);
            longer[prefix.length] = v;
            if (longer.length == maxLength) {
                sequences.add(longer);
                scores.add(s / Math.pow(maxLength, penalty));
            } else {
                enumerate(chain, v, longer, s, maxLength, penalty, sequences, scores);
            }
        }
    }
}

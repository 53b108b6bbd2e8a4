package dev.perennial.generate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Beam search as transformers runs it (generation/utils.py _beam_search with generation/beam_search.py's
 * BeamSearchScorer), over any model that gives next-token log-probabilities for a set of rows: {@code numBeams} rows
 * per input (adjacent), the first beam starting at 0 and the others at -1e9; each step adds the rows' scores to their
 * processed log-probabilities, keeps the top 2·numBeams of each input, files an end-of-sequence among the first
 * numBeams as a finished hypothesis (scored with the length penalty over the generated length, eos included) and
 * continues the first numBeams others. An input is done when its hypotheses say so of the best beam still running
 * (transformers 5's _check_early_stop_heuristic); the search stops when every input
 * is done or after {@code maxNewTokens} tokens, when the running beams join the hypotheses. Encoder-decoder models
 * (Whisper, and BART-style translation and summarisation) share it; what the model and its logits processors do stays
 * in the {@link Step}.
 */
public final class BeamSearch {

    /** transformers' early_stopping: True, False or "never". */
    public enum EarlyStopping { TRUE, FALSE, NEVER }

    /**
     * @param eosId the token that finishes a hypothesis
     */
    public record Settings(int numBeams, double lengthPenalty, EarlyStopping earlyStopping, int maxNewTokens,
                           int eosId) {

        public Settings {
            if (numBeams < 1) {
                throw new IllegalArgumentException("num_beams is " + numBeams + "; beam search needs at least 1 beam");
            }
            if (maxNewTokens < 1) {
                throw new IllegalArgumentException("max_new_tokens is " + maxNewTokens + ", not above 0");
            }
            if (!Double.isFinite(lengthPenalty)) {
                throw new IllegalArgumentException("length_penalty is " + lengthPenalty + ", not a number");
            }
        }
    }

    /** The model's side of one step. */
    public interface Step {
        /**
         * The next token's log-probabilities [rows][vocab], after the caller's logits processors, for every row
         * (inputs × beams). {@code parents[r]} is the row of the previous step that row r continues (null on the
         * first step, when every row holds the prompt only): the caller reorders its state (a KV cache) by it.
         * {@code generated[r]} is row r's tokens after the prompt; its last is the token to feed now.
         */
        float[][] logProbs(int[] parents, int[][] generated);
    }

    private BeamSearch() {
    }

    /** The best hypothesis of each of {@code inputs} inputs: its generated tokens, eos left out. */
    public static List<int[]> search(int inputs, Settings settings, Step step) {
        int beams = settings.numBeams();
        int rows = inputs * beams;
        double[] scores = new double[rows];
        for (int r = 0; r < rows; r++) {
            scores[r] = r % beams == 0 ? 0 : -1e9;
        }
        int[][] generated = new int[rows][0];
        BeamHypotheses[] hypotheses = new BeamHypotheses[inputs];
        Arrays.setAll(hypotheses, g -> new BeamHypotheses(settings));
        boolean[] done = new boolean[inputs];
        int[] parents = null;
        int length = 0;
        while (true) {
            float[][] logProbs = step.logProbs(parents, generated);
            int[] nextParents = new int[rows];
            int[][] nextGenerated = new int[rows][];
            double[] nextScores = new double[rows];
            for (int g = 0; g < inputs; g++) {
                if (done[g]) {
                    // a finished input's rows are fed eos (the pad token) until all are done
                    for (int j = 0; j < beams; j++) {
                        nextParents[g * beams + j] = g * beams;
                        nextGenerated[g * beams + j] = append(generated[g * beams], settings.eosId());
                    }
                    continue;
                }
                Candidates top = Candidates.top(logProbs, scores, g * beams, beams, 2 * beams);
                int kept = 0;
                for (int rank = 0; rank < top.size() && kept < beams; rank++) {
                    int row = top.row(rank);
                    int token = top.token(rank);
                    if (token == settings.eosId()) {
                        if (rank < beams) {
                            hypotheses[g].add(generated[row], top.score(rank), length + 1);
                        }
                        continue;
                    }
                    int to = g * beams + kept++;
                    nextParents[to] = row;
                    nextGenerated[to] = append(generated[row], token);
                    nextScores[to] = top.score(rank);
                }
                if (kept < beams) {
                    throw new IllegalStateException("beam search found " + kept + " continuations for "
                            + beams + " beams: the logits processors leave too few tokens");
                }
                // transformers 5 _check_early_stop_heuristic: the best beam still running, not the best candidate
                done[g] = hypotheses[g].isDone(nextScores[g * beams], length + 1);
            }
            parents = nextParents;
            generated = nextGenerated;
            scores = nextScores;
            length++;
            if (allTrue(done) || length >= settings.maxNewTokens()) {
                break;
            }
        }
        List<int[]> best = new ArrayList<>(inputs);
        for (int g = 0; g < inputs; g++) {
            if (!done[g]) {
                for (int j = 0; j < beams; j++) {
                    hypotheses[g].add(generated[g * beams + j], scores[g * beams + j], length);
                }
            }
            best.add(hypotheses[g].best());
        }
        return best;
    }

    private static int[] append(int[] tokens, int token) {
        int[] out = Arrays.copyOf(tokens, tokens.length + 1);
        out[tokens.length] = token;
        return out;
    }

    private static boolean allTrue(boolean[] flags) {
        for (boolean f : flags) {
            if (!f) {
                return false;
            }
        }
        return true;
    }

    /** The best {@code k} (row, token) pairs of one input by beam score + log-probability, best first. */
    private record Candidates(int[] rows, int[] tokens, double[] scores, int size) {

        static Candidates top(float[][] logProbs, double[] beamScores, int firstRow, int beams, int k) {
            int[] rows = new int[k];
            int[] tokens = new int[k];
            double[] scores = new double[k];
            Arrays.fill(scores, Double.NEGATIVE_INFINITY);
            int size = 0;
            for (int r = firstRow; r < firstRow + beams; r++) {
                float[] row = logProbs[r];
                double base = beamScores[r];
                for (int v = 0; v < row.length; v++) {
                    double s = base + row[v];
                    if (size == k && !(s > scores[k - 1])) {
                        continue;
                    }
                    // insertion after equal scores: the earlier (row, token) stays first
                    int at = Math.min(size, k - 1);
                    while (at > 0 && s > scores[at - 1]) {
                        at--;
                    }
                    int move = Math.min(size, k - 1) - at;
                    System.arraycopy(rows, at, rows, at + 1, move);
                    System.arraycopy(tokens, at, tokens, at + 1, move);
                    System.arraycopy(scores, at, scores, at + 1, move);
                    rows[at] = r;
                    tokens[at] = v;
                    scores[at] = s;
                    size = Math.min(size + 1, k);
                }
            }
            return new Candidates(rows, tokens, scores, size);
        }

        int row(int rank) {
            return rows[rank];
        }

        int token(int rank) {
            return tokens[rank];
        }

        double score(int rank) {
            return scores[rank];
        }
    }
}

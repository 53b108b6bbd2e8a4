package dev.perennial.speech;

import dev.perennial.generate.BeamSearch;
import dev.perennial.generate.DecoderSteps;
import dev.perennial.generate.TokenPicker;
import dev.perennial.model.DecoderCache;
import dev.perennial.model.WhisperModel;
import org.bytedeco.pytorch.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Greedy and beam decoding of encoded windows with Whisper's logits processors, the way transformers' generate runs
 * them: greedy takes the argmax of the processed logits and pads a finished row with end of text; beam search
 * ({@link BeamSearch}) processes log_softmax of the logits. The decoder cache lives in the caller's scope (one batch);
 * every step runs in its own.
 */
final class WhisperDecoding {

    private final WhisperModel model;

    WhisperDecoding(WhisperModel model) {
        this.model = model;
    }

    /**
     * Each row's tokens after its prompt {@code prompts[r]} (all of one length), end of text left out. A row that
     * has ended leaves the batch (as transformers pads it, which changes nothing the others compute).
     */
    List<int[]> greedy(Tensor encoded, int[][] prompts, WhisperLogits logits, int eos, int maxNewTokens) {
        int rows = prompts.length;
        DecoderCache cache = model.newCache(encoded, 1, prompts[0].length + maxNewTokens);
        int[][] generated = new int[rows][0];
        int[] live = new int[rows];
        Arrays.setAll(live, r -> r);
        int[][] feed = prompts;
        for (int step = 0; step < maxNewTokens && live.length > 0; step++) {
            float[][] scores = DecoderSteps.nextScores(model, feed, cache, false);
            List<Integer> kept = new ArrayList<>();
            for (int j = 0; j < live.length; j++) {
                int r = live[j];
                logits.apply(generated[r], scores[j]);
                int token = TokenPicker.argmax(scores[j]);
                generated[r] = DecoderSteps.append(generated[r], token);
                if (token != eos) {
                    kept.add(j);
                }
            }
            if (kept.size() < live.length && !kept.isEmpty()) {
                cache.keepRows(kept.stream().mapToLong(Integer::longValue).toArray());
            }
            int[] previous = live;
            live = kept.stream().mapToInt(j -> previous[j]).toArray();
            feed = new int[live.length][];
            for (int j = 0; j < live.length; j++) {
                feed[j] = new int[] {generated[live[j]][generated[live[j]].length - 1]};
            }
        }
        List<int[]> out = new ArrayList<>(rows);
        for (int[] row : generated) {
            out.add(DecoderSteps.withoutEos(row, eos));
        }
        return out;
    }

    /** The best beam of each input, its tokens after the prompt, end of text left out. */
    List<int[]> beam(Tensor encoded, int[][] prompts, WhisperLogits logits, BeamSearch.Settings settings) {
        int beams = settings.numBeams();
        DecoderCache cache = model.newCache(encoded, beams, prompts[0].length + settings.maxNewTokens());
        int[][] rowPrompts = new int[prompts.length * beams][];
        Arrays.setAll(rowPrompts, r -> prompts[r / beams]);
        List<int[]> best = BeamSearch.search(prompts.length, settings, (parents, generated) -> {
            int[][] feed = rowPrompts;
            if (parents != null) {
                DecoderSteps.reorder(cache, parents);
                feed = new int[generated.length][];
                Arrays.setAll(feed, r -> new int[] {generated[r][generated[r].length - 1]});
            }
            float[][] logProbs = DecoderSteps.nextScores(model, feed, cache, true);
            for (int r = 0; r < logProbs.length; r++) {
                logits.apply(generated[r], logProbs[r]);
            }
            return logProbs;
        });
        List<int[]> out = new ArrayList<>(best.size());
        for (int[] row : best) {
            out.add(DecoderSteps.withoutEos(row, settings.eosId()));
        }
        return out;
    }
}

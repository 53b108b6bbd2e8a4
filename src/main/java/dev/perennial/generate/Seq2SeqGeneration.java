package dev.perennial.generate;

import dev.perennial.model.DecoderCache;
import dev.perennial.model.EncoderDecoder;
import org.bytedeco.pytorch.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Generation from an encoded batch as transformers' generate runs it for an encoder-decoder (generation/utils.py):
 * every decoder sequence starts with decoder_start_token_id; greedy decoding ({@code num_beams} 1, _sample without
 * sampling) takes the argmax of the processed logits, beam search ({@link BeamSearch}) processes log_softmax of them;
 * the {@link GenerationConfig}'s logits processors see the whole decoder sequence. The decoder cache lives in the
 * caller's scope (one batch); every step runs in its own.
 */
public final class Seq2SeqGeneration {

    private final EncoderDecoder model;
    private final GenerationConfig config;
    private final List<LogitsProcessor> processors;

    public Seq2SeqGeneration(EncoderDecoder model, GenerationConfig config) {
        this.model = model;
        this.config = config;
        this.processors = config.processors();
    }

    /**
     * Each input's generated tokens after the decoder start token, eos left out: beam search when the config has more
     * than one beam, else greedy. {@code encoded} [B, S, d]; {@code mask} [B, S] or null.
     */
    public List<int[]> generate(Tensor encoded, Tensor mask) {
        return generate(encoded, mask, new int[] {config.decoderStartTokenId()});
    }

    /**
     * Each input's generated tokens after {@code prompt}, the decoder sequence every input starts with (BLIP's
     * captions: [DEC] and the prompt's words), eos left out; max_length counts the prompt's tokens too, as a
     * decoder-only generate does.
     */
    public List<int[]> generate(Tensor encoded, Tensor mask, int[] prompt) {
        if (prompt.length < 1 || prompt.length >= config.maxLength()) {
            throw new IllegalArgumentException("a prompt of " + prompt.length + " tokens; max_length " + config.maxLength()
                    + " leaves room for 1 to " + (config.maxLength() - 1));
        }
        return config.numBeams() > 1 ? beam(encoded, mask, prompt) : greedy(encoded, mask, prompt);
    }

    /** Greedy decoding; a row that has ended leaves the batch (transformers pads it, which changes no other row). */
    List<int[]> greedy(Tensor encoded, Tensor mask, int[] prompt) {
        int rows = (int) encoded.size(0);
        int maxNew = config.maxLength() - prompt.length;
        DecoderCache cache = model.newCache(encoded, mask, 1, config.maxLength());
        int[][] generated = new int[rows][0];
        int[] live = new int[rows];
        Arrays.setAll(live, r -> r);
        int[][] feed = new int[rows][];
        Arrays.fill(feed, prompt);
        for (int step = 0; step < maxNew && live.length > 0; step++) {
            float[][] scores = DecoderSteps.nextScores(model, feed, cache, false);
            List<Integer> kept = new ArrayList<>();
            for (int j = 0; j < live.length; j++) {
                int r = live[j];
                process(prompt, generated[r], scores[j]);
                int token = TokenPicker.argmax(scores[j]);
                generated[r] = DecoderSteps.append(generated[r], token);
                if (token != config.eosTokenId()) {
                    kept.add(j);
                }
            }
            if (kept.size() < live.length && !kept.isEmpty()) {
                cache.keepRows(kept.stream().mapToLong(Integer::longValue).toArray());
            }
            int[] previous = live;
            live = kept.stream().mapToInt(j -> previous[j]).toArray();
            feed = DecoderSteps.column(Arrays.stream(live).map(r -> generated[r][generated[r].length - 1]).toArray());
        }
        return Arrays.stream(generated).map(g -> DecoderSteps.withoutEos(g, config.eosTokenId())).toList();
    }

    /** Beam search: the best hypothesis of each input. */
    List<int[]> beam(Tensor encoded, Tensor mask, int[] prompt) {
        BeamSearch.Settings settings = config.beamSettings(prompt.length);
        int inputs = (int) encoded.size(0);
        DecoderCache cache = model.newCache(encoded, mask, settings.numBeams(), config.maxLength());
        int[][] start = new int[inputs * settings.numBeams()][];
        Arrays.fill(start, prompt);
        List<int[]> best = BeamSearch.search(inputs, settings, (parents, generated) -> {
            int[][] feed = start;
            if (parents != null) {
                DecoderSteps.reorder(cache, parents);
                feed = DecoderSteps.column(Arrays.stream(generated).mapToInt(g -> g[g.length - 1]).toArray());
            }
            float[][] logProbs = DecoderSteps.nextScores(model, feed, cache, true);
            for (int r = 0; r < logProbs.length; r++) {
                process(prompt, generated[r], logProbs[r]);
            }
            return logProbs;
        });
        return best.stream().map(g -> DecoderSteps.withoutEos(g, config.eosTokenId())).toList();
    }

    /** The processors over the decoder sequence: the prompt (the start token), then {@code generated}. */
    private void process(int[] prompt, int[] generated, float[] scores) {
        int[] sequence = Arrays.copyOf(prompt, prompt.length + generated.length);
        System.arraycopy(generated, 0, sequence, prompt.length, generated.length);
        for (LogitsProcessor p : processors) {
            p.apply(sequence, scores);
        }
    }
}

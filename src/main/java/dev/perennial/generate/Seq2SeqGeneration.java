package dev.perennial.generate;

import dev.perennial.model.DecoderCache;
import dev.perennial.model.EncoderDecoder;
import dev.perennial.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.ScalarTypeOptional;
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
        return config.numBeams() > 1 ? beam(encoded, mask) : greedy(encoded, mask);
    }

    /** Greedy decoding; a row that has ended leaves the batch (transformers pads it, which changes no other row). */
    List<int[]> greedy(Tensor encoded, Tensor mask) {
        int rows = (int) encoded.size(0);
        int maxNew = config.maxLength() - 1;
        DecoderCache cache = model.newCache(encoded, mask, 1, config.maxLength());
        int[][] generated = new int[rows][0];
        int[] live = new int[rows];
        Arrays.setAll(live, r -> r);
        int[] feed = new int[rows];
        Arrays.fill(feed, config.decoderStartTokenId());
        for (int step = 0; step < maxNew && live.length > 0; step++) {
            float[][] scores = nextScores(feed, cache, false);
            List<Integer> kept = new ArrayList<>();
            for (int j = 0; j < live.length; j++) {
                int r = live[j];
                process(generated[r], scores[j]);
                int token = TokenPicker.argmax(scores[j]);
                generated[r] = append(generated[r], token);
                if (token != config.eosTokenId()) {
                    kept.add(j);
                }
            }
            if (kept.size() < live.length && !kept.isEmpty()) {
                cache.keepRows(kept.stream().mapToLong(Integer::longValue).toArray());
            }
            int[] previous = live;
            live = kept.stream().mapToInt(j -> previous[j]).toArray();
            feed = Arrays.stream(live).map(r -> generated[r][generated[r].length - 1]).toArray();
        }
        return Arrays.stream(generated).map(this::withoutEos).toList();
    }

    /** Beam search: the best hypothesis of each input. */
    List<int[]> beam(Tensor encoded, Tensor mask) {
        BeamSearch.Settings settings = config.beamSettings();
        int inputs = (int) encoded.size(0);
        DecoderCache cache = model.newCache(encoded, mask, settings.numBeams(), config.maxLength());
        int[] start = new int[inputs * settings.numBeams()];
        Arrays.fill(start, config.decoderStartTokenId());
        List<int[]> best = BeamSearch.search(inputs, settings, (parents, generated) -> {
            int[] feed = start;
            if (parents != null) {
                reorder(cache, parents);
                feed = Arrays.stream(generated).mapToInt(g -> g[g.length - 1]).toArray();
            }
            float[][] logProbs = nextScores(feed, cache, true);
            for (int r = 0; r < logProbs.length; r++) {
                process(generated[r], logProbs[r]);
            }
            return logProbs;
        });
        return best.stream().map(this::withoutEos).toList();
    }

    /** The processors over the decoder sequence: the start token, then {@code generated}. */
    private void process(int[] generated, float[] scores) {
        int[] sequence = new int[generated.length + 1];
        sequence[0] = config.decoderStartTokenId();
        System.arraycopy(generated, 0, sequence, 1, generated.length);
        for (LogitsProcessor p : processors) {
            p.apply(sequence, scores);
        }
    }

    /** The next token's logits (or log-probabilities) per row after feeding one token per row. */
    private float[][] nextScores(int[] feed, DecoderCache cache, boolean logSoftmax) {
        try (PointerScope step = new PointerScope()) {
            int rows = feed.length;
            long[] ids = Arrays.stream(feed).asLongStream().toArray();
            Tensor last = model.decode(Tensors.fromLongs(ids, rows, 1), cache).select(1, 0);
            if (logSoftmax) {
                last = last.log_softmax(-1, new ScalarTypeOptional());
            }
            float[] flat = Tensors.toFloats(last);
            int vocab = flat.length / rows;
            float[][] out = new float[rows][];
            for (int r = 0; r < rows; r++) {
                out[r] = Arrays.copyOfRange(flat, r * vocab, (r + 1) * vocab);
            }
            return out;
        }
    }

    private static void reorder(DecoderCache cache, int[] parents) {
        boolean identity = true;
        long[] from = new long[parents.length];
        for (int r = 0; r < parents.length; r++) {
            from[r] = parents[r];
            identity &= parents[r] == r;
        }
        if (!identity) {
            cache.reorder(from);
        }
    }

    private static int[] append(int[] tokens, int token) {
        int[] out = Arrays.copyOf(tokens, tokens.length + 1);
        out[tokens.length] = token;
        return out;
    }

    private int[] withoutEos(int[] tokens) {
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] == config.eosTokenId()) {
                return Arrays.copyOf(tokens, i);
            }
        }
        return tokens;
    }
}

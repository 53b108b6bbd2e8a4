package dev.perennial.generate;

import dev.perennial.model.DecoderCache;
import dev.perennial.model.EncoderDecoder;
import dev.perennial.tokenizer.Tokenizer;
import org.bytedeco.pytorch.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * Generation from an encoded batch as transformers' generate runs it for an encoder-decoder (generation/utils.py):
 * every decoder sequence starts with decoder_start_token_id; greedy decoding ({@code num_beams} 1, _sample without
 * sampling) takes the argmax of the processed logits, sampling ({@code do_sample}) draws from them after the
 * temperature, top-k and top-p warpers ({@link TokenPicker}; seeded, but not with torch.multinomial's draws), beam
 * search ({@link BeamSearch}) processes log_softmax of them; the {@link GenerationConfig}'s logits processors see the
 * whole decoder sequence (and encoder_no_repeat_ngram_size's the input's ids). The decoder cache lives in the
 * caller's scope (one batch); every step runs in its own.
 */
public final class Seq2SeqGeneration {

    private final EncoderDecoder model;
    private final GenerationConfig config;
    private final List<LogitsProcessor> processors;
    private final List<LogitsProcessor> inputProcessors;

    /** Generation for inputs whose ids no processor needs (the config has no encoder_no_repeat_ngram_size). */
    public Seq2SeqGeneration(EncoderDecoder model, GenerationConfig config) {
        this(model, config, null);
    }

    /**
     * Generation for the inputs whose encoder ids are {@code inputIds} (one per input, in the order of the encoded
     * batch), which encoder_no_repeat_ngram_size bans n-grams of; null when the config has none.
     */
    public Seq2SeqGeneration(EncoderDecoder model, GenerationConfig config, List<int[]> inputIds) {
        this.model = model;
        this.config = config;
        this.processors = config.processors();
        if (config.encoderNoRepeatNgramSize() > 0 && inputIds == null) {
            throw new IllegalArgumentException("encoder_no_repeat_ngram_size needs the inputs' ids");
        }
        this.inputProcessors = config.encoderNoRepeatNgramSize() > 0 ? inputIds.stream()
                .map(ids -> (LogitsProcessor) LogitsProcessor.EncoderNoRepeatNGram.of(
                        config.encoderNoRepeatNgramSize(), ids)).toList() : null;
    }

    /**
     * Each input's generated tokens after the decoder start token, eos left out: beam search when the config has more
     * than one beam, else greedy decoding or, when the config samples, sampling seeded with 0. {@code encoded}
     * [B, S, d]; {@code mask} [B, S] or null.
     */
    public List<int[]> generate(Tensor encoded, Tensor mask) {
        return generate(encoded, mask, 0);
    }

    /** As {@link #generate(Tensor, Tensor)}, input r sampling with seed {@code seed + r}: a seed repeats exactly. */
    public List<int[]> generate(Tensor encoded, Tensor mask, long seed) {
        return generate(encoded, mask, start(), seed);
    }

    /**
     * Each input's generated tokens after {@code prompt}, the decoder sequence every input starts with (BLIP's
     * captions: [DEC] and the prompt's words), eos left out; max_length counts the prompt's tokens too, as a
     * decoder-only generate does.
     */
    public List<int[]> generate(Tensor encoded, Tensor mask, int[] prompt) {
        return generate(encoded, mask, prompt, 0);
    }

    /** As {@link #generate(Tensor, Tensor, int[])}, input r sampling with seed {@code seed + r}. */
    public List<int[]> generate(Tensor encoded, Tensor mask, int[] prompt, long seed) {
        if (prompt.length < 1 || prompt.length >= config.maxLength()) {
            throw new IllegalArgumentException("a prompt of " + prompt.length + " tokens; max_length " + config.maxLength()
                    + " leaves room for 1 to " + (config.maxLength() - 1));
        }
        if (config.numBeams() > 1) {
            return beam(encoded, mask, prompt);
        }
        List<int[]> out = oneBeam(encoded, mask, prompt, seed, (row, token, logits) -> true);
        return out.stream().map(g -> DecoderSteps.withoutEos(g, config.eosTokenId())).toList();
    }

    /** The decoder sequence an encoder-decoder starts from: decoder_start_token_id. */
    private int[] start() {
        return new int[] {config.decoderStartTokenId()};
    }

    /**
     * The reply to one encoded input ({@code encoded} [1, S, d], no padding) as text: {@code listener} sees it grow
     * token by token when decoding one beam (sampled with {@code seed} when the config samples), and whole at the end
     * for beam search. Generation ends at eos, after the config's max_length, at the first of {@code stops} (cut off)
     * or when the listener returns false. {@code decode} turns ids into text; {@code promptTokens} is reported back.
     */
    public Generator.Result text(Tensor encoded, Tokenizer tokenizer, Function<int[], String> decode,
                                 List<String> stops, long seed, int promptTokens, Generator.TextListener listener) {
        Continuation continuation = new Continuation(tokenizer, decode, stops, 0, listener);
        int[] ids;
        if (config.numBeams() > 1) {
            int[] best = beam(encoded, null, start()).getFirst();
            // a hypothesis shorter than max_length ended with eos, which beam() leaves out
            int[] tokens = best.length < config.maxLength() - 1 ? DecoderSteps.append(best, config.eosTokenId()) : best;
            ids = tokens;
            for (int i = 0; i < tokens.length; i++) {
                if (!continuation.accept(tokens[i], null)) {
                    ids = Arrays.copyOf(tokens, i + 1);
                    break;
                }
            }
        } else {
            ids = oneBeam(encoded, null, start(), seed, (row, token, logits) -> continuation.accept(token, logits)).getFirst();
        }
        return continuation.finish(ids, promptTokens);
    }

    /** Sees each row's chosen token with the logits it was picked from; false ends that row. */
    @FunctionalInterface
    interface RowListener {
        boolean onToken(int row, int token, float[] logits);
    }

    /**
     * Greedy decoding or sampling (transformers' _sample: the processed logits, then warped when sampling); a row
     * that has ended (eos, or its listener said so) leaves the batch (transformers pads it, which changes no other
     * row). Each row's tokens, eos included when it came.
     */
    List<int[]> oneBeam(Tensor encoded, Tensor mask, int[] prompt, long seed, RowListener listener) {
        int rows = (int) encoded.size(0);
        int maxNew = config.maxLength() - prompt.length;
        TokenPicker[] pickers = new TokenPicker[rows];
        Arrays.setAll(pickers, r -> new TokenPicker(config.sampling(seed + r)));
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
                float[] raw = scores[j].clone();
                process(r, prompt, generated[r], scores[j]);
                int token = pickers[r].pick(scores[j]);
                generated[r] = DecoderSteps.append(generated[r], token);
                if (listener.onToken(r, token, raw) && token != config.eosTokenId()) {
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
        return Arrays.asList(generated);
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
                process(r / settings.numBeams(), prompt, generated[r], logProbs[r]);
            }
            return logProbs;
        });
        return best.stream().map(g -> DecoderSteps.withoutEos(g, config.eosTokenId())).toList();
    }

    /**
     * The processors over the decoder sequence of input {@code input}: the prompt (the start token), then
     * {@code generated}.
     */
    private void process(int input, int[] prompt, int[] generated, float[] scores) {
        int[] sequence = Arrays.copyOf(prompt, prompt.length + generated.length);
        System.arraycopy(generated, 0, sequence, prompt.length, generated.length);
        if (inputProcessors != null) {
            inputProcessors.get(input).apply(sequence, scores);
        }
        for (LogitsProcessor p : processors) {
            p.apply(sequence, scores);
        }
    }
}

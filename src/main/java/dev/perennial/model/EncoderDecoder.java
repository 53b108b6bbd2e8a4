package dev.perennial.model;

import org.bytedeco.pytorch.Tensor;

/**
 * What generation needs of an encoder-decoder family (BART; later M2M100, NLLB, Blenderbot): a decoder state over an
 * encoded batch and one decoder step through it. Encoding is the family's own (its inputs differ); both methods run
 * inside the caller's PointerScope, {@link #newCache} in the scope around one batch's decoding.
 */
public interface EncoderDecoder {

    /**
     * A decoder state for {@code rowsPerInput} adjacent rows per encoded input (1 for greedy decoding, the beams for
     * beam search) with room for {@code capacity} tokens; {@code mask} [B, S] (1 = a real token) or null when no
     * input is padded.
     */
    DecoderCache newCache(Tensor encoded, Tensor mask, int rowsPerInput, int capacity);

    /** Feeds {@code ids} [rows, T] (int64) at the cache's positions; the logits [rows, T, vocab]. */
    Tensor decode(Tensor ids, DecoderCache cache);

    /** The most tokens one decoder sequence holds (its learned positions). */
    int maxDecoderPositions();
}

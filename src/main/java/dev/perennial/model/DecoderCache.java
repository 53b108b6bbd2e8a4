package dev.perennial.model;

import dev.perennial.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

/**
 * An encoder-decoder's decoder state for a batch of rows (inputs, or beams of them): per layer the self-attention
 * keys and values of the tokens fed so far, preallocated for {@code capacity} positions and written in place, the
 * cross-attention keys and values of the encoder output, computed once ({@link WhisperModel#newCache},
 * {@link BartModel#newCache}), and, when the inputs were padded, which encoder positions each row may attend to. It
 * lives in the PointerScope around one batch's decoding, never inside a step's.
 */
public final class DecoderCache {

    final Tensor[] selfKeys;
    final Tensor[] selfValues;
    final Tensor[] crossKeys;
    final Tensor[] crossValues;
    /** Boolean [rows, 1, 1, S], true at the encoder positions a row attends to; null when none is padded. */
    Tensor crossMask;
    private final int capacity;
    private int length;

    DecoderCache(Tensor[] crossKeys, Tensor[] crossValues, Tensor crossMask, int heads, int headDim, int capacity) {
        this.crossKeys = crossKeys;
        this.crossMask = crossMask;
        this.crossValues = crossValues;
        this.capacity = capacity;
        int layers = crossKeys.length;
        this.selfKeys = new Tensor[layers];
        this.selfValues = new Tensor[layers];
        long rows = crossKeys[0].size(0);
        TensorOptions options = new TensorOptions(crossKeys[0].scalar_type());
        for (int i = 0; i < layers; i++) {
            selfKeys[i] = torch.zeros(new long[] {rows, heads, capacity, headDim}, options);
            selfValues[i] = torch.zeros(new long[] {rows, heads, capacity, headDim}, options);
        }
    }

    /** Tokens already fed (the next token's position). */
    public int length() {
        return length;
    }

    public int capacity() {
        return capacity;
    }

    public int rows() {
        return (int) crossKeys[0].size(0);
    }

    /** Refuses {@code ids} [rows, T] unless they have the cache's rows and fit after its tokens; T. */
    int requireRoom(Tensor ids) {
        long rows = ids.size(0);
        int tokens = (int) ids.size(1);
        if (rows != rows() || length + tokens > capacity) {
            throw new IllegalArgumentException(rows + " rows of " + tokens + " tokens after " + length
                    + "; the cache holds " + rows() + " rows of up to " + capacity + " tokens");
        }
        return tokens;
    }

    void advance(int tokens) {
        length += tokens;
    }

    /**
     * Keeps only {@code rows} (in that order), so that finished rows cost nothing more: the kept entries are copied
     * into new tensors, which belong to the scope open at the call, so call it in the scope around the batch's
     * decoding, never inside a step's.
     */
    public void keepRows(long[] rows) {
        Tensor index = Tensors.fromLongs(rows, rows.length);
        for (Tensor[] tensors : new Tensor[][] {selfKeys, selfValues, crossKeys, crossValues}) {
            for (int i = 0; i < tensors.length; i++) {
                tensors[i] = tensors[i].index_select(0, index);
            }
        }
        if (crossMask != null) {
            crossMask = crossMask.index_select(0, index);
        }
    }

    /**
     * Makes row r hold the self-attention entries of row {@code from[r]} (beam search keeps, drops and repeats
     * beams), in place: the copies live only inside this call's scope. Beams move only among the rows of their own
     * input, whose cross-attention entries are equal, so those stay.
     */
    public void reorder(long[] from) {
        if (from.length != rows()) {
            throw new IllegalArgumentException(from.length + " rows to reorder, the cache holds " + rows());
        }
        try (PointerScope scope = new PointerScope()) {
            Tensor index = Tensors.fromLongs(from, from.length);
            for (Tensor[] tensors : new Tensor[][] {selfKeys, selfValues}) {
                for (Tensor t : tensors) {
                    Tensor held = t.narrow(2, 0, length);
                    held.copy_(held.index_select(0, index));
                }
            }
        }
    }
}

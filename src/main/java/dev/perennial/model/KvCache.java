package dev.perennial.model;

import dev.perennial.tensor.Tensors;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

import java.util.Arrays;

/**
 * Keys and values of the tokens seen so far, per layer, preallocated for {@code capacity} positions so that a
 * decoding step writes in place and allocates nothing that outlives its {@code PointerScope}. Create it outside
 * any step scope.
 *
 * <p>For a batch of prompts of different lengths, each row may be left-padded: row b's first {@code padding[b]}
 * cache positions hold no token, are masked out of attention, and its first token is at position 0. Rows that are
 * done can be dropped ({@link #keepRows}), so the rows still generating are the first {@link #rows()}.
 */
public final class KvCache implements AutoCloseable {

    private final Tensor[] keys;
    private final Tensor[] values;
    private final int capacity;
    private int[] padding;
    private int length;

    KvCache(int layers, int[] padding, int kvHeads, int capacity, int headDim, torch.ScalarType dtype) {
        this.keys = new Tensor[layers];
        this.values = new Tensor[layers];
        this.capacity = capacity;
        this.padding = padding.clone();
        TensorOptions options = new TensorOptions(dtype);
        for (int i = 0; i < layers; i++) {
            keys[i] = torch.zeros(new long[] {padding.length, kvHeads, capacity, headDim}, options);
            values[i] = torch.zeros(new long[] {padding.length, kvHeads, capacity, headDim}, options);
        }
    }

    /** Positions already held (the next token's cache index). */
    public int length() {
        return length;
    }

    public int capacity() {
        return capacity;
    }

    /** The rows still held. */
    public int rows() {
        return padding.length;
    }

    /** Whether some row is left-padded, so that attention needs a mask and positions differ by row. */
    boolean padded() {
        return Arrays.stream(padding).anyMatch(p -> p > 0);
    }

    /** Each held row's left padding. */
    int[] padding() {
        return padding.clone();
    }

    /** The position the next token of the row with the least padding (the furthest along) will have. */
    int furthestPosition() {
        return length - Arrays.stream(padding).min().orElse(0);
    }

    /**
     * Keeps only the held rows {@code rows} (indices into the current rows, in the order given), moved to the
     * front; the rows after them are no longer computed. Temporaries belong to the caller's PointerScope.
     */
    public void keepRows(int[] rows) {
        Tensor index = Tensors.fromLongs(Arrays.stream(rows).asLongStream().toArray(), rows.length);
        for (int i = 0; i < keys.length; i++) {
            keep(keys[i], index, rows.length);
            keep(values[i], index, rows.length);
        }
        int[] kept = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            kept[i] = padding[rows[i]];
        }
        padding = kept;
    }

    private void keep(Tensor all, Tensor index, int count) {
        Tensor chosen = all.narrow(0, 0, padding.length).narrow(2, 0, length).index_select(0, index);
        all.narrow(0, 0, count).narrow(2, 0, length).copy_(chosen);
    }

    /** Stores layer {@code layer}'s new keys and values [B, Hkv, T, hd] after the cached ones; returns all of them. */
    Tensor[] append(int layer, Tensor k, Tensor v) {
        int t = (int) k.size(2);
        if (length + t > capacity) {
            throw new IllegalStateException("the cache holds " + capacity + " positions; " + (length + t) + " needed");
        }
        Tensor layerKeys = keys[layer].narrow(0, 0, padding.length);
        Tensor layerValues = values[layer].narrow(0, 0, padding.length);
        layerKeys.narrow(2, length, t).copy_(k);
        layerValues.narrow(2, length, t).copy_(v);
        return new Tensor[] {layerKeys.narrow(2, 0, length + t), layerValues.narrow(2, 0, length + t)};
    }

    /** Called once all layers have appended {@code t} positions. */
    void advance(int t) {
        length += t;
    }

    @Override
    public void close() {
        for (int i = 0; i < keys.length; i++) {
            keys[i].close();
            values[i].close();
        }
    }
}

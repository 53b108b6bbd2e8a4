package dev.perennial.model;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

/**
 * Keys and values of the tokens seen so far, per layer, preallocated for {@code capacity} positions so that a
 * decoding step writes in place and allocates nothing that outlives its {@code PointerScope}. Create it outside
 * any step scope.
 */
public final class KvCache implements AutoCloseable {

    private final Tensor[] keys;
    private final Tensor[] values;
    private final int capacity;
    private int length;

    KvCache(int layers, int batch, int kvHeads, int capacity, int headDim, torch.ScalarType dtype) {
        this.keys = new Tensor[layers];
        this.values = new Tensor[layers];
        this.capacity = capacity;
        TensorOptions options = new TensorOptions(dtype);
        for (int i = 0; i < layers; i++) {
            keys[i] = torch.zeros(new long[] {batch, kvHeads, capacity, headDim}, options);
            values[i] = torch.zeros(new long[] {batch, kvHeads, capacity, headDim}, options);
        }
    }

    /** Positions already held (the next token's position). */
    public int length() {
        return length;
    }

    public int capacity() {
        return capacity;
    }

    /** Stores layer {@code layer}'s new keys and values [B, Hkv, T, hd] after the cached ones; returns all of them. */
    Tensor[] append(int layer, Tensor k, Tensor v) {
        int t = (int) k.size(2);
        if (length + t > capacity) {
            throw new IllegalStateException("the cache holds " + capacity + " positions; " + (length + t) + " needed");
        }
        keys[layer].narrow(2, length, t).copy_(k);
        values[layer].narrow(2, length, t).copy_(v);
        return new Tensor[] {keys[layer].narrow(2, 0, length + t), values[layer].narrow(2, 0, length + t)};
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

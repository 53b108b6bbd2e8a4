package dev.perennial.model;

import dev.perennial.tensor.Tensors;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Where the T new tokens of one forward pass sit: the rotary tables of their positions, and, when some row of the
 * cache is left-padded, the attention mask that hides the padding. A padded row's first token is at position 0,
 * as it would be alone, so a padded row computes what the same prompt computes by itself.
 *
 * @param cos  cos table [R, 1, T, dims], R being 1 (every row alike) or the batch
 * @param sin  sin table, shaped as cos
 * @param mask null (causal attention only) or a boolean [B, 1, T, S] mask, true where a query may attend
 */
record Positions(Tensor cos, Tensor sin, Tensor mask) {

    /** As {@link #of(Rope, KvCache, long, torch.ScalarType)}, on {@code device}. */
    static Positions of(Rope rope, KvCache cache, long t, torch.ScalarType dtype, Device device) {
        Positions host = of(rope, cache, t, dtype);
        if (device.is_cpu()) {
            return host;
        }
        return new Positions(host.cos().to(device, host.cos().scalar_type()),
                host.sin().to(device, host.sin().scalar_type()),
                host.mask() == null ? null : host.mask().to(device, host.mask().scalar_type()));
    }

    static Positions of(Rope rope, KvCache cache, long t, torch.ScalarType dtype) {
        if (cache == null || !cache.padded()) {
            Tensor[] tables = rotaryTables(rope, new long[] {cache == null ? 0 : cache.length()}, t, dtype);
            return new Positions(tables[0], tables[1], null);
        }
        int[] padding = cache.padding();
        long[] starts = new long[padding.length];
        for (int b = 0; b < padding.length; b++) {
            starts[b] = cache.length() - padding[b];
        }
        Tensor[] tables = rotaryTables(rope, starts, t, dtype);
        return new Positions(tables[0], tables[1], paddingMask(padding, cache.length(), t));
    }

    /** cos and sin [R, 1, T, dims] for row r's positions starts[r] ... starts[r] + T - 1 (HF: cat(freqs, freqs)). */
    static Tensor[] rotaryTables(Rope rope, long[] starts, long length, torch.ScalarType dtype) {
        double[] inv = rope.inverseFrequencies();
        int half = inv.length;
        int rowSize = (int) length * half * 2;
        double[] cos = new double[starts.length * rowSize];
        double[] sin = new double[cos.length];
        for (int r = 0; r < starts.length; r++) {
            for (int t = 0; t < length; t++) {
                for (int i = 0; i < half; i++) {
                    double angle = (starts[r] + t) * inv[i];
                    int a = r * rowSize + t * 2 * half + i;
                    cos[a] = cos[a + half] = Math.cos(angle);
                    sin[a] = sin[a + half] = Math.sin(angle);
                }
            }
        }
        long[] shape = {starts.length, 1, length, 2L * half};
        return new Tensor[] {Tensors.fromDoubles(cos, dtype, shape), Tensors.fromDoubles(sin, dtype, shape)};
    }

    /**
     * Query i (cache index start + i) of row b sees keys from the row's first token up to itself. A padding query
     * sees only itself: a row of nothing but masked keys would make the softmax NaN, and NaN times a zero weight
     * would still reach the real tokens (transformers unmasks such rows for the same reason).
     */
    static Tensor paddingMask(int[] padding, long start, long t) {
        long keys = start + t;
        long[] allowed = new long[(int) (padding.length * t * keys)];
        int at = 0;
        for (int pad : padding) {
            for (long i = 0; i < t; i++) {
                long self = start + i;
                for (long j = 0; j < keys; j++) {
                    allowed[at++] = (j >= pad && j <= self) || j == self ? 1 : 0;
                }
            }
        }
        return Tensors.fromLongs(allowed, padding.length, 1, t, keys).to(torch.ScalarType.Bool);
    }
}

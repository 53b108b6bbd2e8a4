package dev.perennial.model;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

/**
 * ConvTranspose1d (stride r, padding P, weight [in, out, K]) computed as one stride-1 convolution with r · out
 * channels: output sample q·r + p is phase p of position q, a short convolution of the input around q. Written
 * channels-last, the phases of a position lie next to each other, so [1, r·out, 1, Q] is [1, out, 1, Q·r] without a
 * copy. oneDNN creates a transposed convolution's kernels slowly (HiFi-GAN's 4/2 upsamplers: 16 ms each, for every
 * new sentence length, against 0.5 ms for a plain convolution) and runs them no faster. The convolution spends a
 * third more multiplications (zero taps) when K / r is 2, about what the transposed one lost in speed. Make it once,
 * at load (outside any PointerScope); the caller closes it.
 *
 * @param weight the convolution's {@link ChannelsLast#packedWeight} [r·out, in, 1, taps]
 * @param bias   the bias repeated for each phase [r·out], or null
 */
record PolyphaseUpsampler(Tensor weight, Tensor bias, long rate, long padding, long kernel, long first) {

    /**
     * The upsampler equal to {@code conv_transpose1d(x, weight, bias, stride=rate, padding=padding)}: phase p reads
     * input offsets d with weight tap k = p + P − d·r in [0, K), offsets from {@code first} = ⌈(P − K + 1) / r⌉ to
     * ⌊(r − 1 + P) / r⌋.
     */
    static PolyphaseUpsampler of(Tensor transposedWeight, Tensor bias, long rate, long padding) {
        long in = transposedWeight.size(0);
        long out = transposedWeight.size(1);
        long kernel = transposedWeight.size(2);
        long first = Math.floorDiv(padding - kernel + 1 + rate - 1, rate);
        long last = Math.floorDiv(rate - 1 + padding, rate);
        long taps = last - first + 1;
        Tensor w = torch.zeros(new long[] {rate * out, in, taps}, new TensorOptions(transposedWeight.scalar_type()));
        try (PointerScope views = new PointerScope()) {
            for (long p = 0; p < rate; p++) {
                for (long u = 0; u < taps; u++) {
                    long k = p + padding - (u + first) * rate;
                    if (k >= 0 && k < kernel) {
                        w.narrow(0, p * out, out).select(2, u).copy_(transposedWeight.select(2, k).t());
                    }
                }
            }
        }
        Tensor packed = ChannelsLast.packedWeight(w);
        w.close();
        return new PolyphaseUpsampler(packed, bias == null ? null : bias.repeat(rate), rate, padding, kernel, first);
    }

    /** The upsampled signal [B, out, 1, (L − 1)·r − 2P + K] of a channels-last [B, in, 1, L], channels-last too. */
    Tensor apply(Tensor x) {
        long length = x.size(3);
        long outLength = (length - 1) * rate - 2 * padding + kernel;
        long positions = Math.floorDiv(outLength + rate - 1, rate);
        long taps = weight.size(3);
        long last = first + taps - 1;
        // symmetric zero padding s: output j reads inputs j − s … j − s + taps − 1, and position q needs q + first …
        long pad = Math.max(Math.max(-first, positions - length + last), 0);
        Tensor phases = ChannelsLast.conv1d(x, weight, bias, pad, 1).narrow(3, first + pad, positions);
        long b = x.size(0);
        long out = weight.size(0) / rate;
        return phases.permute(0, 2, 3, 1).reshape(b, 1, positions * rate, out).permute(0, 3, 1, 2)
                .narrow(3, 0, outLength);
    }

    void close() {
        weight.close();
        if (bias != null) {
            bias.close();
        }
    }
}

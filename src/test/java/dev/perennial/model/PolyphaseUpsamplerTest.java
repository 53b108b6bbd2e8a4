package dev.perennial.model;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The polyphase upsampler against libtorch's own conv_transpose1d, at HiFi-GAN's kernel/rate pairs (16/8, 4/2: the
 * output exactly L·r long) and at pairs whose output is longer than L·r (5/2, 7/3) or whose padding is 0; in float64
 * (a plain channels-last weight) and in float32 (a weight packed into oneDNN's layout).
 */
class PolyphaseUpsamplerTest {

    @Test
    void equalsConvTranspose1dForHifiGansPairsAndOddOnes() {
        long[][] kernelRate = {{16, 8}, {4, 2}, {5, 2}, {7, 3}, {3, 3}, {2, 1}};
        for (long[] kr : kernelRate) {
            for (long length : new long[] {1, 2, 9}) {
                assertEqual(kr[0], kr[1], length, torch.ScalarType.Double, 1e-12);
                assertEqual(kr[0], kr[1], length, torch.ScalarType.Float, 1e-5);
            }
        }
    }

    private static void assertEqual(long kernel, long rate, long length, torch.ScalarType dtype, double tolerance) {
        long in = 6;
        long out = 4;
        long padding = (kernel - rate) / 2;
        try (PointerScope scope = new PointerScope()) {
            GeneratorOptional seed = new GeneratorOptional(torch.createCPUGenerator(kernel * 100 + rate * 10 + length));
            TensorOptions options = new TensorOptions(dtype);
            Tensor weight = torch.randn(new long[] {in, out, kernel}, seed, options);
            Tensor bias = torch.randn(new long[] {out}, seed, options);
            Tensor x = torch.randn(new long[] {1, in, length}, seed, options);
            Tensor expected = torch.conv_transpose1d(x, weight, new TensorOptional(bias), new long[] {rate},
                    new long[] {padding}, new long[] {0}, 1, new long[] {1});
            PolyphaseUpsampler up = PolyphaseUpsampler.of(weight, bias, rate, padding);
            try {
                Tensor actual = ChannelsLast.unsignal(up.apply(ChannelsLast.signal(x)));
                String at = dtype + ", kernel " + kernel + ", rate " + rate + ", length " + length;
                assertThat(actual.sizes().vec().get()).as(at).isEqualTo(expected.sizes().vec().get());
                assertThat(actual.sub(expected).abs().max().item_double()).as(at).isLessThan(tolerance);
            } finally {
                up.close();
            }
        }
    }
}

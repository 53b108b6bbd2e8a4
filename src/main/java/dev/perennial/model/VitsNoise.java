package dev.perennial.model;

import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

/**
 * The standard normal noise one VITS synthesis draws, in the order transformers' VitsModel.forward draws it: first
 * the duration flow's ("duration", (1, 2, tokens)), then the prior's ("prior", (1, flow_size, frames)). Tests hand over the reference's own
 * tensors; production draws them from a seeded libtorch generator of its own (not the global one, so that calls
 * in parallel do not share a stream).
 */
public interface VitsNoise {

    /** Noise of {@code shape} in float32 (as torch.randn draws it), for the draw named {@code what}. */
    Tensor normal(String what, long... shape);

    /**
     * torch.randn from a CPU generator seeded with {@code seed}: with the same seed, the numbers
     * {@code torch.manual_seed(seed)} gives transformers on CPU for the same draws in the same order. The generator
     * belongs to the PointerScope open when this is called: call it in the scope that outlives every draw.
     */
    static VitsNoise seeded(long seed) {
        Generator generator = torch.createCPUGenerator(seed);
        return (what, shape) -> what.equals("prior") ? transposedNormal(generator, shape)
                : torch.randn(shape, new GeneratorOptional(generator), new TensorOptions(torch.ScalarType.Float));
    }

    /**
     * The prior's noise as transformers draws it: modeling_vits.py takes torch.randn_like(prior_means), whose
     * prior_means is a matmul's result transposed (1, 2); randn_like keeps those strides, and a non-contiguous tensor
     * is filled element by element in memory order, not by the vectorised path torch.randn takes, so the numbers
     * differ from torch.randn of the same shape.
     */
    private static Tensor transposedNormal(Generator generator, long... shape) {
        Tensor memoryOrder = torch.empty(new long[] {shape[0], shape[2], shape[1]},
                new TensorOptions(torch.ScalarType.Float), new MemoryFormatOptional());
        return memoryOrder.transpose(1, 2).normal_(0, 1, new GeneratorOptional(generator)).contiguous();
    }
}

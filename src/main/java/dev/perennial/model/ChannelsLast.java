package dev.perennial.model;

import org.bytedeco.pytorch.Dispatcher;
import org.bytedeco.pytorch.GenericList;
import org.bytedeco.pytorch.IValue;
import org.bytedeco.pytorch.IValueVector;
import org.bytedeco.pytorch.IntType;
import org.bytedeco.pytorch.NumberType;
import org.bytedeco.pytorch.OperatorHandle;
import org.bytedeco.pytorch.OptionalType;
import org.bytedeco.pytorch.SingletonTypePtr;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.Type;
import org.bytedeco.pytorch.global.torch;

/**
 * Convolutions over activations and weights in the channels-last layout (NHWC), which oneDNN convolves as they are;
 * in the default layout it reorders every input into its blocked layout and the output back, on every call. Measured
 * here: HiFi-GAN at vits-ljs's shapes, 141 frames, 800–830 ms → 640–660 ms of CPU time on one thread; ResNet-50's
 * 3x3 and 1x1 convolutions 1.1–2× faster. A 1-D signal [B, C, L] runs as the image [B, C, 1, L]. Convert weights
 * once, at load (outside any PointerScope); the caller owns and closes them.
 */
final class ChannelsLast {

    private ChannelsLast() {
    }

    /** A convolution's weight [O, I, k] (1-D, as [O, I, 1, k]) or [O, I, kh, kw], as a channels-last copy. */
    static Tensor weight(Tensor weight) {
        Tensor w = weight.dim() == 3 ? weight.unsqueeze(2) : weight;
        return w.contiguous(torch.MemoryFormat.ChannelsLast);
    }

    /**
     * A float32 1-D convolution's weight [O, I, k] reordered once into oneDNN's own blocked layout (an MKLDNN
     * tensor), which {@link #conv1d} passes to oneDNN as it is: with a plain weight, every call reorders it into a
     * fresh buffer (about 30 ms of a vits-ljs synthesis of 3 s of audio, and 17 MB of new pages on a first call).
     * Other dtypes, or a libtorch without oneDNN, get the {@link #weight} copy. The caller owns and closes it.
     */
    static Tensor packedWeight(Tensor weight) {
        if (weight.scalar_type().value != torch.ScalarType.Float.value || !torch.hasMKLDNN()) {
            return weight(weight);
        }
        Tensor plain = weight.unsqueeze(2).contiguous();
        Tensor mkldnn = plain.to_mkldnn();
        Tensor packed = torch.mkldnn_reorder_conv2d_weight(mkldnn, new long[] {0, 0}, new long[] {1, 1},
                new long[] {1, 1}, 1, new long[] {1, weight.size(1), 1, PACKING_LENGTH});
        mkldnn.close();
        plain.close();
        return packed;
    }

    /** The signal length weights are packed for; oneDNN chose the same layout for 33 to 9,024 samples here. */
    private static final long PACKING_LENGTH = 1024;

    /** A signal [B, C, L] as the channels-last image [B, C, 1, L]. */
    static Tensor signal(Tensor x) {
        return x.unsqueeze(2).contiguous(torch.MemoryFormat.ChannelsLast);
    }

    /** A channels-last image [B, C, 1, L] as the signal [B, C, L] in the default layout. */
    static Tensor unsignal(Tensor x) {
        return x.squeeze(2).contiguous();
    }

    /** An image [B, C, H, W] in channels-last layout. */
    static Tensor image(Tensor x) {
        return x.contiguous(torch.MemoryFormat.ChannelsLast);
    }

    /**
     * conv1d (stride 1) of a signal held as [B, C, 1, L] with a {@link #weight} [O, I, 1, k] or a
     * {@link #packedWeight}; the result is channels-last.
     */
    static Tensor conv1d(Tensor x, Tensor weight, Tensor bias, long padding, long dilation) {
        if (weight.is_mkldnn()) {
            return Pointwise.conv2d(x, weight, bias, new long[] {0, padding}, new long[] {1, dilation});
        }
        return torch.conv2d(x, weight, optional(bias), new long[] {1, 1}, new long[] {0, padding},
                new long[] {1, dilation}, 1);
    }

    /** conv2d of a channels-last image with a {@link #weight}, the same stride and padding along both axes. */
    static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, long stride, long padding) {
        return torch.conv2d(x, weight, optional(bias), new long[] {stride, stride}, new long[] {padding, padding},
                new long[] {1, 1}, 1);
    }

    private static TensorOptional optional(Tensor bias) {
        return bias == null ? new TensorOptional() : new TensorOptional(bias);
    }

    /**
     * mkldnn::_convolution_pointwise with no fused operation: the op PyTorch's inductor runs prepacked CPU
     * convolutions with (aten/src/ATen/native/mkldnn/Conv.cpp, mkldnn_convolution_pointwise), the only one that
     * takes an MKLDNN weight with a channels-last input and output. libtorch's Java API has no function for it, so
     * it is called through the dispatcher. Its handles are retained: a class is initialised inside whatever
     * PointerScope is open.
     */
    private static final class Pointwise {

        private static final OperatorHandle OP = Dispatcher.singleton()
                .findSchemaOrThrow("mkldnn::_convolution_pointwise", "").retainReference();
        private static final Type.TypePtr INT = new Type.TypePtr(new SingletonTypePtr(IntType.getIntTypePtr()))
                .retainReference();
        private static final Type.TypePtr OPTIONAL_SCALAR = OptionalType.get(new Type.TypePtr(
                new SingletonTypePtr(NumberType.getNumberIntTypePtr()))).retainReference();

        private Pointwise() {
        }

        static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, long[] padding, long[] dilation) {
            IValueVector stack = new IValueVector(new IValue(x), new IValue(weight),
                    bias == null ? new IValue() : new IValue(bias), ints(padding), ints(1, 1), ints(dilation),
                    new IValue(1L), new IValue("none"), new IValue(new GenericList(OPTIONAL_SCALAR)), new IValue());
            OP.callBoxed(stack);
            // toTensor() answers a reference into the stack, which this scope frees: copy the handle
            return new Tensor(stack.get(0).toTensor());
        }

        private static IValue ints(long... values) {
            GenericList list = new GenericList(INT);
            for (long v : values) {
                list.push_back(new IValue(v));
            }
            return new IValue(list);
        }
    }
}

package dev.perennial.tensor;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

import java.util.Arrays;

/**
 * Copies between Java arrays and libtorch tensors, so that the compute packages allowed to use libtorch
 * (docs/architecture.md, "Packages and their arrows") share one way of doing it. Tensors are created in the
 * caller's PointerScope.
 */
public final class Tensors {

    private Tensors() {
    }

    /** A new fp32 CPU tensor of {@code shape} holding a copy of {@code data} (row-major). */
    public static Tensor fromFloats(float[] data, long... shape) {
        return copy(new FloatPointer(data), data.length, torch.ScalarType.Float, shape);
    }

    /** A new int64 CPU tensor of {@code shape} holding a copy of {@code data}: token batches for the model. */
    public static Tensor fromLongs(long[] data, long... shape) {
        return copy(new LongPointer(data), data.length, torch.ScalarType.Long, shape);
    }

    /** A new CPU tensor of {@code dtype} and {@code shape} from {@code data} (computed in double precision). */
    public static Tensor fromDoubles(double[] data, torch.ScalarType dtype, long... shape) {
        Tensor wide = copy(new DoublePointer(data), data.length, torch.ScalarType.Double, shape);
        return dtype.value == torch.ScalarType.Double.value ? wide : wide.to(dtype);
    }

    /** A tensor of memory of its own with the {@code length} values at {@code staging}, which is then freed. */
    private static Tensor copy(Pointer staging, int length, torch.ScalarType type, long[] shape) {
        long expected = Arrays.stream(shape).reduce(1, Math::multiplyExact);
        try {
            if (expected != length) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + expected
                        + " values, not " + length);
            }
            // from_blob borrows the staging memory; clone() gives the tensor storage of its own.
            return torch.from_blob(staging, shape, new TensorOptions(type)).clone();
        } finally {
            staging.deallocate();
        }
    }

    /** The values of {@code tensor} (on any device) as fp32, row-major. */
    public static float[] toFloats(Tensor tensor) {
        try (PointerScope scope = new PointerScope()) {
            Tensor dense = tensor.detach().cpu().to(torch.ScalarType.Float).contiguous();
            float[] values = new float[Math.toIntExact(dense.numel())];
            new FloatPointer(dense.data_ptr()).get(values);
            return values;
        }
    }

    /** The values of {@code tensor} (on any device) as fp64, row-major. */
    public static double[] toDoubles(Tensor tensor) {
        try (PointerScope scope = new PointerScope()) {
            Tensor dense = tensor.detach().cpu().to(torch.ScalarType.Double).contiguous();
            double[] values = new double[Math.toIntExact(dense.numel())];
            new DoublePointer(dense.data_ptr()).get(values);
            return values;
        }
    }

    /** The values of {@code tensor} (booleans or small integers) as bytes, row-major. */
    public static byte[] toBytes(Tensor tensor) {
        try (PointerScope scope = new PointerScope()) {
            Tensor dense = tensor.detach().cpu().to(torch.ScalarType.Byte).contiguous();
            byte[] values = new byte[Math.toIntExact(dense.numel())];
            new BytePointer(dense.data_ptr()).get(values);
            return values;
        }
    }

    /** libtorch's description of its thread pools and BLAS, as {@code torch.__config__.parallel_info()} prints it. */
    public static String parallelInfo() {
        return torch.get_parallel_info().getString();
    }
}

package dev.perennial.model;

import dev.perennial.tensor.Tensors;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.bytedeco.pytorch.GradMode;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.stream.IntStream;

/**
 * {@code x W^T + b} for 2 to {@link #MAX_ROWS} rows of float32 on the CPU without gradients (a beam search's decoding
 * step: one row per beam), streaming W once per 4 rows with the Vector API. OpenBLAS's sgemm packs all of W for so
 * few rows just as for one ({@link Layers#linear}): [4, 1024]·[4096, 1024]^T took 1.9 ms against 0.66 ms for one
 * row's sgemv and 0.77 ms here (one thread), and bart-large-cnn's 4-beam step spent 95% of its time in these
 * products. Only where the JVM runs with {@code --add-modules jdk.incubator.vector} (./perennial and the tests do);
 * elsewhere Layers.linear keeps libtorch's addmm. Uses libtorch's intra-op thread count, splitting W's rows.
 */
final class FewRowsLinear {

    static final int MAX_ROWS = 8;
    private static final boolean AVAILABLE = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    /** Fewer output features per thread than this are not worth a thread. */
    private static final int MIN_FEATURES_PER_THREAD = 256;

    private FewRowsLinear() {
    }

    /** Whether {@link #apply} takes {@code flat} [rows, in], {@code weight} [out, in], {@code bias} [out] or null. */
    static boolean applies(Tensor flat, Tensor weight, Tensor bias) {
        long rows = flat.size(0);
        return AVAILABLE && rows >= 2 && rows <= MAX_ROWS && !GradMode.is_enabled() && isFloatCpu(flat)
                && isFloatCpu(weight) && weight.dim() == 2 && weight.is_contiguous()
                && (bias == null || isFloatCpu(bias) && bias.is_contiguous());
    }

    /** {@code flat W^T + bias}, [rows, out], in the caller's scope; {@link #applies} must hold. */
    static Tensor apply(Tensor flat, Tensor weight, Tensor bias) {
        return Kernel.apply(flat, weight, bias);
    }

    private static boolean isFloatCpu(Tensor t) {
        return t.scalar_type().value == torch.ScalarType.Float.value && t.is_cpu();
    }

    /** The Vector API code, in a class of its own so that FewRowsLinear loads without the module. */
    private static final class Kernel {

        private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
        private static final ByteOrder ORDER = ByteOrder.nativeOrder();
        private static final int GROUP = 4;

        static Tensor apply(Tensor flat, Tensor weight, Tensor bias) {
            int rows = (int) flat.size(0);
            int in = (int) flat.size(1);
            int out = (int) weight.size(0);
            float[][][] groups = groups(Tensors.toFloats(flat), rows, in);
            Tensor y = torch.empty(new long[] {rows, out}, new TensorOptions(torch.ScalarType.Float),
                    new MemoryFormatOptional());
            MemorySegment w = segment(weight, (long) out * in);
            MemorySegment b = bias == null ? null : segment(bias, out);
            MemorySegment ys = segment(y, (long) rows * out);
            int threads = Math.max(1, Math.min(torch.get_num_threads(), out / MIN_FEATURES_PER_THREAD));
            // an even share, so that each thread's features pair up
            int share = (out + threads - 1) / threads + 1 & ~1;
            Runnable[] work = new Runnable[threads];
            for (int t = 0; t < threads; t++) {
                int from = Math.min(out, t * share);
                int to = Math.min(out, from + share);
                work[t] = () -> {
                    for (int g = 0; g < groups.length; g++) {
                        features(w, b, ys, groups[g], g * GROUP, Math.min(GROUP, rows - g * GROUP), in, out, from, to);
                    }
                };
            }
            if (threads == 1) {
                work[0].run();
            } else {
                IntStream.range(0, threads).parallel().forEach(t -> work[t].run());
            }
            return y;
        }

        /** The rows of {@code x} [rows·in] in groups of 4, the last one padded with zero rows. */
        private static float[][][] groups(float[] x, int rows, int in) {
            float[][][] out = new float[(rows + GROUP - 1) / GROUP][GROUP][in];
            for (int r = 0; r < rows; r++) {
                System.arraycopy(x, r * in, out[r / GROUP][r % GROUP], 0, in);
            }
            return out;
        }

        private static MemorySegment segment(Tensor t, long floats) {
            return MemorySegment.ofAddress(t.data_ptr().address()).reinterpret(floats * Float.BYTES);
        }

        /**
         * Output features [from, to) of one group of 4 rows {@code x} (its first {@code live} real, written at row
         * {@code firstRow} of y): two of W's rows at a time, 8 vectors of running sums, then the products past the last
         * full vector; an odd last feature is computed twice.
         */
        private static void features(MemorySegment w, MemorySegment b, MemorySegment y, float[][] x, int firstRow,
                                     int live, int in, int out, int from, int to) {
            int bound = SPECIES.loopBound(in);
            long rowBytes = (long) in * Float.BYTES;
            float[] x0 = x[0];
            float[] x1 = x[1];
            float[] x2 = x[2];
            float[] x3 = x[3];
            float[] sums = new float[2 * GROUP];
            float[] lanes = new float[SPECIES.length()];
            for (int n = from; n < to; n += 2) {
                int m = Math.min(n + 1, to - 1);
                long wn = n * rowBytes;
                long wm = m * rowBytes;
                FloatVector a0 = FloatVector.zero(SPECIES);
                FloatVector a1 = a0;
                FloatVector a2 = a0;
                FloatVector a3 = a0;
                FloatVector c0 = a0;
                FloatVector c1 = a0;
                FloatVector c2 = a0;
                FloatVector c3 = a0;
                for (int i = 0; i < bound; i += SPECIES.length()) {
                    long at = (long) i * Float.BYTES;
                    FloatVector v = FloatVector.fromMemorySegment(SPECIES, w, wn + at, ORDER);
                    FloatVector u = FloatVector.fromMemorySegment(SPECIES, w, wm + at, ORDER);
                    FloatVector v0 = FloatVector.fromArray(SPECIES, x0, i);
                    FloatVector v1 = FloatVector.fromArray(SPECIES, x1, i);
                    FloatVector v2 = FloatVector.fromArray(SPECIES, x2, i);
                    FloatVector v3 = FloatVector.fromArray(SPECIES, x3, i);
                    a0 = v.fma(v0, a0);
                    a1 = v.fma(v1, a1);
                    a2 = v.fma(v2, a2);
                    a3 = v.fma(v3, a3);
                    c0 = u.fma(v0, c0);
                    c1 = u.fma(v1, c1);
                    c2 = u.fma(v2, c2);
                    c3 = u.fma(v3, c3);
                }
                sums[0] = laneSum(a0, lanes);
                sums[1] = laneSum(a1, lanes);
                sums[2] = laneSum(a2, lanes);
                sums[3] = laneSum(a3, lanes);
                sums[4] = laneSum(c0, lanes);
                sums[5] = laneSum(c1, lanes);
                sums[6] = laneSum(c2, lanes);
                sums[7] = laneSum(c3, lanes);
                for (int i = bound; i < in; i++) {
                    float wi = w.getAtIndex(ValueLayout.JAVA_FLOAT, wn / Float.BYTES + i);
                    float ui = w.getAtIndex(ValueLayout.JAVA_FLOAT, wm / Float.BYTES + i);
                    for (int r = 0; r < GROUP; r++) {
                        sums[r] = Math.fma(wi, x[r][i], sums[r]);
                        sums[GROUP + r] = Math.fma(ui, x[r][i], sums[GROUP + r]);
                    }
                }
                float bn = b == null ? 0 : b.getAtIndex(ValueLayout.JAVA_FLOAT, n);
                float bm = b == null ? 0 : b.getAtIndex(ValueLayout.JAVA_FLOAT, m);
                for (int r = 0; r < live; r++) {
                    long row = (long) (firstRow + r) * out;
                    y.setAtIndex(ValueLayout.JAVA_FLOAT, row + n, sums[r] + bn);
                    y.setAtIndex(ValueLayout.JAVA_FLOAT, row + m, sums[GROUP + r] + bm);
                }
            }
        }

        /**
         * The lanes of {@code sums} added in order. Not reduceLanes: its order of additions differs between the
         * interpreter and C2's code, so a product would change (by 2e-7 seen) once the method is compiled.
         */
        private static float laneSum(FloatVector sums, float[] lanes) {
            sums.intoArray(lanes, 0);
            float s = 0;
            for (float lane : lanes) {
                s += lane;
            }
            return s;
        }
    }
}

package dev.perennial.train;

import org.bytedeco.pytorch.DeviceOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where each parameter lies in one flat vector of all parameters (in the model's order), padded with zeros to a
 * multiple of {@code shards} so that every rank owns an equal, contiguous part (ZeRO's partitioning: Rajbhandari et
 * al., "ZeRO: Memory Optimizations Toward Training Trillion Parameter Models", SC 2020, §5.1).
 */
record FlatLayout(List<String> names, List<Tensor> parameters, long[] offsets, long total, int shards) {

    /** A run of one parameter's elements [start, start + length) that lies at {@code flatOffset} of the flat vector. */
    record Segment(int parameter, long start, long length, long flatOffset) {
    }

    static FlatLayout of(Map<String, Tensor> parameters, int shards) {
        List<String> names = new ArrayList<>(parameters.keySet());
        List<Tensor> tensors = new ArrayList<>(parameters.values());
        long[] offsets = new long[tensors.size()];
        long total = 0;
        for (int i = 0; i < tensors.size(); i++) {
            offsets[i] = total;
            total += tensors.get(i).numel();
        }
        return new FlatLayout(List.copyOf(names), List.copyOf(tensors), offsets, total, shards);
    }

    /** The flat length: the parameters' elements and the padding, a multiple of {@code shards}. */
    long padded() {
        return (total + shards - 1) / shards * shards;
    }

    long shardSize() {
        return padded() / shards;
    }

    /** The first flat index that rank {@code rank} owns. */
    long shardStart(int rank) {
        return rank * shardSize();
    }

    /** The parts of parameters that lie in the flat range [from, to), in order; padding has none. */
    List<Segment> segments(long from, long to) {
        List<Segment> segments = new ArrayList<>();
        for (int i = 0; i < parameters.size(); i++) {
            long begin = Math.max(from, offsets[i]);
            long end = Math.min(to, offsets[i] + parameters.get(i).numel());
            if (begin < end) {
                segments.add(new Segment(i, begin - offsets[i], end - begin, begin));
            }
        }
        return segments;
    }

    /** Whether AdamW decays this segment's parameter: matrices and embeddings, not norms and biases. */
    boolean decays(Segment segment) {
        return parameters.get(segment.parameter()).dim() >= 2;
    }

    /** Float32 on the parameters' device: how the flat vectors and AdamW's moments are made. */
    TensorOptions fp32() {
        return fp32Like(parameters.getFirst());
    }

    /** Float32 on {@code parameter}'s device. */
    static TensorOptions fp32Like(Tensor parameter) {
        return new TensorOptions(torch.ScalarType.Float).device(new DeviceOptional(parameter.device()));
    }

    /** The segment's elements of its parameter, as a view: writing it writes the parameter. */
    Tensor view(Segment segment) {
        return parameters.get(segment.parameter()).view(-1).narrow(0, segment.start(), segment.length());
    }
}

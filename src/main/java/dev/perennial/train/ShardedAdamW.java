package dev.perennial.train;

import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * ZeRO stage 1 (Rajbhandari et al., SC 2020, §5.1, "P_os"): rank r owns part r of the flat parameter vector
 * ({@link FlatLayout}) and keeps AdamW's moments for that part only. Each step the flat gradients are
 * reduce-scattered (Gloo's {@code _reduce_scatter_base}: each rank receives only the sum of its part), clipped to the
 * global norm (the shards' squared norms summed over the ranks), the owned part is updated by AdamW as libtorch
 * computes it ({@link FlatAdamW}), and the parameters are all-gathered so that every rank holds them all again.
 * Parameters and gradients stay whole on every rank: only the optimizer state is divided.
 */
final class ShardedAdamW implements ParameterUpdate {

    /** libtorch's clip_grad_norm_ adds this to the norm before dividing (torch/nn/utils/clip_grad.h). */
    private static final double CLIP_EPS = 1e-6;

    private final FlatLayout layout;
    private final Distributed distributed;
    private final long from;
    private final FlatAdamW adam;
    private final double clip;

    ShardedAdamW(Map<String, Tensor> parameters, double lr, TrainStep.Settings settings, Distributed distributed) {
        this.layout = FlatLayout.of(parameters, distributed.worldSize());
        this.distributed = distributed;
        this.from = layout.shardStart(distributed.rank());
        this.adam = new FlatAdamW(layout, from, from + layout.shardSize(), lr, settings);
        this.clip = settings.clip();
    }

    @Override
    public FlatLayout layout() {
        return layout;
    }

    @Override
    public void setLearningRate(double lr) {
        adam.setLearningRate(lr);
    }

    @Override
    public TrainStep.Result apply(double loss) {
        Tensor shard = torch.empty(new long[] {layout.shardSize()}, fp32(), new MemoryFormatOptional());
        distributed.reduceScatterSum(flatGradients(), shard);
        int world = distributed.worldSize();
        shard.div_(new Scalar((double) world));
        double mean = distributed.sum(loss) / world;
        double norm = Math.sqrt(distributed.sum(shard.square().sum().item_double()));
        if (!Double.isFinite(mean) || !Double.isFinite(norm)) {
            zeroGrad();
            return new TrainStep.Result(mean, norm, false);
        }
        double coefficient = clip / (norm + CLIP_EPS);
        if (coefficient < 1) {
            shard.mul_(new Scalar(coefficient));
        }
        adam.update(layout::view, s -> shard.narrow(0, s.flatOffset() - from, s.length()));
        gatherParameters();
        return new TrainStep.Result(mean, norm, true);
    }

    /** All gradients in one flat vector, zeros for a parameter without one and for the padding. */
    private Tensor flatGradients() {
        List<Tensor> parts = new ArrayList<>();
        for (Tensor p : layout.parameters()) {
            parts.add(p.grad().defined() ? p.grad().reshape(-1) : torch.zeros(new long[] {p.numel()}, fp32()));
        }
        long padding = layout.padded() - layout.total();
        if (padding > 0) {
            parts.add(torch.zeros(new long[] {padding}, fp32()));
        }
        return torch.cat(new TensorVector(parts.toArray(Tensor[]::new)));
    }

    /** Every rank's updated part to every rank: the parameters are whole again everywhere. */
    private void gatherParameters() {
        Tensor own = torch.zeros(new long[] {layout.shardSize()}, fp32());
        for (FlatLayout.Segment s : layout.segments(from, from + layout.shardSize())) {
            own.narrow(0, s.flatOffset() - from, s.length()).copy_(layout.view(s));
        }
        Tensor flat = torch.empty(new long[] {layout.padded()}, fp32(), new MemoryFormatOptional());
        distributed.allGather(own, flat);
        try (NoGradGuard guard = new NoGradGuard()) {
            for (int i = 0; i < layout.parameters().size(); i++) {
                Tensor p = layout.parameters().get(i);
                p.copy_(flat.narrow(0, layout.offsets()[i], p.numel()).view(p.sizes().vec().get()));
            }
        }
    }

    /** Gathers the moments of all shards (each rank then briefly holds the whole state). */
    @Override
    public OptimizerState state() {
        Tensor expAvg = torch.empty(new long[] {layout.padded()}, fp32(), new MemoryFormatOptional());
        Tensor expAvgSq = torch.empty(new long[] {layout.padded()}, fp32(), new MemoryFormatOptional());
        distributed.allGather(adam.expAvg(), expAvg);
        distributed.allGather(adam.expAvgSq(), expAvgSq);
        return new OptimizerState(layout, adam.step(), expAvg, expAvgSq);
    }

    @Override
    public void restore(OptimizerState state) {
        adam.restore(state.step(), state.expAvg(), state.expAvgSq());
    }

    @Override
    public long stateElements() {
        return adam.elements();
    }

    private TensorOptions fp32() {
        return layout.fp32();
    }

    @Override
    public void close() {
        adam.close();
    }
}

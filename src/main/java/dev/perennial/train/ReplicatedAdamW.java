package dev.perennial.train;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

import java.util.Map;

/**
 * Plain data parallelism: every rank all-reduces all gradients (after the backward pass in one bucket, or during it
 * through {@link GradientBuckets}), clips them with libtorch's {@code clip_grad_norm_} and takes the same AdamW step
 * over all parameters, keeping AdamW's whole state.
 */
final class ReplicatedAdamW implements ParameterUpdate {

    private final FlatLayout layout;
    private final Distributed distributed;
    private final GradientBuckets buckets;
    private final FlatAdamW adam;
    private final TensorVector all;
    private final double clip;

    /** With {@code buckets} null, gradients are averaged after the backward pass. */
    ReplicatedAdamW(Map<String, Tensor> parameters, double lr, TrainStep.Settings settings, Distributed distributed,
                    GradientBuckets buckets) {
        this.layout = FlatLayout.of(parameters, 1);
        this.distributed = distributed;
        this.buckets = buckets;
        this.adam = new FlatAdamW(layout, 0, layout.padded(), lr, settings);
        this.all = new TensorVector(layout.parameters().toArray(Tensor[]::new));
        this.clip = settings.clip();
    }

    @Override
    public FlatLayout layout() {
        return layout;
    }

    @Override
    public void lastBackwardFollows() {
        if (buckets != null) {
            buckets.arm();
        }
    }

    @Override
    public void setLearningRate(double lr) {
        adam.setLearningRate(lr);
    }

    @Override
    public TrainStep.Result apply(double loss) {
        double mean = buckets != null ? buckets.average(loss)
                : distributed.averageGradients(layout.parameters(), loss);
        double norm = torch.clip_grad_norm_(all, clip);
        if (!Double.isFinite(mean) || !Double.isFinite(norm)) {
            zeroGrad();
            return new TrainStep.Result(mean, norm, false);
        }
        adam.update(layout::view, s -> layout.parameters().get(s.parameter()).grad().view(-1)
                .narrow(0, s.start(), s.length()));
        return new TrainStep.Result(mean, norm, true);
    }

    @Override
    public OptimizerState state() {
        return new OptimizerState(layout, adam.step(), adam.expAvg(), adam.expAvgSq());
    }

    @Override
    public void restore(OptimizerState state) {
        adam.restore(state.step(), state.expAvg(), state.expAvgSq());
    }

    @Override
    public long stateElements() {
        return adam.elements();
    }

    @Override
    public void close() {
        if (buckets != null) {
            buckets.close();
        }
        adam.close();
    }
}

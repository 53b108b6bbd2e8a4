package dev.perennial.train;

import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.List;
import java.util.function.Function;

/**
 * AdamW over the range [from, to) of the flat parameter vector ({@link FlatLayout}): its two moments for that range
 * only, and each parameter's part updated element for element as libtorch's AdamW updates the whole parameter
 * (torch/csrc/api/src/optim/adamw.cpp, AdamW::step, PyTorch 2.10):
 * <pre>
 *   p ← p·(1 − lr·wd)                                    (decoupled decay; matrices and embeddings only)
 *   m ← β1·m + (1 − β1)·g,   v ← β2·v + (1 − β2)·g²
 *   p ← p − lr/(1 − β1ᵗ) · m / (√v / √(1 − β2ᵗ) + ε)
 * </pre>
 * with the same tensor operations in the same order as that source states them, which is PyTorch's documented
 * algorithm (torch.optim.AdamW gives the same float32 bits on the cases checked). libtorch 2.10's compiled C++ AdamW,
 * which TrainStep used before, moves parameters by a visibly different amount from the second step on (measured:
 * 0.009915 instead of 0.009972 for one element), and its state is not reachable through bytedeco for a
 * worker-count-independent checkpoint; hence this class. One step count serves all: every parameter steps together
 * (libtorch skips a parameter without a gradient; here its gradient counts as zero).
 */
final class FlatAdamW implements AutoCloseable {

    private final FlatLayout layout;
    private final long from;
    private final TrainStep.Settings settings;
    private final List<FlatLayout.Segment> segments;
    private final Tensor expAvg;
    private final Tensor expAvgSq;
    private long step;
    private double lr;

    FlatAdamW(FlatLayout layout, long from, long to, double lr, TrainStep.Settings settings) {
        this.layout = layout;
        this.from = from;
        this.settings = settings;
        this.segments = layout.segments(from, to);
        this.lr = lr;
        this.expAvg = torch.zeros(new long[] {to - from}, layout.fp32());
        this.expAvgSq = torch.zeros(new long[] {to - from}, layout.fp32());
    }

    void setLearningRate(double lr) {
        this.lr = lr;
    }

    /** The elements whose moments this holds (the range, padding included). */
    long elements() {
        return expAvg.numel();
    }

    /**
     * One AdamW step of every parameter part in the range: {@code parameter} gives a segment's elements to update
     * in place (a view into the model's parameter), {@code gradient} its gradient.
     */
    void update(Function<FlatLayout.Segment, Tensor> parameter, Function<FlatLayout.Segment, Tensor> gradient) {
        step++;
        double beta1 = settings.beta1();
        double beta2 = settings.beta2();
        double biasCorrection1 = 1 - Math.pow(beta1, step);
        double biasCorrection2 = 1 - Math.pow(beta2, step);
        double stepSize = lr / biasCorrection1;
        try (NoGradGuard guard = new NoGradGuard()) {
            for (FlatLayout.Segment s : segments) {
                Tensor p = parameter.apply(s);
                Tensor g = gradient.apply(s);
                if (layout.decays(s) && settings.weightDecay() != 0) {
                    p.mul_(new Scalar(1 - lr * settings.weightDecay()));
                }
                Tensor m = moment(expAvg, s);
                Tensor v = moment(expAvgSq, s);
                m.mul_(new Scalar(beta1)).add_(g, new Scalar(1 - beta1));
                v.mul_(new Scalar(beta2)).addcmul_(g, g, new Scalar(1 - beta2));
                Tensor denom = v.sqrt().div(new Scalar(Math.sqrt(biasCorrection2))).add_(new Scalar(settings.eps()));
                p.addcdiv_(m, denom, new Scalar(-stepSize));
            }
        }
    }

    /** The segment's part of a moment, shaped as the segment's view of its parameter. */
    private Tensor moment(Tensor flat, FlatLayout.Segment s) {
        return flat.narrow(0, s.flatOffset() - from, s.length());
    }

    long step() {
        return step;
    }

    /** The first moment over the range (the state itself, not a copy). */
    Tensor expAvg() {
        return expAvg;
    }

    Tensor expAvgSq() {
        return expAvgSq;
    }

    /** Takes {@code step} and the moments of the range [from, to) out of full flat moments. */
    void restore(long step, Tensor fullExpAvg, Tensor fullExpAvgSq) {
        this.step = step;
        expAvg.copy_(fullExpAvg.narrow(0, from, expAvg.numel()));
        expAvgSq.copy_(fullExpAvgSq.narrow(0, from, expAvgSq.numel()));
    }

    @Override
    public void close() {
        expAvg.close();
        expAvgSq.close();
    }
}

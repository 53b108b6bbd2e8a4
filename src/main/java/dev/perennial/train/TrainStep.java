package dev.perennial.train;

import dev.perennial.model.Model;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;

import java.nio.file.Path;
import java.util.List;

/**
 * One optimizer step as the paper takes it: forward and backward over the micro-batches of a global batch
 * (gradients accumulated, at the run's precision: {@link MixedPrecision}), clipping to a global norm, and AdamW
 * (default β = (0.9, 0.95), ε = 1e-8, decoupled weight decay 0.1 on matrices and embeddings, none on norms and
 * biases). A step whose loss or gradient is not
 * finite changes nothing. The update ({@link ParameterUpdate}: AdamW's state whole or sharded over the ranks) and
 * its state live as long as this object; call {@link #step} inside the caller's PointerScope.
 */
public final class TrainStep implements AutoCloseable {

    public static final double BETA1 = 0.9;
    public static final double BETA2 = 0.95;
    public static final double EPS = 1e-8;
    public static final double WEIGHT_DECAY = 0.1;
    public static final double CLIP = 1.0;

    /** AdamW's settings; the learning rate is set per step. */
    public record Settings(double beta1, double beta2, double eps, double weightDecay, double clip) {
    }

    /** The mean loss, the gradient norm before clipping, and whether the step was applied (both finite). */
    public record Result(double loss, double gradNorm, boolean applied) {
    }

    private final Model model;
    private final MixedPrecision passes;
    private final boolean checkpointActivations;
    private final ParameterUpdate update;

    public TrainStep(Model model, double lr, double weightDecay, double clip) {
        this(model, lr, new Settings(BETA1, BETA2, EPS, weightDecay, clip));
    }

    public TrainStep(Model model, double lr, Settings settings) {
        this(model, lr, settings, Distributed.single(), TrainPlan.Compute.DEFAULT);
    }

    /**
     * A step on one of the ranks of {@code distributed}: gradients and losses averaged over them, with AdamW's state
     * sharded ({@code compute.shardOptimizer()}, ZeRO-1) or whole on every rank, and the all-reduce overlapped with
     * the last backward pass ({@code compute.overlap()}, buckets of {@code compute.bucketBytes()}) or after it.
     */
    public TrainStep(Model model, double lr, Settings settings, Distributed distributed, TrainPlan.Compute compute) {
        this.model = model;
        this.passes = MixedPrecision.of(compute.precision(), model);
        this.checkpointActivations = compute.activationCheckpointing();
        if (compute.shardOptimizer()) {
            this.update = new ShardedAdamW(model.parameters(), lr, settings, distributed);
        } else {
            GradientBuckets buckets = compute.overlap() && distributed.worldSize() > 1
                    ? new GradientBuckets(List.copyOf(model.parameters().values()), compute.bucketBytes(), distributed)
                    : null;
            this.update = new ReplicatedAdamW(model.parameters(), lr, settings, distributed, buckets);
        }
    }

    /** Sets the learning rate, per step. */
    public void setLearningRate(double lr) {
        update.setLearningRate(lr);
    }

    /** One step on a batch [B, T + 1] of token ids. */
    public Result step(Tensor batch) {
        return step(List.of(batch));
    }

    /** One step over micro-batches [b, T + 1] of one global batch; the loss is their mean. */
    public Result step(List<Tensor> microBatches) {
        update.zeroGrad();
        double loss = passes.accumulateGradients(microBatches, checkpointActivations, update::lastBackwardFollows);
        return update.apply(loss);
    }

    /**
     * Writes AdamW's state ({@link OptimizerState}: per parameter, whatever the worker count) atomically, so that a
     * failed write leaves no half file and the previous checkpoint as it was. Every rank must call it.
     */
    public void save(Path file) {
        try (PointerScope scope = new PointerScope()) {
            update.state().write(file);
        }
    }

    /** {@link #save(Path)} with {@code usableBytes} free where {@code file} goes: refused before writing if short. */
    void save(Path file, long usableBytes) {
        try (PointerScope scope = new PointerScope()) {
            update.state().write(file, usableBytes);
        }
    }

    /** The whole optimizer state; every rank must call it (a sharded optimizer gathers its shards). */
    OptimizerState state() {
        return update.state();
    }

    /** Reads AdamW's state written by any worker count, sharded or not, and keeps this rank's part. */
    public void load(Path file) {
        try (PointerScope scope = new PointerScope()) { // the whole state read is freed once this rank took its part
            update.restore(OptimizerState.read(file, update.layout()));
        }
    }

    /** How many elements of each AdamW moment this rank keeps (1/W of the parameters when sharded). */
    long stateElements() {
        return update.stateElements();
    }

    @Override
    public void close() {
        update.close();
        passes.close();
    }
}

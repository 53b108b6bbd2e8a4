package dev.perennial.train;

import org.bytedeco.pytorch.Tensor;

/**
 * How a step turns every rank's gradients into new parameters: the gradients averaged over the ranks, clipped to
 * one global norm, and an AdamW step (none when the loss or the norm is not finite). {@link ReplicatedAdamW} keeps
 * all of AdamW's state on every rank; {@link ShardedAdamW} keeps 1/W of it (ZeRO-1). Call everything but
 * {@link #close} inside the caller's PointerScope.
 */
sealed interface ParameterUpdate extends AutoCloseable permits ReplicatedAdamW, ShardedAdamW {

    /** The parameters, flattened as the state is. */
    FlatLayout layout();

    /** Called just before the backward pass of a step's last micro-batch: gradients may travel during it. */
    default void lastBackwardFollows() {
    }

    /** Forgets the gradients (libtorch's {@code zero_grad(true)}: undefined, not zeros). */
    default void zeroGrad() {
        for (Tensor p : layout().parameters()) {
            p.mutable_grad().reset();
        }
    }

    void setLearningRate(double lr);

    /** Averages, clips and applies the gradients of this step, whose mean loss on this rank is {@code loss}. */
    TrainStep.Result apply(double loss);

    /** The whole state, as a checkpoint holds it; every rank must call it (a sharded one gathers its shards). */
    OptimizerState state();

    /** Takes this rank's part of {@code state}. */
    void restore(OptimizerState state);

    /** How many elements of each AdamW moment this rank keeps. */
    long stateElements();

    @Override
    void close();
}

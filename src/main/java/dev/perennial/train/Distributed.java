package dev.perennial.train;

import dev.perennial.UserError;
import org.bytedeco.pytorch.Tensor;

import java.util.Collection;
import java.util.Map;

/**
 * The ranks a run is trained on: a Gloo process group for data parallelism (see {@link GlooGroup}), or the single
 * process of an ordinary run, whose collectives do nothing at all (no tensor is made, nothing waits).
 */
public sealed interface Distributed extends AutoCloseable permits Distributed.Single, GlooGroup {

    /** The one process of a run that is not distributed: rank 0 of 1. */
    static Distributed single() {
        return new Single();
    }

    /** The process group described by torchrun's variables, or {@link #single()} when WORLD_SIZE is absent or 1. */
    static Distributed fromEnvironment(Map<String, String> env, long timeoutMs) {
        return fromEnvironment(env, timeoutMs, false);
    }

    /**
     * As {@link #fromEnvironment(Map, long)} for workers whose tensors are on a GPU when {@code cuda}: those need
     * NCCL (bytedeco has org.bytedeco.pytorch.nccl.ProcessGroupNCCL in its -gpu build), which is not wired yet, so
     * several CUDA workers are refused rather than run over Gloo untested.
     */
    static Distributed fromEnvironment(Map<String, String> env, long timeoutMs, boolean cuda) {
        int world = Integer.parseInt(env.getOrDefault("WORLD_SIZE", "1"));
        if (world > 1 && cuda) {
            throw new UserError("device: cuda with " + world + " workers needs the NCCL process group, which "
                    + "Perennial does not wire yet (it was never run on a GPU); train on one GPU (one worker), or "
                    + "with CPU workers (device: cpu)");
        }
        return world <= 1 ? single() : GlooGroup.fromEnvironment(world, env, timeoutMs);
    }

    int rank();

    int worldSize();

    /** Whether this is rank 0, the one that writes the run's files and reports. */
    default boolean leads() {
        return rank() == 0;
    }

    /** Sums {@code tensor} over all ranks in place. */
    void allReduceSum(Tensor tensor);

    /** {@code value} summed over all ranks. */
    double sum(double value);

    /** Whether {@code flag} is true on any rank. */
    boolean any(boolean flag);

    /** Averages the gradients of {@code parameters} over all ranks in place; returns the loss averaged likewise. */
    double averageGradients(Collection<Tensor> parameters, double loss);

    /**
     * Sums {@code flat} (W equal parts) over all ranks and leaves part {@code rank} of the sum in {@code shard}
     * (c10d's reduce-scatter): what a rank owning 1/W of the parameters needs of the gradients.
     */
    void reduceScatterSum(Tensor flat, Tensor shard);

    /** Every rank's {@code shard}, in rank order, into {@code flat} (c10d's all-gather). */
    void allGather(Tensor shard, Tensor flat);

    /** Starts summing {@code tensor} over all ranks in place; the sum is there once the returned handle waited. */
    Pending allReduceSumAsync(Tensor tensor);

    /** A collective under way. */
    @FunctionalInterface
    interface Pending {
        /** Waits until the collective is complete (or fails: a UserError naming the rank, as every collective). */
        void await();
    }

    /** Replaces {@code tensor} by rank 0's in place. */
    void broadcast(Tensor tensor);

    void barrier();

    @Override
    void close();

    /** One process: every collective is the identity. */
    record Single() implements Distributed {

        @Override
        public int rank() {
            return 0;
        }

        @Override
        public int worldSize() {
            return 1;
        }

        @Override
        public void allReduceSum(Tensor tensor) {
        }

        @Override
        public double sum(double value) {
            return value;
        }

        @Override
        public boolean any(boolean flag) {
            return flag;
        }

        @Override
        public double averageGradients(Collection<Tensor> parameters, double loss) {
            return loss;
        }

        @Override
        public void reduceScatterSum(Tensor flat, Tensor shard) {
            shard.copy_(flat);
        }

        @Override
        public void allGather(Tensor shard, Tensor flat) {
            flat.copy_(shard);
        }

        @Override
        public Pending allReduceSumAsync(Tensor tensor) {
            return () -> { };
        }

        @Override
        public void broadcast(Tensor tensor) {
        }

        @Override
        public void barrier() {
        }

        @Override
        public void close() {
        }
    }
}

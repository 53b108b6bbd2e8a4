package dev.perennial.config;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/** The trainer's parts of a run config, as written; {@link TrainRules} checks them and fills in defaults. */
public final class TrainSettings {

    private TrainSettings() {
    }

    /** {@code model:} either {@code init:} a model folder to continue from, or {@code config:} a fresh architecture. */
    public record ModelSpec(String init, ObjectNode config) {
    }

    /** {@code optimizer:} AdamW's settings (the learning rate comes from each stage's schedule). */
    public record OptimizerSpec(Double beta1, Double beta2, Double eps, Double weightDecay) {
    }

    /**
     * {@code eval:} every {@code interval} steps, validation loss on every corpus seen so far plus {@code corpora},
     * and the scores of {@code tasks} (at most {@code task_limit} examples each); in the last {@code final_fraction}
     * of every stage every {@code final_interval} steps instead (the paper's final loss averages its last steps);
     * {@code spread}: the validation sequences are spread evenly over the held-out split instead of its first ones.
     */
    public record EvalSpec(Long interval, Long sequences, Long batch, List<String> corpora, List<String> tasks,
                           Long taskLimit, Double finalFraction, Long finalInterval, Boolean spread) {

        public EvalSpec(Long interval, Long sequences, Long batch, List<String> corpora, List<String> tasks,
                        Long taskLimit) {
            this(interval, sequences, batch, corpora, tasks, taskLimit, null, null, null);
        }
    }

    /** {@code checkpoint:} every {@code interval} steps, keeping the newest {@code keep}. */
    public record CheckpointSpec(Long interval, Long keep) {
    }

    /**
     * {@code distributed:} how data-parallel ranks share the work: {@code shard_optimizer} keeps 1/W of AdamW's state
     * on each rank (ZeRO-1), {@code overlap} all-reduces gradient buckets of {@code bucket_mb} megabytes while the
     * backward pass still runs (25 MB as PyTorch's DDP).
     */
    public record DistributedSpec(Boolean shardOptimizer, Boolean overlap, Double bucketMb) {
    }
}

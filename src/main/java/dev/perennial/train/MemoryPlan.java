package dev.perennial.train;

import dev.perennial.model.ActivationFootprint;
import dev.perennial.model.ModelConfig;

/**
 * The memory one rank needs to train a model, in bytes, part by part: the weights, the gradients, AdamW's state,
 * the activations of one micro-batch, the logits and their gradients at the loss, and an allowance. It describes
 * the run config's settings as issue 26 specifies them: {@code bf16-mixed} keeps fp32 master weights, gradients and
 * AdamW moments and adds a bf16 working copy of the weights with bf16 gradients; {@code shard_optimizer} (ZeRO-1,
 * Rajbhandari et al. 2020) keeps 1/W of AdamW's moments on each of W ranks (the flat parameters padded to a multiple
 * of W); {@code activation_checkpointing} keeps each layer's input and recomputes one layer at a time in the
 * backward pass. The activations are counted by {@link ActivationFootprint}.
 *
 * @param weights     the parameters (fp32; plus the bf16 working copy under bf16-mixed)
 * @param gradients   their gradients (fp32; plus the bf16 working copy's under bf16-mixed)
 * @param optimizer   AdamW's two fp32 moments, of this rank's shard when sharded
 * @param activations what one micro-batch's forward pass keeps for the backward pass, but the logits
 * @param logits      the logits, cross-entropy's log-probabilities and their two gradients, at the loss
 * @param allowance   {@link #FRAGMENTATION} of the rest, plus the runtime's own memory ({@link Setup#runtimeBytes})
 */
public record MemoryPlan(Setup setup, long parameters, long weights, long gradients, long optimizer, long activations,
                         long logits, long allowance) {

    /**
     * What is planned for: a model on {@code ranks} data-parallel ranks, each running micro-batches of
     * {@code microBatch} sequences of {@code seqLen} tokens, and {@code runtimeBytes} that the runtime takes before
     * any tensor (a CUDA context and the cuBLAS/cuDNN workspaces; 0 for a plan of tensors only).
     */
    public record Setup(ModelConfig model, int ranks, int seqLen, int microBatch, Precision precision,
                        boolean shardOptimizer, boolean activationCheckpointing, long runtimeBytes) {

        public Setup withMicroBatch(int micro) {
            return new Setup(model, ranks, seqLen, micro, precision, shardOptimizer, activationCheckpointing,
                    runtimeBytes);
        }

        /** Tokens in one micro-batch. */
        long tokens() {
            return (long) microBatch * seqLen;
        }
    }

    /**
     * A CUDA context with cuBLAS's and cuDNN's workspaces, which nvidia-smi shows before the first tensor:
     * 0.3–1 GiB on recent GPUs and drivers; the larger figure is taken.
     */
    public static final long CUDA_RUNTIME_BYTES = 1L << 30;

    /** Share added for the caching allocator's fragmentation and the small tensors not counted part by part. */
    public static final double FRAGMENTATION = 0.05;

    /** Bytes of a float32 value: master weights, their gradients and AdamW's moments. */
    private static final int F32 = 4;
    /** Bytes of a bfloat16 value: bf16-mixed's working copy and its gradients. */
    private static final int BF16 = 2;

    public static MemoryPlan of(Setup s) {
        ModelConfig c = s.model();
        long p = c.parameterCount();
        boolean mixed = s.precision() == Precision.BF16_MIXED;
        long weights = p * F32 + (mixed ? p * BF16 : 0);
        long gradients = weights;
        long owned = s.shardOptimizer() ? ceilDiv(p, s.ranks()) : p;
        long optimizer = 2 * owned * F32;
        int a = mixed ? BF16 : F32;
        long perToken = s.activationCheckpointing()
                ? (c.layers() + 1L) * ActivationFootprint.hiddenState(c, a) + ActivationFootprint.layer(c, a)
                : ActivationFootprint.embedding(c, a) + c.layers() * ActivationFootprint.layer(c, a);
        long activations = s.tokens() * (perToken + ActivationFootprint.finalNorm(c, a));
        long logits = s.tokens() * ActivationFootprint.logits(c, a);
        long counted = weights + gradients + optimizer + activations + logits;
        long allowance = (long) Math.ceil(counted * FRAGMENTATION) + s.runtimeBytes();
        return new MemoryPlan(s, p, weights, gradients, optimizer, activations, logits, allowance);
    }

    /** Bytes of one layer's activations in this plan's micro-batch, as a checkpointed layer recomputes them. */
    public long activationsPerLayer() {
        int a = setup.precision() == Precision.BF16_MIXED ? BF16 : F32;
        return setup.tokens() * ActivationFootprint.layer(setup.model(), a);
    }

    public long total() {
        return weights + gradients + optimizer + activations + logits + allowance;
    }

    public boolean fitsIn(long capacityBytes) {
        return total() <= capacityBytes;
    }

    /**
     * The largest micro-batch that fits in {@code capacityBytes} among those the trainer accepts: the divisors of
     * {@code perRankBatch}, the sequences each rank trains on per step. 0 when not even one sequence fits.
     */
    public static int largestMicroBatch(Setup s, int perRankBatch, long capacityBytes) {
        for (int b = perRankBatch; b >= 1; b--) {
            if (perRankBatch % b == 0 && of(s.withMicroBatch(b)).fitsIn(capacityBytes)) {
                return b;
            }
        }
        return 0;
    }

    private static long ceilDiv(long n, int d) {
        return (n + d - 1) / d;
    }
}

package dev.perennial.model;

/**
 * The bytes one token of a training micro-batch keeps alive, counted from the tensors that the forward passes of
 * {@link Llama} and {@link GptNeoX} (and {@link Layers}) allocate: Korthikanti et al. 2022, "Reducing Activation
 * Recomputation in Large Transformer Models", Eq. 1 (34·s·b·h + 5·a·s²·b bytes per layer in fp16) adapted to this
 * implementation. Three things differ from that paper's count:
 * <ul>
 *   <li>Every tensor a forward pass creates from Java stays alive until the step's PointerScope closes, so the count
 *       is every allocated output, not only what autograd saves (views — narrow, view, transpose — allocate nothing).
 *   <li>Attention is libtorch's fused scaled_dot_product_attention (flash on CPU and CUDA): it keeps its output and
 *       a float log-sum-exp per head, never the T×T scores, so there is no 5·a·s² term.
 *   <li>No dropout, so no masks; rotary embeddings, RMSNorm's float statistics and grouped-query attention's
 *       repeated keys and values add their own tensors.
 * </ul>
 * {@code a} is the bytes of an activation element: 4 in fp32, 2 for bf16-mixed's working copy (whose norms still
 * compute their statistics in fp32, and whose loss reads fp32 logits). A change to a forward pass must change its
 * count here; {@code MemoryPlanTest} checks the total against a real step's peak memory.
 */
public final class ActivationFootprint {

    /** Bytes of a float32 statistic (norms, attention's log-sum-exp, logits for the loss). */
    private static final int F32 = 4;

    private ActivationFootprint() {
    }

    /**
     * Bytes per token of one decoder layer with grad: its norms, projections, rotary embeddings, attention and MLP,
     * and the residual sums (whose last is the next layer's input).
     */
    public static long layer(ModelConfig c, int a) {
        return switch (c) {
            case LlamaConfig l -> llamaLayer(l, a);
            case GptNeoXConfig g -> gptNeoXLayer(g, a);
        };
    }

    /** Bytes per token of the embedding lookup: the first layer's input. */
    public static long embedding(ModelConfig c, int a) {
        return (long) c.hiddenSize() * a;
    }

    /** Bytes per token of the hidden state a layer starts from (what per-layer checkpointing keeps of each). */
    public static long hiddenState(ModelConfig c, int a) {
        return (long) c.hiddenSize() * a;
    }

    /** Bytes per token of the final norm. */
    public static long finalNorm(ModelConfig c, int a) {
        return switch (c) {
            case LlamaConfig l -> rmsNorm(l.hiddenSize(), a);
            case GptNeoXConfig g -> layerNorm(g.hiddenSize(), a);
        };
    }

    /**
     * Bytes per token of the output head and the loss at their peak, in the backward pass: the logits (and their
     * fp32 copy when the head runs in bf16), cross-entropy's log-softmax output, and the two V-sized gradients of
     * the backward pass (of the log-probabilities and of the logits; a bf16 head adds the gradient of its output).
     */
    public static long logits(ModelConfig c, int a) {
        long v = c.vocabSize();
        long castCopies = a < F32 ? v * F32 + v * a : 0;
        return v * a + v * F32 + 2 * v * F32 + castCopies;
    }

    /**
     * {@link Layers#rmsNorm}: x² and x·rsqrt(mean + ε) in fp32 (plus the fp32 copy of a bf16 input and the cast
     * back), three float statistics (mean, + ε, rsqrt), and the weighted output.
     */
    static long rmsNorm(long d, int a) {
        long widened = a < F32 ? d * F32 + d * a : 0;
        return 2 * d * F32 + 3L * F32 + d * a + widened;
    }

    /** {@link Layers#layerNorm}: the output and libtorch's saved mean and reciprocal deviation (float). */
    static long layerNorm(long d, int a) {
        return d * a + 2L * F32;
    }

    /**
     * {@link Layers#rotate} on one head of {@code headDim} with {@code dims} rotated: −x2 (dims/2), cat (dims),
     * two products and their sum (3·dims), and, when only part of the head rotates, the cat with the rest (headDim).
     */
    static long rotary(int headDim, int dims) {
        long rotated = dims / 2 + 4L * dims;
        return dims == headDim ? rotated : rotated + headDim;
    }

    /** Scaled-dot-product attention's output and its float log-sum-exp per head, for {@code heads} query heads. */
    static long attention(int heads, int headDim, int a) {
        return (long) heads * headDim * a + (long) heads * F32;
    }

    /**
     * {@link Llama}: two RMSNorms; q, k, v; rotary on q and k; with grouped-query attention the repeated k and v
     * (reshape copies); attention; o; a residual sum; gate, silu, up, their product, down; a residual sum.
     */
    private static long llamaLayer(LlamaConfig c, int a) {
        long d = c.hiddenSize();
        long ff = c.intermediateSize();
        int hd = c.headDim();
        long q = (long) c.heads() * hd;
        long kv = (long) c.kvHeads() * hd;
        long projections = (q + 2 * kv) * a;
        long rope = ((long) c.heads() + c.kvHeads()) * rotary(hd, c.rope().dims()) * a;
        long repeated = c.kvHeads() == c.heads() ? 0 : 2 * q * a;
        long attention = attention(c.heads(), hd, a);
        long output = d * a;
        long mlp = 4 * ff * a + d * a;
        long residuals = 2 * d * a;
        return 2 * rmsNorm(d, a) + projections + rope + repeated + attention + output + mlp + residuals;
    }

    /**
     * {@link GptNeoX}: two LayerNorms (the second on x for the parallel residual, on x + attention otherwise: the
     * same count); the fused qkv; partial rotary on q and k; attention; dense; dense_h_to_4h, its activation,
     * dense_4h_to_h; two residual sums.
     */
    private static long gptNeoXLayer(GptNeoXConfig c, int a) {
        long d = c.hiddenSize();
        long ff = c.intermediateSize();
        int hd = c.headDim();
        long qkv = 3L * c.heads() * hd * a;
        long rope = 2L * c.heads() * rotary(hd, c.rope().dims()) * a;
        long attention = attention(c.heads(), hd, a);
        long dense = d * a;
        long mlp = 2 * ff * a + d * a;
        long residuals = 2 * d * a;
        return 2 * layerNorm(d, a) + qkv + rope + attention + dense + mlp + residuals;
    }
}

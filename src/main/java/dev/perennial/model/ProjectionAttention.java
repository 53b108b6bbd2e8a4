package dev.perennial.model;

import org.bytedeco.pytorch.Tensor;

/**
 * The weights of an attention block with biased k, v, q and out projections of width {@code d}, in checkpoint
 * order: BartAttention and DetrAttention ({@code k_proj}, {@code v_proj}, {@code q_proj}, {@code out_proj}).
 */
record ProjectionAttention(Tensor k, Tensor kBias, Tensor v, Tensor vBias, Tensor q, Tensor qBias, Tensor out,
                           Tensor outBias) {

    static ProjectionAttention declare(Parameters p, String at, long d) {
        return new ProjectionAttention(p.required(at + "k_proj.weight", d, d), p.required(at + "k_proj.bias", d),
                p.required(at + "v_proj.weight", d, d), p.required(at + "v_proj.bias", d),
                p.required(at + "q_proj.weight", d, d), p.required(at + "q_proj.bias", d),
                p.required(at + "out_proj.weight", d, d), p.required(at + "out_proj.bias", d));
    }
}

package dev.perennial.model;

import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/**
 * A pre-LN transformer layer with one fused q, k, v projection, as BLIP's BlipEncoderLayer names it
 * ({@code self_attn.qkv}, {@code self_attn.projection}, {@code layer_norm1}, {@code mlp.fc1}, {@code mlp.fc2},
 * {@code layer_norm2}): {@code x + projection(attention(layer_norm1(x)))}, then {@code + fc2(act(fc1(layer_norm2(x))))},
 * attention scaled by head_dim^-0.5. CLIP's towers compute the same layer over their separate q, k and v, fused at
 * load ({@link ClipModel}).
 */
record VitLayer(Tensor qkv, Tensor qkvBias, Tensor out, Tensor outBias, LayerNormWeights norm1, Tensor fc1,
                Tensor fc1Bias, Tensor fc2, Tensor fc2Bias, LayerNormWeights norm2) {

    static VitLayer declare(Parameters p, String at, long d, long ff) {
        return new VitLayer(p.required(at + "self_attn.qkv.weight", 3 * d, d), p.required(at + "self_attn.qkv.bias", 3 * d),
                p.required(at + "self_attn.projection.weight", d, d), p.required(at + "self_attn.projection.bias", d),
                LayerNormWeights.declare(p, at + "layer_norm1", d),
                p.required(at + "mlp.fc1.weight", ff, d), p.required(at + "mlp.fc1.bias", ff),
                p.required(at + "mlp.fc2.weight", d, ff), p.required(at + "mlp.fc2.bias", d),
                LayerNormWeights.declare(p, at + "layer_norm2", d));
    }

    /** The layer over every position, nothing masked (BlipEncoderLayer). */
    Tensor forward(Tensor x, int heads, Activation activation, double eps) {
        return forward(x, heads, activation, eps, null, false);
    }

    /**
     * The layer with attention limited to {@code visible} (boolean [B, 1, T, T] or broadcastable, true: attend; null:
     * everything) or, without it, causal when {@code causal} (CLIPEncoderLayer in CLIP's text tower).
     */
    Tensor forward(Tensor x, int heads, Activation activation, double eps, Tensor visible, boolean causal) {
        Tensor[] split = qkv(x, heads, eps);
        Tensor attended = torch.scaled_dot_product_attention(split[0], split[1], split[2],
                visible == null ? new TensorOptional() : new TensorOptional(visible), 0.0, causal && visible == null,
                new DoubleOptional(1.0 / Math.sqrt(split[0].size(-1))), false);
        x = x.add(project(attended));
        return x.add(mlp(x, activation, eps));
    }

    /** layer_norm1, then q, k and v [B, H, T, hd] from the one fused projection. */
    Tensor[] qkv(Tensor x, int heads, double eps) {
        long b = x.size(0);
        long n = x.size(1);
        long d = x.size(2);
        Tensor split = Layers.linear(norm1.apply(x, eps), qkv, qkvBias).view(b, n, 3, heads, d / heads)
                .permute(2, 0, 3, 1, 4);
        return new Tensor[] {split.select(0, 0), split.select(0, 1), split.select(0, 2)};
    }

    /** The attention output [B, H, T, hd] merged and through the output projection. */
    Tensor project(Tensor attended) {
        return Layers.linear(Layers.merge(attended), out, outBias);
    }

    /** layer_norm2, fc1, the activation, fc2 (the residual is the caller's). */
    Tensor mlp(Tensor x, Activation activation, double eps) {
        return Layers.linear(activation.apply(Layers.linear(norm2.apply(x, eps), fc1, fc1Bias)), fc2, fc2Bias);
    }
}

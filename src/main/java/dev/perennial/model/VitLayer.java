package dev.perennial.model;

import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/**
 * A pre-LN transformer layer with one fused q, k, v projection, as BLIP's BlipEncoderLayer names it
 * ({@code self_attn.qkv}, {@code self_attn.projection}, {@code layer_norm1}, {@code mlp.fc1}, {@code mlp.fc2},
 * {@code layer_norm2}): {@code x + projection(attention(layer_norm1(x)))}, then {@code + fc2(act(fc1(layer_norm2(x))))},
 * attention scaled by head_dim^-0.5 over every position.
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

    Tensor forward(Tensor x, int heads, Activation activation, double eps) {
        long b = x.size(0);
        long n = x.size(1);
        long d = x.size(2);
        Tensor h = norm1.apply(x, eps);
        Tensor split = Layers.linear(h, qkv, qkvBias).view(b, n, 3, heads, d / heads).permute(2, 0, 3, 1, 4);
        Tensor attended = torch.scaled_dot_product_attention(split.select(0, 0), split.select(0, 1),
                split.select(0, 2), new TensorOptional(), 0.0, false, new DoubleOptional(1.0 / Math.sqrt(d / heads)),
                false);
        x = x.add(Layers.linear(Layers.merge(attended), out, outBias));
        Tensor inner = activation.apply(Layers.linear(norm2.apply(x, eps), fc1, fc1Bias));
        return x.add(Layers.linear(inner, fc2, fc2Bias));
    }
}

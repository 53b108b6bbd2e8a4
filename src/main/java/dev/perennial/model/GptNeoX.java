package dev.perennial.model;

import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.List;
import java.util.Map;

/**
 * GPT-NeoX as transformers' GPTNeoXForCausalLM computes it: fused query_key_value with the heads interleaved
 * ([q_h, k_h, v_h] per head), rotary on the first {@code rotary_pct} of each head, LayerNorm, GELU, and
 * {@code x + attn(ln1(x)) + mlp(ln2(x))} with the parallel residual.
 */
final class GptNeoX implements Architecture {

    /** One layer, in checkpoint order; the attention biases are null where the config has none. */
    record Layer(Tensor inputNormWeight, Tensor inputNormBias, Tensor postNormWeight, Tensor postNormBias,
                 Tensor qkv, Tensor qkvBias, Tensor dense, Tensor denseBias, Tensor up, Tensor upBias, Tensor down,
                 Tensor downBias) {

        static Layer declare(Parameters p, GptNeoXConfig c, int i) {
            String at = "gpt_neox.layers." + i + ".";
            long d = c.hiddenSize();
            long ff = c.intermediateSize();
            return new Layer(
                    p.required(at + "input_layernorm.weight", d),
                    p.required(at + "input_layernorm.bias", d),
                    p.required(at + "post_attention_layernorm.weight", d),
                    p.required(at + "post_attention_layernorm.bias", d),
                    p.required(at + "attention.query_key_value.weight", 3 * d, d),
                    p.optional(c.attentionBias(), at + "attention.query_key_value.bias", 3 * d),
                    p.required(at + "attention.dense.weight", d, d),
                    p.optional(c.attentionBias(), at + "attention.dense.bias", d),
                    p.required(at + "mlp.dense_h_to_4h.weight", ff, d),
                    p.required(at + "mlp.dense_h_to_4h.bias", ff),
                    p.required(at + "mlp.dense_4h_to_h.weight", d, ff),
                    p.required(at + "mlp.dense_4h_to_h.bias", d));
        }
    }

    /** The whole model; {@code head} is the input embedding itself when the embeddings are tied. */
    record Weights(Tensor embed, List<Layer> layers, Tensor finalNormWeight, Tensor finalNormBias, Tensor head) {

        static Weights declare(Parameters p, GptNeoXConfig c) {
            Tensor embed = p.required("gpt_neox.embed_in.weight", c.vocabSize(), c.hiddenSize());
            List<Layer> layers = Parameters.layers(c.layers(), i -> Layer.declare(p, c, i));
            Tensor normWeight = p.required("gpt_neox.final_layer_norm.weight", c.hiddenSize());
            Tensor normBias = p.required("gpt_neox.final_layer_norm.bias", c.hiddenSize());
            Tensor head = p.optional(!c.tiedEmbeddings(), "embed_out.weight", c.vocabSize(), c.hiddenSize());
            return new Weights(embed, layers, normWeight, normBias, c.tiedEmbeddings() ? embed : head);
        }
    }

    private final GptNeoXConfig c;

    GptNeoX(GptNeoXConfig config) {
        this.c = config;
    }

    @Override
    public ModelConfig config() {
        return c;
    }

    @Override
    public void declare(Parameters p) {
        Weights.declare(p, c);
    }

    /**
     * GPT-NeoX's own scheme (Black et al. 2022): small_init, N(0, √(2/(5d))), for every weight, and wang_init,
     * N(0, 2/(L·√d)), for the projections that write into the residual stream; biases 0, norms 1.
     */
    @Override
    public void initialise(Map<String, Tensor> params) {
        double small = Math.sqrt(2.0 / (5.0 * c.hiddenSize()));
        double wang = 2.0 / (c.layers() * Math.sqrt(c.hiddenSize()));
        params.forEach((name, t) -> {
            if (name.contains("layernorm") || name.contains("layer_norm")) {
                t.fill_(new Scalar(name.endsWith("weight") ? 1.0 : 0.0));
            } else if (name.endsWith("bias")) {
                t.zero_();
            } else {
                boolean residualOut = name.endsWith("attention.dense.weight") || name.endsWith("dense_4h_to_h.weight");
                t.normal_(0, residualOut ? wang : small, new GeneratorOptional());
            }
        });
    }

    @Override
    public Forward bind(Map<String, Tensor> params) {
        Weights w = Weights.declare(Parameters.boundTo(params), c);
        return (ids, cache) -> forward(w, ids, cache);
    }

    private Tensor forward(Weights w, Tensor ids, KvCache cache) {
        long batch = ids.size(0);
        long t = ids.size(1);
        Tensor x = torch.embedding(w.embed(), ids);
        Positions positions = Positions.of(c.rope(), cache, t, x);
        for (int i = 0; i < c.layers(); i++) {
            Layer l = w.layers().get(i);
            Tensor attention = attention(l, Layers.layerNorm(x, l.inputNormWeight(), l.inputNormBias(),
                    c.layerNormEps()), positions, cache, i, batch, t);
            if (c.parallelResidual()) {
                Tensor mlp = mlp(l, Layers.layerNorm(x, l.postNormWeight(), l.postNormBias(), c.layerNormEps()));
                x = x.add(attention).add(mlp);
            } else {
                x = x.add(attention);
                x = x.add(mlp(l, Layers.layerNorm(x, l.postNormWeight(), l.postNormBias(), c.layerNormEps())));
            }
        }
        if (cache != null) {
            cache.advance((int) t);
        }
        x = Layers.layerNorm(x, w.finalNormWeight(), w.finalNormBias(), c.layerNormEps());
        return Layers.linear(x, w.head(), null);
    }

    private Tensor attention(Layer l, Tensor h, Positions positions, KvCache cache, int layer, long batch,
                             long t) {
        int heads = c.heads();
        int hd = c.headDim();
        Tensor qkv = Layers.linear(h, l.qkv(), l.qkvBias());
        // [B, T, H, 3·hd] → [B, H, T, 3·hd], then q, k, v are consecutive slices of each head
        Tensor heads3 = qkv.view(batch, t, heads, 3L * hd).transpose(1, 2);
        Tensor cos = positions.cos();
        Tensor sin = positions.sin();
        Tensor q = Layers.rotate(heads3.narrow(-1, 0, hd), cos, sin, c.rope().dims());
        Tensor k = Layers.rotate(heads3.narrow(-1, hd, hd), cos, sin, c.rope().dims());
        Tensor v = heads3.narrow(-1, 2L * hd, hd);
        if (cache != null) {
            Tensor[] kv = cache.append(layer, k, v);
            k = kv[0];
            v = kv[1];
        }
        Tensor out = Layers.attention(q, k, v, positions.mask()).transpose(1, 2)
                .reshape(batch, t, (long) heads * hd);
        return Layers.linear(out, l.dense(), l.denseBias());
    }

    private Tensor mlp(Layer l, Tensor h) {
        Tensor up = Layers.linear(h, l.up(), l.upBias());
        return Layers.linear(c.activation().apply(up), l.down(), l.downBias());
    }
}

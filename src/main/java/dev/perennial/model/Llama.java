package dev.perennial.model;

import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.List;
import java.util.Map;

/**
 * The Llama family as transformers' LlamaForCausalLM computes it (Mistral and Qwen2 differ only in settings):
 * RMSNorm, separate q/k/v/o projections with grouped-query attention, rotary embeddings, SwiGLU
 * {@code down(silu(gate(x)) · up(x))}, and a sequential residual.
 */
final class Llama implements Architecture {

    /** One decoder layer, in checkpoint order; a bias is null where the config has none. */
    record Layer(Tensor inputNorm, Tensor q, Tensor k, Tensor v, Tensor qBias, Tensor kBias, Tensor vBias,
                 Tensor o, Tensor oBias, Tensor postNorm, Tensor gate, Tensor up, Tensor down,
                 Tensor gateBias, Tensor upBias, Tensor downBias) {

        static Layer declare(Parameters p, LlamaConfig c, int i) {
            String at = "model.layers." + i + ".";
            long d = c.hiddenSize();
            long q = (long) c.heads() * c.headDim();
            long kv = (long) c.kvHeads() * c.headDim();
            long ff = c.intermediateSize();
            return new Layer(
                    p.required(at + "input_layernorm.weight", d),
                    p.required(at + "self_attn.q_proj.weight", q, d),
                    p.required(at + "self_attn.k_proj.weight", kv, d),
                    p.required(at + "self_attn.v_proj.weight", kv, d),
                    p.optional(c.qkvBias(), at + "self_attn.q_proj.bias", q),
                    p.optional(c.qkvBias(), at + "self_attn.k_proj.bias", kv),
                    p.optional(c.qkvBias(), at + "self_attn.v_proj.bias", kv),
                    p.required(at + "self_attn.o_proj.weight", d, q),
                    p.optional(c.outputBias(), at + "self_attn.o_proj.bias", d),
                    p.required(at + "post_attention_layernorm.weight", d),
                    p.required(at + "mlp.gate_proj.weight", ff, d),
                    p.required(at + "mlp.up_proj.weight", ff, d),
                    p.required(at + "mlp.down_proj.weight", d, ff),
                    p.optional(c.mlpBias(), at + "mlp.gate_proj.bias", ff),
                    p.optional(c.mlpBias(), at + "mlp.up_proj.bias", ff),
                    p.optional(c.mlpBias(), at + "mlp.down_proj.bias", d));
        }
    }

    /** The whole model; {@code lmHead} is the embedding matrix itself when the embeddings are tied. */
    record Weights(Tensor embed, List<Layer> layers, Tensor norm, Tensor lmHead) {

        static Weights declare(Parameters p, LlamaConfig c) {
            Tensor embed = p.required("model.embed_tokens.weight", c.vocabSize(), c.hiddenSize());
            List<Layer> layers = Parameters.layers(c.layers(), i -> Layer.declare(p, c, i));
            Tensor norm = p.required("model.norm.weight", c.hiddenSize());
            Tensor head = p.optional(!c.tiedEmbeddings(), "lm_head.weight", c.vocabSize(), c.hiddenSize());
            return new Weights(embed, layers, norm, c.tiedEmbeddings() ? embed : head);
        }
    }

    private final LlamaConfig c;

    Llama(LlamaConfig config) {
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

    /** transformers' _init_weights: N(0, initializer_range) for weights and embeddings, biases 0, norms 1. */
    @Override
    public void initialise(Map<String, Tensor> params) {
        params.forEach((name, t) -> {
            if (name.endsWith("norm.weight")) {
                t.fill_(new Scalar(1.0));
            } else if (name.endsWith("bias")) {
                t.zero_();
            } else {
                t.normal_(0, c.initializerRange(), new GeneratorOptional());
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
            Tensor h = Layers.rmsNorm(x, l.inputNorm(), c.rmsNormEps());
            x = x.add(attention(l, h, positions, cache, i, batch, t));
            h = Layers.rmsNorm(x, l.postNorm(), c.rmsNormEps());
            x = x.add(mlp(l, h));
        }
        if (cache != null) {
            cache.advance((int) t);
        }
        x = Layers.rmsNorm(x, w.norm(), c.rmsNormEps());
        return Layers.linear(x, w.lmHead(), null);
    }

    private Tensor attention(Layer l, Tensor h, Positions positions, KvCache cache, int layer, long batch,
                             long t) {
        int hd = c.headDim();
        Tensor q = Layers.linear(h, l.q(), l.qBias()).view(batch, t, c.heads(), hd).transpose(1, 2);
        Tensor k = Layers.linear(h, l.k(), l.kBias()).view(batch, t, c.kvHeads(), hd).transpose(1, 2);
        Tensor v = Layers.linear(h, l.v(), l.vBias()).view(batch, t, c.kvHeads(), hd).transpose(1, 2);
        q = Layers.rotate(q, positions.cos(), positions.sin(), c.rope().dims());
        k = Layers.rotate(k, positions.cos(), positions.sin(), c.rope().dims());
        if (cache != null) {
            Tensor[] kv = cache.append(layer, k, v);
            k = kv[0];
            v = kv[1];
        }
        Tensor out = Layers.attention(q, k, v, positions.mask()).transpose(1, 2)
                .reshape(batch, t, (long) c.heads() * hd);
        return Layers.linear(out, l.o(), l.oBias());
    }

    private Tensor mlp(Layer l, Tensor h) {
        Tensor gate = c.activation().apply(Layers.linear(h, l.gate(), l.gateBias()));
        return Layers.linear(gate.mul(Layers.linear(h, l.up(), l.upBias())), l.down(), l.downBias());
    }
}

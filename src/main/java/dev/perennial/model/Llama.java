package dev.perennial.model;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Llama family as transformers' LlamaForCausalLM computes it (Mistral and Qwen2 differ only in settings):
 * RMSNorm, separate q/k/v/o projections with grouped-query attention, rotary embeddings, SwiGLU
 * {@code down(silu(gate(x)) · up(x))}, and a sequential residual.
 */
final class Llama implements Architecture {

    private final LlamaConfig c;

    Llama(LlamaConfig config) {
        this.c = config;
    }

    @Override
    public ModelConfig config() {
        return c;
    }

    private static String layer(int i) {
        return "model.layers." + i + ".";
    }

    @Override
    public Map<String, long[]> shapes() {
        Map<String, long[]> s = new LinkedHashMap<>();
        long d = c.hiddenSize();
        long q = (long) c.heads() * c.headDim();
        long kv = (long) c.kvHeads() * c.headDim();
        long ff = c.intermediateSize();
        s.put("model.embed_tokens.weight", new long[] {c.vocabSize(), d});
        for (int i = 0; i < c.layers(); i++) {
            String p = layer(i);
            s.put(p + "input_layernorm.weight", new long[] {d});
            s.put(p + "self_attn.q_proj.weight", new long[] {q, d});
            s.put(p + "self_attn.k_proj.weight", new long[] {kv, d});
            s.put(p + "self_attn.v_proj.weight", new long[] {kv, d});
            if (c.qkvBias()) {
                s.put(p + "self_attn.q_proj.bias", new long[] {q});
                s.put(p + "self_attn.k_proj.bias", new long[] {kv});
                s.put(p + "self_attn.v_proj.bias", new long[] {kv});
            }
            s.put(p + "self_attn.o_proj.weight", new long[] {d, q});
            if (c.outputBias()) {
                s.put(p + "self_attn.o_proj.bias", new long[] {d});
            }
            s.put(p + "post_attention_layernorm.weight", new long[] {d});
            s.put(p + "mlp.gate_proj.weight", new long[] {ff, d});
            s.put(p + "mlp.up_proj.weight", new long[] {ff, d});
            s.put(p + "mlp.down_proj.weight", new long[] {d, ff});
            if (c.mlpBias()) {
                s.put(p + "mlp.gate_proj.bias", new long[] {ff});
                s.put(p + "mlp.up_proj.bias", new long[] {ff});
                s.put(p + "mlp.down_proj.bias", new long[] {d});
            }
        }
        s.put("model.norm.weight", new long[] {d});
        if (!c.tiedEmbeddings()) {
            s.put("lm_head.weight", new long[] {c.vocabSize(), d});
        }
        return s;
    }

    /** transformers' _init_weights: N(0, initializer_range) for weights and embeddings, biases 0, norms 1. */
    @Override
    public void initialise(Map<String, Tensor> params) {
        params.forEach((name, t) -> {
            if (name.endsWith("norm.weight")) {
                t.fill_(new org.bytedeco.pytorch.Scalar(1.0));
            } else if (name.endsWith("bias")) {
                t.zero_();
            } else {
                t.normal_(0, c.initializerRange(), new org.bytedeco.pytorch.GeneratorOptional());
            }
        });
    }

    @Override
    public Tensor forward(Map<String, Tensor> p, Tensor ids, KvCache cache) {
        long batch = ids.size(0);
        long t = ids.size(1);
        long start = cache == null ? 0 : cache.length();
        Tensor x = torch.embedding(p.get("model.embed_tokens.weight"), ids);
        Tensor[] rope = Layers.rotaryTables(c.rope(), start, t, x.scalar_type());
        for (int i = 0; i < c.layers(); i++) {
            String l = layer(i);
            Tensor h = Layers.rmsNorm(x, p.get(l + "input_layernorm.weight"), c.rmsNormEps());
            x = x.add(attention(p, l, h, rope, cache, i, batch, t));
            h = Layers.rmsNorm(x, p.get(l + "post_attention_layernorm.weight"), c.rmsNormEps());
            x = x.add(mlp(p, l, h));
        }
        if (cache != null) {
            cache.advance((int) t);
        }
        x = Layers.rmsNorm(x, p.get("model.norm.weight"), c.rmsNormEps());
        return Layers.linear(x, p.get(c.tiedEmbeddings() ? "model.embed_tokens.weight" : "lm_head.weight"), null);
    }

    private Tensor attention(Map<String, Tensor> p, String l, Tensor h, Tensor[] rope, KvCache cache, int layer,
                             long batch, long t) {
        int hd = c.headDim();
        Tensor q = project(p, l + "self_attn.q_proj", h).view(batch, t, c.heads(), hd).transpose(1, 2);
        Tensor k = project(p, l + "self_attn.k_proj", h).view(batch, t, c.kvHeads(), hd).transpose(1, 2);
        Tensor v = project(p, l + "self_attn.v_proj", h).view(batch, t, c.kvHeads(), hd).transpose(1, 2);
        q = Layers.rotate(q, rope[0], rope[1], c.rope().dims());
        k = Layers.rotate(k, rope[0], rope[1], c.rope().dims());
        if (cache != null) {
            Tensor[] kv = cache.append(layer, k, v);
            k = kv[0];
            v = kv[1];
        }
        Tensor out = Layers.attention(q, k, v).transpose(1, 2).reshape(batch, t, (long) c.heads() * hd);
        return project(p, l + "self_attn.o_proj", out);
    }

    private Tensor mlp(Map<String, Tensor> p, String l, Tensor h) {
        Tensor gate = c.activation().apply(project(p, l + "mlp.gate_proj", h));
        return project(p, l + "mlp.down_proj", gate.mul(project(p, l + "mlp.up_proj", h)));
    }

    private static Tensor project(Map<String, Tensor> p, String name, Tensor x) {
        return Layers.linear(x, p.get(name + ".weight"), p.get(name + ".bias"));
    }
}

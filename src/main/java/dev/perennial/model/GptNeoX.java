package dev.perennial.model;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * GPT-NeoX as transformers' GPTNeoXForCausalLM computes it: fused query_key_value with the heads interleaved
 * ([q_h, k_h, v_h] per head), rotary on the first {@code rotary_pct} of each head, LayerNorm, GELU, and
 * {@code x + attn(ln1(x)) + mlp(ln2(x))} with the parallel residual.
 */
final class GptNeoX implements Architecture {

    private final GptNeoXConfig c;

    GptNeoX(GptNeoXConfig config) {
        this.c = config;
    }

    @Override
    public ModelConfig config() {
        return c;
    }

    private static String layer(int i) {
        return "gpt_neox.layers." + i + ".";
    }

    @Override
    public Map<String, long[]> shapes() {
        Map<String, long[]> s = new LinkedHashMap<>();
        long d = c.hiddenSize();
        s.put("gpt_neox.embed_in.weight", new long[] {c.vocabSize(), d});
        for (int i = 0; i < c.layers(); i++) {
            String p = layer(i);
            s.put(p + "input_layernorm.weight", new long[] {d});
            s.put(p + "input_layernorm.bias", new long[] {d});
            s.put(p + "post_attention_layernorm.weight", new long[] {d});
            s.put(p + "post_attention_layernorm.bias", new long[] {d});
            s.put(p + "attention.query_key_value.weight", new long[] {3 * d, d});
            if (c.attentionBias()) {
                s.put(p + "attention.query_key_value.bias", new long[] {3 * d});
            }
            s.put(p + "attention.dense.weight", new long[] {d, d});
            if (c.attentionBias()) {
                s.put(p + "attention.dense.bias", new long[] {d});
            }
            s.put(p + "mlp.dense_h_to_4h.weight", new long[] {c.intermediateSize(), d});
            s.put(p + "mlp.dense_h_to_4h.bias", new long[] {c.intermediateSize()});
            s.put(p + "mlp.dense_4h_to_h.weight", new long[] {d, c.intermediateSize()});
            s.put(p + "mlp.dense_4h_to_h.bias", new long[] {d});
        }
        s.put("gpt_neox.final_layer_norm.weight", new long[] {d});
        s.put("gpt_neox.final_layer_norm.bias", new long[] {d});
        if (!c.tiedEmbeddings()) {
            s.put("embed_out.weight", new long[] {c.vocabSize(), d});
        }
        return s;
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
                t.fill_(new org.bytedeco.pytorch.Scalar(name.endsWith("weight") ? 1.0 : 0.0));
            } else if (name.endsWith("bias")) {
                t.zero_();
            } else {
                boolean residualOut = name.endsWith("attention.dense.weight") || name.endsWith("dense_4h_to_h.weight");
                t.normal_(0, residualOut ? wang : small, new org.bytedeco.pytorch.GeneratorOptional());
            }
        });
    }

    @Override
    public Tensor forward(Map<String, Tensor> p, Tensor ids, KvCache cache) {
        long batch = ids.size(0);
        long t = ids.size(1);
        long start = cache == null ? 0 : cache.length();
        Tensor x = torch.embedding(p.get("gpt_neox.embed_in.weight"), ids);
        Tensor[] rope = Layers.rotaryTables(c.rope(), start, t, x.scalar_type());
        for (int i = 0; i < c.layers(); i++) {
            String l = layer(i);
            Tensor attention = attention(p, l, Layers.layerNorm(x, p.get(l + "input_layernorm.weight"),
                    p.get(l + "input_layernorm.bias"), c.layerNormEps()), rope, cache, i, batch, t);
            if (c.parallelResidual()) {
                Tensor mlp = mlp(p, l, Layers.layerNorm(x, p.get(l + "post_attention_layernorm.weight"),
                        p.get(l + "post_attention_layernorm.bias"), c.layerNormEps()));
                x = x.add(attention).add(mlp);
            } else {
                x = x.add(attention);
                x = x.add(mlp(p, l, Layers.layerNorm(x, p.get(l + "post_attention_layernorm.weight"),
                        p.get(l + "post_attention_layernorm.bias"), c.layerNormEps())));
            }
        }
        if (cache != null) {
            cache.advance((int) t);
        }
        x = Layers.layerNorm(x, p.get("gpt_neox.final_layer_norm.weight"), p.get("gpt_neox.final_layer_norm.bias"),
                c.layerNormEps());
        return Layers.linear(x, p.get(c.tiedEmbeddings() ? "gpt_neox.embed_in.weight" : "embed_out.weight"), null);
    }

    private Tensor attention(Map<String, Tensor> p, String l, Tensor h, Tensor[] rope, KvCache cache, int layer,
                             long batch, long t) {
        int heads = c.heads();
        int hd = c.headDim();
        Tensor qkv = Layers.linear(h, p.get(l + "attention.query_key_value.weight"),
                p.get(l + "attention.query_key_value.bias"));
        // [B, T, H, 3·hd] → [B, H, T, 3·hd], then q, k, v are consecutive slices of each head
        Tensor heads3 = qkv.view(batch, t, heads, 3L * hd).transpose(1, 2);
        Tensor q = Layers.rotate(heads3.narrow(-1, 0, hd), rope[0], rope[1], c.rope().dims());
        Tensor k = Layers.rotate(heads3.narrow(-1, hd, hd), rope[0], rope[1], c.rope().dims());
        Tensor v = heads3.narrow(-1, 2L * hd, hd);
        if (cache != null) {
            Tensor[] kv = cache.append(layer, k, v);
            k = kv[0];
            v = kv[1];
        }
        Tensor out = Layers.attention(q, k, v).transpose(1, 2).reshape(batch, t, (long) heads * hd);
        return Layers.linear(out, p.get(l + "attention.dense.weight"), p.get(l + "attention.dense.bias"));
    }

    private Tensor mlp(Map<String, Tensor> p, String l, Tensor h) {
        Tensor up = Layers.linear(h, p.get(l + "mlp.dense_h_to_4h.weight"), p.get(l + "mlp.dense_h_to_4h.bias"));
        return Layers.linear(c.activation().apply(up), p.get(l + "mlp.dense_4h_to_h.weight"),
                p.get(l + "mlp.dense_4h_to_h.bias"));
    }
}

package dev.perennial.model;

import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * BART as transformers' BartForConditionalGeneration computes it (modeling_bart.py): token embeddings shared by the
 * encoder, the decoder and the tied lm_head (model.shared), times embed_scale, plus learned positions read at offset 2
 * (BartLearnedPositionalEmbedding), layernorm_embedding, then post-LN layers (each sub-layer's residual sum goes
 * through its layer norm), GELU in the MLP, no final layer norm; logits are lm_head plus final_logits_bias. Attention
 * scales by head_dim^-0.5; every projection has a bias. Load and close it outside any PointerScope; {@link #encode},
 * {@link #newCache} and {@link #decode} run inside the caller's.
 */
public final class BartModel implements EncoderDecoder, AutoCloseable {

    /** fc1, the activation, fc2, then final_layer_norm over the residual sum (both layer kinds end with it). */
    record Mlp(Tensor fc1, Tensor fc1Bias, Tensor fc2, Tensor fc2Bias, LayerNormWeights norm) {

        static Mlp declare(Parameters p, String at, long d, long ff) {
            return new Mlp(p.required(at + "fc1.weight", ff, d), p.required(at + "fc1.bias", ff),
                    p.required(at + "fc2.weight", d, ff), p.required(at + "fc2.bias", d),
                    LayerNormWeights.declare(p, at + "final_layer_norm", d));
        }
    }

    /** BartEncoderLayer. */
    record EncoderLayer(ProjectionAttention selfAttn, LayerNormWeights selfNorm, Mlp mlp) {

        static EncoderLayer declare(Parameters p, String at, long d, long ff) {
            return new EncoderLayer(ProjectionAttention.declare(p, at + "self_attn.", d),
                    LayerNormWeights.declare(p, at + "self_attn_layer_norm", d), Mlp.declare(p, at, d, ff));
        }
    }

    /** BartDecoderLayer. */
    record DecoderLayer(ProjectionAttention selfAttn, LayerNormWeights selfNorm, ProjectionAttention crossAttn,
                        LayerNormWeights crossNorm, Mlp mlp) {

        static DecoderLayer declare(Parameters p, String at, long d, long ff) {
            ProjectionAttention self = ProjectionAttention.declare(p, at + "self_attn.", d);
            LayerNormWeights selfNorm = LayerNormWeights.declare(p, at + "self_attn_layer_norm", d);
            ProjectionAttention cross = ProjectionAttention.declare(p, at + "encoder_attn.", d);
            return new DecoderLayer(self, selfNorm, cross,
                    LayerNormWeights.declare(p, at + "encoder_attn_layer_norm", d),
                    Mlp.declare(p, at, d, ff));
        }
    }

    /** BartEncoder, less its embed_tokens (model.shared). */
    record Encoder(Tensor positions, List<EncoderLayer> layers, LayerNormWeights embeddingNorm) {

        static Encoder declare(Parameters p, BartConfig c) {
            long d = c.dModel();
            String at = "model.encoder.";
            return new Encoder(p.required(at + "embed_positions.weight", c.maxPositions() + BartConfig.POSITION_OFFSET,
                    d), Parameters.layers(c.encoderLayers(), i -> EncoderLayer.declare(p, at + "layers." + i + ".", d,
                    c.encoderFfnDim())), LayerNormWeights.declare(p, at + "layernorm_embedding", d));
        }
    }

    /** BartDecoder, less its embed_tokens (model.shared). */
    record Decoder(Tensor positions, List<DecoderLayer> layers, LayerNormWeights embeddingNorm) {

        static Decoder declare(Parameters p, BartConfig c) {
            long d = c.dModel();
            String at = "model.decoder.";
            return new Decoder(p.required(at + "embed_positions.weight", c.maxPositions() + BartConfig.POSITION_OFFSET,
                    d), Parameters.layers(c.decoderLayers(), i -> DecoderLayer.declare(p, at + "layers." + i + ".", d,
                    c.decoderFfnDim())), LayerNormWeights.declare(p, at + "layernorm_embedding", d));
        }
    }

    /** BartForConditionalGeneration: lm_head is tied to model.shared, final_logits_bias a [1, vocab] buffer. */
    record Weights(Tensor shared, Encoder encoder, Decoder decoder, Tensor finalLogitsBias) {

        static Weights declare(Parameters p, BartConfig c) {
            Tensor shared = p.required("model.shared.weight", c.vocabSize(), c.dModel());
            Encoder encoder = Encoder.declare(p, c);
            Decoder decoder = Decoder.declare(p, c);
            return new Weights(shared, encoder, decoder, p.required("final_logits_bias", 1, c.vocabSize()));
        }
    }

    /** The tied copies of model.shared that some checkpoints still store. */
    private static final Set<String> TIED_COPIES = Set.of("model.encoder.embed_tokens.weight",
            "model.decoder.embed_tokens.weight", "lm_head.weight");

    private final BartConfig config;
    private final torch.ScalarType dtype;
    private final PretrainedWeights pretrained;
    private final Weights w;

    private BartModel(BartConfig config, torch.ScalarType dtype, PretrainedWeights pretrained, Weights w) {
        this.config = config;
        this.dtype = dtype;
        this.pretrained = pretrained;
        this.w = w;
    }

    /**
     * Loads a BartForConditionalGeneration folder (config.json and model.safetensors, or its shards) as {@code dtype}:
     * exactly the declared tensors with their shapes (the tied copies of model.shared are accepted), else one message
     * naming each mismatch.
     */
    public static BartModel load(Path dir, torch.ScalarType dtype) {
        BartConfig config = BartConfig.read(PretrainedWeights.configFile(dir, "BART"));
        PretrainedWeights pretrained = PretrainedWeights.load(dir, shapes(config), name -> name,
                TIED_COPIES::contains, dtype, BartConfig.MODEL_TYPE);
        return pretrained.bind((p, params) -> new BartModel(config, dtype, p, Weights.declare(params, config)));
    }

    /** The names and shapes a checkpoint for {@code config} holds. */
    static Map<String, long[]> shapes(BartConfig config) {
        return Parameters.declared(p -> Weights.declare(p, config));
    }

    public BartConfig config() {
        return config;
    }

    @Override
    public int maxDecoderPositions() {
        return config.maxPositions();
    }

    /**
     * The encoder's last hidden state [B, S, d_model] of token ids [B, S] (int64) and their attention mask [B, S]
     * (1 = a token, 0 = padding; null when none is padded).
     */
    public Tensor encode(Tensor ids, Tensor mask) {
        long tokens = ids.size(1);
        if (tokens > config.maxPositions()) {
            throw new IllegalArgumentException(tokens + " input tokens; BART reads at most " + config.maxPositions()
                    + " (max_position_embeddings): truncate the input");
        }
        try (NoGradGuard guard = new NoGradGuard()) {
            Encoder e = w.encoder();
            Tensor keyMask = mask == null ? null : keyMask(mask);
            Tensor x = embed(ids, e.positions(), 0, e.embeddingNorm());
            for (EncoderLayer l : e.layers()) {
                Tensor[] qkv = projectHeads(l.selfAttn(), x, x, config.encoderHeads());
                x = l.selfNorm().apply(x.add(attend(qkv[0], qkv[1], qkv[2], keyMask, l.selfAttn())),
                        BartConfig.LAYER_NORM_EPS);
                x = mlp(l.mlp(), x);
            }
            return x;
        }
    }

    @Override
    public DecoderCache newCache(Tensor encoded, Tensor mask, int rowsPerInput, int capacity) {
        if (capacity < 1 || capacity > config.maxPositions()) {
            throw new IllegalArgumentException("a decoder cache of " + capacity + " tokens; BART's decoder has "
                    + config.maxPositions() + " positions (max_position_embeddings)");
        }
        try (NoGradGuard guard = new NoGradGuard()) {
            int layers = config.decoderLayers();
            Tensor[] keys = new Tensor[layers];
            Tensor[] values = new Tensor[layers];
            for (int i = 0; i < layers; i++) {
                ProjectionAttention cross = w.decoder().layers().get(i).crossAttn();
                keys[i] = Layers.repeatRows(Layers.heads(Layers.linear(encoded, cross.k(), cross.kBias()), 1,
                        config.decoderHeads())[0], rowsPerInput);
                values[i] = Layers.repeatRows(Layers.heads(Layers.linear(encoded, cross.v(), cross.vBias()), 1,
                        config.decoderHeads())[0], rowsPerInput);
            }
            Tensor crossMask = mask == null ? null
                    : keyMask(mask.repeat_interleave(rowsPerInput, new LongOptional(0), new LongOptional()));
            return new DecoderCache(keys, values, crossMask, config.decoderHeads(),
                    config.dModel() / config.decoderHeads(), capacity);
        }
    }

    @Override
    public Tensor decode(Tensor ids, DecoderCache cache) {
        int tokens = cache.requireRoom(ids);
        try (NoGradGuard guard = new NoGradGuard()) {
            Decoder dec = w.decoder();
            int past = cache.length();
            Tensor x = embed(ids, dec.positions(), past, dec.embeddingNorm());
            for (int i = 0; i < dec.layers().size(); i++) {
                x = decoderLayer(dec.layers().get(i), i, x, cache, past);
            }
            cache.advance(tokens);
            return Layers.linear(x, w.shared(), null).add(w.finalLogitsBias());
        }
    }

    /** embed_tokens · embed_scale + the positions from {@code past} (offset 2), then layernorm_embedding. */
    private Tensor embed(Tensor ids, Tensor positions, int past, LayerNormWeights norm) {
        Tensor x = torch.embedding(w.shared(), ids);
        if (config.embedScale() != 1.0) {
            x = x.mul(new Scalar(config.embedScale()));
        }
        x = x.add(positions.narrow(0, past + BartConfig.POSITION_OFFSET, ids.size(1)));
        return norm.apply(x, BartConfig.LAYER_NORM_EPS);
    }

    /** Causal self-attention over the cache and the new tokens, cross-attention into the encoder, the MLP. */
    private Tensor decoderLayer(DecoderLayer l, int i, Tensor x, DecoderCache cache, int past) {
        long tokens = x.size(1);
        Tensor[] qkv = projectHeads(l.selfAttn(), x, x, config.decoderHeads());
        cache.selfKeys[i].narrow(2, past, tokens).copy_(qkv[1]);
        cache.selfValues[i].narrow(2, past, tokens).copy_(qkv[2]);
        Tensor attended = Layers.attention(qkv[0], cache.selfKeys[i].narrow(2, 0, past + tokens),
                cache.selfValues[i].narrow(2, 0, past + tokens), null);
        x = l.selfNorm().apply(x.add(Layers.linear(Layers.merge(attended), l.selfAttn().out(),
                l.selfAttn().outBias())), BartConfig.LAYER_NORM_EPS);
        ProjectionAttention cross = l.crossAttn();
        Tensor q = Layers.heads(Layers.linear(x, cross.q(), cross.qBias()), 1, config.decoderHeads())[0];
        x = l.crossNorm().apply(x.add(attend(q, cache.crossKeys[i], cache.crossValues[i], cache.crossMask, cross)),
                BartConfig.LAYER_NORM_EPS);
        return mlp(l.mlp(), x);
    }

    /** q, k and v [B, H, T, hd] of {@code x} (queries) and {@code source} (keys and values). */
    private static Tensor[] projectHeads(ProjectionAttention a, Tensor x, Tensor source, int heads) {
        return new Tensor[] {Layers.heads(Layers.linear(x, a.q(), a.qBias()), 1, heads)[0],
                Layers.heads(Layers.linear(source, a.k(), a.kBias()), 1, heads)[0],
                Layers.heads(Layers.linear(source, a.v(), a.vBias()), 1, heads)[0]};
    }

    /** softmax(q kᵀ · head_dim^-0.5) v over the keys {@code mask} allows (all when null), through out_proj. */
    private static Tensor attend(Tensor q, Tensor k, Tensor v, Tensor mask, ProjectionAttention a) {
        Tensor attended = torch.scaled_dot_product_attention(q, k, v,
                mask == null ? new TensorOptional() : new TensorOptional(mask), 0.0, false,
                new DoubleOptional(1.0 / Math.sqrt(q.size(-1))), false);
        return Layers.linear(Layers.merge(attended), a.out(), a.outBias());
    }

    /** fc2(act(fc1(x))) added to x, through final_layer_norm. */
    private Tensor mlp(Mlp m, Tensor x) {
        Tensor h = Layers.linear(config.activation().apply(Layers.linear(x, m.fc1(), m.fc1Bias())), m.fc2(),
                m.fc2Bias());
        return m.norm().apply(x.add(h), BartConfig.LAYER_NORM_EPS);
    }

    /** An attention mask [B, S] as boolean [B, 1, 1, S], true where a key may be attended to. */
    private static Tensor keyMask(Tensor mask) {
        return mask.ne(new Scalar(0)).view(mask.size(0), 1, 1, mask.size(1));
    }

    @Override
    public void close() {
        pretrained.tensors().values().forEach(Tensor::close);
        pretrained.close();
    }
}

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
import java.util.function.IntFunction;
import java.util.function.UnaryOperator;

/**
 * BART and the families built like it, as transformers computes them (modeling_bart.py BartForConditionalGeneration,
 * modeling_m2m_100.py M2M100ForConditionalGeneration, modeling_blenderbot.py BlenderbotForConditionalGeneration;
 * {@link Seq2SeqFamily} says where they differ): token embeddings shared by the encoder, the decoder and the tied
 * lm_head (model.shared), times embed_scale, plus positions; BART then applies layernorm_embedding and post-LN layers
 * (each sub-layer's residual sum goes through its layer norm), M2M100 and Blenderbot pre-LN layers (each sub-layer
 * reads its input through its layer norm) and a final layer_norm per stack. Logits are lm_head, plus
 * final_logits_bias for BART and Blenderbot. Attention scales by head_dim^-0.5; every projection has a bias. Load and
 * close it outside any PointerScope; {@link #encode}, {@link #newCache} and {@link #decode} run inside the caller's.
 */
public final class BartModel implements EncoderDecoder, AutoCloseable {

    /** fc1, the activation, fc2, with final_layer_norm (both layer kinds end with it). */
    record Mlp(Tensor fc1, Tensor fc1Bias, Tensor fc2, Tensor fc2Bias, LayerNormWeights norm) {

        static Mlp declare(Parameters p, String at, long d, long ff) {
            return new Mlp(p.required(at + "fc1.weight", ff, d), p.required(at + "fc1.bias", ff),
                    p.required(at + "fc2.weight", d, ff), p.required(at + "fc2.bias", d),
                    LayerNormWeights.declare(p, at + "final_layer_norm", d));
        }
    }

    /** BartEncoderLayer (M2M100EncoderLayer, BlenderbotEncoderLayer). */
    record EncoderLayer(ProjectionAttention selfAttn, LayerNormWeights selfNorm, Mlp mlp) {

        static EncoderLayer declare(Parameters p, String at, long d, long ff) {
            return new EncoderLayer(ProjectionAttention.declare(p, at + "self_attn.", d),
                    LayerNormWeights.declare(p, at + "self_attn_layer_norm", d), Mlp.declare(p, at, d, ff));
        }
    }

    /** BartDecoderLayer (M2M100DecoderLayer, BlenderbotDecoderLayer). */
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

    /**
     * An encoder or decoder stack, less its embed_tokens (model.shared): its learned positions (null for
     * sinusoidal ones, which no checkpoint holds), its layers, and BART's layernorm_embedding or the pre-LN
     * families' final layer_norm (the other null).
     */
    record Stack<L>(Tensor positions, List<L> layers, LayerNormWeights embeddingNorm, LayerNormWeights finalNorm) {

        static <L> Stack<L> declare(Parameters p, BartConfig c, String at, int count, IntFunction<L> layer) {
            long d = c.dModel();
            Seq2SeqFamily f = c.family();
            Tensor positions = p.optional(!f.sinusoidalPositions(), at + "embed_positions.weight",
                    c.maxPositions() + f.positionOffset(), d);
            List<L> layers = Parameters.layers(count, layer);
            LayerNormWeights embeddingNorm = f.preLayerNorm() ? null
                    : LayerNormWeights.declare(p, at + "layernorm_embedding", d);
            LayerNormWeights finalNorm = f.preLayerNorm() ? LayerNormWeights.declare(p, at + "layer_norm", d) : null;
            return new Stack<>(positions, layers, embeddingNorm, finalNorm);
        }
    }

    /** The model: lm_head is tied to model.shared; final_logits_bias, a [1, vocab] buffer, as the family has it. */
    record Weights(Tensor shared, Stack<EncoderLayer> encoder, Stack<DecoderLayer> decoder, Tensor finalLogitsBias) {

        static Weights declare(Parameters p, BartConfig c) {
            long d = c.dModel();
            Tensor shared = p.required("model.shared.weight", c.vocabSize(), d);
            Stack<EncoderLayer> encoder = Stack.declare(p, c, "model.encoder.", c.encoderLayers(),
                    i -> EncoderLayer.declare(p, "model.encoder.layers." + i + ".", d, c.encoderFfnDim()));
            Stack<DecoderLayer> decoder = Stack.declare(p, c, "model.decoder.", c.decoderLayers(),
                    i -> DecoderLayer.declare(p, "model.decoder.layers." + i + ".", d, c.decoderFfnDim()));
            return new Weights(shared, encoder, decoder,
                    p.optional(c.family().logitsBias(), "final_logits_bias", 1, c.vocabSize()));
        }
    }

    /**
     * The tied copies of model.shared that some checkpoints still store, and the sinusoidal tables that old M2M100
     * checkpoints saved (modeling_m2m_100.py recomputes them: M2M100SinusoidalPositionalEmbedding.make_weights).
     */
    private static final Set<String> IGNORED = Set.of("model.encoder.embed_tokens.weight",
            "model.decoder.embed_tokens.weight", "lm_head.weight", "model.encoder.embed_positions.weights",
            "model.decoder.embed_positions.weights");

    private final BartConfig config;
    private final torch.ScalarType dtype;
    private final PretrainedWeights pretrained;
    private final Weights w;
    /** The sinusoidal positions [max_position_embeddings + 2, d_model] (M2M100), else null. */
    private final Tensor sinusoids;

    private BartModel(BartConfig config, torch.ScalarType dtype, PretrainedWeights pretrained, Weights w) {
        this.config = config;
        this.dtype = dtype;
        this.pretrained = pretrained;
        this.w = w;
        this.sinusoids = config.family().sinusoidalPositions() ? SinusoidalPositions.table(config.maxPositions()
                + SinusoidalPositions.OFFSET, config.dModel(), config.padTokenId(), dtype) : null;
    }

    /**
     * Loads a BartForConditionalGeneration, M2M100ForConditionalGeneration or BlenderbotForConditionalGeneration
     * folder (config.json and model.safetensors, or its shards) as {@code dtype}: exactly the declared tensors with
     * their shapes (the tied copies of model.shared are accepted), else one message naming each mismatch.
     */
    public static BartModel load(Path dir, torch.ScalarType dtype) {
        BartConfig config = BartConfig.read(PretrainedWeights.configFile(dir, "BART, M2M100 or Blenderbot"));
        PretrainedWeights pretrained = PretrainedWeights.load(dir, shapes(config), name -> name,
                IGNORED::contains, dtype, config.family().modelType());
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
            throw new IllegalArgumentException(tokens + " input tokens; " + config.family().displayName()
                    + " reads at most " + config.maxPositions()
                    + " (max_position_embeddings): truncate the input");
        }
        try (NoGradGuard guard = new NoGradGuard()) {
            Stack<EncoderLayer> e = w.encoder();
            Tensor keyMask = mask == null ? null : keyMask(mask);
            Tensor x = embed(ids, e, 0);
            for (EncoderLayer l : e.layers()) {
                x = sublayer(x, l.selfNorm(), h -> {
                    Tensor[] qkv = projectHeads(l.selfAttn(), h, h, config.encoderHeads());
                    return attend(qkv[0], qkv[1], qkv[2], keyMask, l.selfAttn());
                });
                x = mlp(l.mlp(), x);
            }
            return finalNorm(x, e);
        }
    }

    @Override
    public DecoderCache newCache(Tensor encoded, Tensor mask, int rowsPerInput, int capacity) {
        if (capacity < 1 || capacity > config.maxPositions()) {
            throw new IllegalArgumentException("a decoder cache of " + capacity + " tokens; "
                    + config.family().displayName() + "'s decoder has "
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
            Stack<DecoderLayer> dec = w.decoder();
            int past = cache.length();
            Tensor x = embed(ids, dec, past);
            for (int i = 0; i < dec.layers().size(); i++) {
                x = decoderLayer(dec.layers().get(i), i, x, cache, past);
            }
            cache.advance(tokens);
            Tensor logits = Layers.linear(finalNorm(x, dec), w.shared(), null);
            return w.finalLogitsBias() == null ? logits : logits.add(w.finalLogitsBias());
        }
    }

    /**
     * embed_tokens · embed_scale + the positions from {@code past}: learned ones at the family's offset, or
     * M2M100's sinusoidal ones, numbered from the token ids so that padding keeps the padding row (all zero); then
     * BART's layernorm_embedding.
     */
    private Tensor embed(Tensor ids, Stack<?> stack, int past) {
        Tensor x = torch.embedding(w.shared(), ids);
        if (config.embedScale() != 1.0) {
            x = x.mul(new Scalar(config.embedScale()));
        }
        x = x.add(sinusoids == null ? stack.positions().narrow(0, past + config.family().positionOffset(),
                ids.size(1)) : torch.embedding(sinusoids, Layers.positionIdsSkippingPadding(ids, config.padTokenId(),
                past)));
        return stack.embeddingNorm() == null ? x : stack.embeddingNorm().apply(x, BartConfig.LAYER_NORM_EPS);
    }

    /** The pre-LN families' final layer_norm of a stack (none for BART). */
    private static Tensor finalNorm(Tensor x, Stack<?> stack) {
        return stack.finalNorm() == null ? x : stack.finalNorm().apply(x, BartConfig.LAYER_NORM_EPS);
    }

    /** One residual sub-layer: x + block(norm(x)) for the pre-LN families, norm(x + block(x)) for BART. */
    private Tensor sublayer(Tensor x, LayerNormWeights norm, UnaryOperator<Tensor> block) {
        return config.family().preLayerNorm() ? x.add(block.apply(norm.apply(x, BartConfig.LAYER_NORM_EPS)))
                : norm.apply(x.add(block.apply(x)), BartConfig.LAYER_NORM_EPS);
    }

    /** Causal self-attention over the cache and the new tokens, cross-attention into the encoder, the MLP. */
    private Tensor decoderLayer(DecoderLayer l, int i, Tensor x, DecoderCache cache, int past) {
        long tokens = x.size(1);
        x = sublayer(x, l.selfNorm(), h -> {
            Tensor[] qkv = projectHeads(l.selfAttn(), h, h, config.decoderHeads());
            cache.selfKeys[i].narrow(2, past, tokens).copy_(qkv[1]);
            cache.selfValues[i].narrow(2, past, tokens).copy_(qkv[2]);
            Tensor attended = Layers.attention(qkv[0], cache.selfKeys[i].narrow(2, 0, past + tokens),
                    cache.selfValues[i].narrow(2, 0, past + tokens), null);
            return Layers.linear(Layers.merge(attended), l.selfAttn().out(), l.selfAttn().outBias());
        });
        ProjectionAttention cross = l.crossAttn();
        x = sublayer(x, l.crossNorm(), h -> {
            Tensor q = Layers.heads(Layers.linear(h, cross.q(), cross.qBias()), 1, config.decoderHeads())[0];
            return attend(q, cache.crossKeys[i], cache.crossValues[i], cache.crossMask, cross);
        });
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

    /** fc2(act(fc1(x))) as a residual sub-layer with final_layer_norm. */
    private Tensor mlp(Mlp m, Tensor x) {
        return sublayer(x, m.norm(), h -> Layers.linear(config.activation().apply(Layers.linear(h, m.fc1(),
                m.fc1Bias())), m.fc2(), m.fc2Bias()));
    }

    /** An attention mask [B, S] as boolean [B, 1, 1, S], true where a key may be attended to. */
    private static Tensor keyMask(Tensor mask) {
        return mask.ne(new Scalar(0)).view(mask.size(0), 1, 1, mask.size(1));
    }

    @Override
    public void close() {
        if (sinusoids != null) {
            sinusoids.close();
        }
        pretrained.tensors().values().forEach(Tensor::close);
        pretrained.close();
    }
}

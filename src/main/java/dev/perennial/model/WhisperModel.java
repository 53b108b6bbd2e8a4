package dev.perennial.model;

import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Whisper as transformers' WhisperForConditionalGeneration computes it (modeling_whisper.py): an encoder over log-mel
 * features (conv1 kernel 3 and conv2 kernel 3 stride 2, each followed by GELU, the checkpoint's stored sinusoidal
 * positions, pre-LN layers, a final layer norm) and a decoder over tokens (embed_tokens, learned positions at the
 * cache offset, pre-LN layers of causal self-attention, cross-attention into the encoder output and an MLP, a final
 * layer norm) whose logits come from proj_out, tied to embed_tokens unless the config unties it. Attention scales
 * by head_dim^-0.5 and k_proj has no bias. Weights keep the checkpoint's names; q, k and v are fused at load. Load and
 * close it outside any PointerScope; {@link #encode}, {@link #newCache} and {@link #decode} run inside the caller's.
 */
public final class WhisperModel implements EncoderDecoder, AutoCloseable {

    /** WhisperAttention, in checkpoint order: k_proj (no bias), v_proj, q_proj, out_proj. */
    record Attention(Tensor k, Tensor v, Tensor vBias, Tensor q, Tensor qBias, Tensor out, Tensor outBias) {

        static Attention declare(Parameters p, String at, long d) {
            return new Attention(p.required(at + "k_proj.weight", d, d),
                    p.required(at + "v_proj.weight", d, d), p.required(at + "v_proj.bias", d),
                    p.required(at + "q_proj.weight", d, d), p.required(at + "q_proj.bias", d),
                    p.required(at + "out_proj.weight", d, d), p.required(at + "out_proj.bias", d));
        }
    }

    /** fc1, the activation, fc2, after final_layer_norm (both layer kinds end with it). */
    record Mlp(Tensor fc1, Tensor fc1Bias, Tensor fc2, Tensor fc2Bias, Tensor norm, Tensor normBias) {

        static Mlp declare(Parameters p, String at, long d, long ff) {
            return new Mlp(p.required(at + "fc1.weight", ff, d), p.required(at + "fc1.bias", ff),
                    p.required(at + "fc2.weight", d, ff), p.required(at + "fc2.bias", d),
                    p.required(at + "final_layer_norm.weight", d), p.required(at + "final_layer_norm.bias", d));
        }
    }

    /** WhisperEncoderLayer. */
    record EncoderLayer(Attention selfAttn, Tensor selfNorm, Tensor selfNormBias, Mlp mlp) {

        static EncoderLayer declare(Parameters p, String at, long d, long ff) {
            return new EncoderLayer(Attention.declare(p, at + "self_attn.", d),
                    p.required(at + "self_attn_layer_norm.weight", d), p.required(at + "self_attn_layer_norm.bias", d),
                    Mlp.declare(p, at, d, ff));
        }
    }

    /** WhisperDecoderLayer. */
    record DecoderLayer(Attention selfAttn, Tensor selfNorm, Tensor selfNormBias, Attention crossAttn,
                        Tensor crossNorm, Tensor crossNormBias, Mlp mlp) {

        static DecoderLayer declare(Parameters p, String at, long d, long ff) {
            Attention self = Attention.declare(p, at + "self_attn.", d);
            Tensor selfNorm = p.required(at + "self_attn_layer_norm.weight", d);
            Tensor selfNormBias = p.required(at + "self_attn_layer_norm.bias", d);
            return new DecoderLayer(self, selfNorm, selfNormBias, Attention.declare(p, at + "encoder_attn.", d),
                    p.required(at + "encoder_attn_layer_norm.weight", d),
                    p.required(at + "encoder_attn_layer_norm.bias", d), Mlp.declare(p, at, d, ff));
        }
    }

    /** WhisperEncoder. */
    record Encoder(Tensor conv1, Tensor conv1Bias, Tensor conv2, Tensor conv2Bias, Tensor positions,
                   List<EncoderLayer> layers, Tensor norm, Tensor normBias) {

        static Encoder declare(Parameters p, WhisperConfig c) {
            long d = c.dModel();
            String at = "model.encoder.";
            return new Encoder(p.required(at + "conv1.weight", d, c.numMelBins(), 3), p.required(at + "conv1.bias", d),
                    p.required(at + "conv2.weight", d, d, 3), p.required(at + "conv2.bias", d),
                    p.required(at + "embed_positions.weight", c.maxSourcePositions(), d),
                    Parameters.layers(c.encoderLayers(), i -> EncoderLayer.declare(p, at + "layers." + i + ".", d,
                            c.encoderFfnDim())),
                    p.required(at + "layer_norm.weight", d), p.required(at + "layer_norm.bias", d));
        }
    }

    /** WhisperDecoder. */
    record Decoder(Tensor embedTokens, Tensor positions, List<DecoderLayer> layers, Tensor norm, Tensor normBias) {

        static Decoder declare(Parameters p, WhisperConfig c) {
            long d = c.dModel();
            String at = "model.decoder.";
            return new Decoder(p.required(at + "embed_tokens.weight", c.vocabSize(), d),
                    p.required(at + "embed_positions.weight", c.maxTargetPositions(), d),
                    Parameters.layers(c.decoderLayers(), i -> DecoderLayer.declare(p, at + "layers." + i + ".", d,
                            c.decoderFfnDim())),
                    p.required(at + "layer_norm.weight", d), p.required(at + "layer_norm.bias", d));
        }
    }

    /** WhisperForConditionalGeneration: proj_out exists in the checkpoint only when untied. */
    record Weights(Encoder encoder, Decoder decoder, Tensor projOut) {

        static Weights declare(Parameters p, WhisperConfig c) {
            Encoder encoder = Encoder.declare(p, c);
            Decoder decoder = Decoder.declare(p, c);
            return new Weights(encoder, decoder,
                    p.optional(!c.tieWordEmbeddings(), "proj_out.weight", c.vocabSize(), c.dModel()));
        }
    }

    /** q, k and v as one matrix and bias (k's bias zero): one product instead of three. */
    private record Fused(Tensor qkv, Tensor qkvBias) {

        static Fused of(Attention a) {
            return new Fused(torch.cat(new TensorVector(a.q(), a.k(), a.v()), 0),
                    torch.cat(new TensorVector(a.qBias(), torch.zeros_like(a.vBias()), a.vBias()), 0));
        }

        /** The cross-attention's k and v only (its q reads the decoder, k and v the encoder). */
        static Fused keysValues(Attention a) {
            return new Fused(torch.cat(new TensorVector(a.k(), a.v()), 0),
                    torch.cat(new TensorVector(torch.zeros_like(a.vBias()), a.vBias()), 0));
        }
    }

    private final WhisperConfig config;
    private final torch.ScalarType dtype;
    private final PretrainedWeights pretrained;
    private final Weights w;
    private final List<Fused> encoderFused;
    private final List<Fused> decoderFused;
    private final List<Fused> crossFused;
    private final Tensor head;

    private WhisperModel(WhisperConfig config, torch.ScalarType dtype, PretrainedWeights pretrained, Weights w) {
        this.config = config;
        this.dtype = dtype;
        this.pretrained = pretrained;
        this.w = w;
        this.encoderFused = w.encoder().layers().stream().map(l -> Fused.of(l.selfAttn())).toList();
        this.decoderFused = w.decoder().layers().stream().map(l -> Fused.of(l.selfAttn())).toList();
        this.crossFused = w.decoder().layers().stream().map(l -> Fused.keysValues(l.crossAttn())).toList();
        this.head = w.projOut() != null ? w.projOut() : w.decoder().embedTokens();
    }

    /**
     * Loads a WhisperForConditionalGeneration folder (config.json and model.safetensors, or its shards) as
     * {@code dtype}: exactly the declared tensors with their shapes (a tied checkpoint that still carries
     * proj_out.weight is accepted), else one message naming each mismatch.
     */
    public static WhisperModel load(Path dir, torch.ScalarType dtype) {
        Path configFile = PretrainedWeights.configFile(dir, "Whisper");
        WhisperConfig config = WhisperConfig.read(configFile);
        PretrainedWeights pretrained = PretrainedWeights.load(dir, shapes(config), name -> name,
                name -> config.tieWordEmbeddings() && name.equals("proj_out.weight"), dtype, WhisperConfig.MODEL_TYPE);
        return pretrained.bind((w, p) -> new WhisperModel(config, dtype, w, Weights.declare(p, config)));
    }

    /** The names and shapes a checkpoint for {@code config} holds. */
    static Map<String, long[]> shapes(WhisperConfig config) {
        return Parameters.declared(p -> Weights.declare(p, config));
    }

    public WhisperConfig config() {
        return config;
    }

    public torch.ScalarType dtype() {
        return dtype;
    }

    /**
     * The encoder's last hidden state [B, max_source_positions, d_model] of log-mel features [B, num_mel_bins,
     * 2·max_source_positions] (any floating dtype).
     */
    public Tensor encode(Tensor features) {
        long[] shape = features.sizes().vec().get();
        if (shape.length != 3 || shape[0] < 1 || shape[1] != config.numMelBins() || shape[2] != config.frames()) {
            throw new IllegalArgumentException("features have shape " + Arrays.toString(shape) + "; Whisper takes "
                    + "[batch, " + config.numMelBins() + ", " + config.frames() + "] (2 · max_source_positions "
                    + "frames: pad or cut the audio to the feature extractor's window)");
        }
        try (NoGradGuard guard = new NoGradGuard()) {
            Encoder e = w.encoder();
            Tensor x = features.scalar_type().value == dtype.value ? features : features.to(dtype);
            x = torch.gelu(torch.conv1d(x, e.conv1(), new TensorOptional(e.conv1Bias()), new long[] {1},
                    new long[] {1}, new long[] {1}, 1));
            x = torch.gelu(torch.conv1d(x, e.conv2(), new TensorOptional(e.conv2Bias()), new long[] {2},
                    new long[] {1}, new long[] {1}, 1));
            x = x.permute(0, 2, 1).add(e.positions());
            for (int i = 0; i < e.layers().size(); i++) {
                x = encoderLayer(e.layers().get(i), encoderFused.get(i), x);
            }
            return Layers.layerNorm(x, e.norm(), e.normBias(), WhisperConfig.LAYER_NORM_EPS);
        }
    }

    /**
     * A decoder state for {@code rowsPerInput} rows per encoded input (1 for greedy decoding, the beams for beam
     * search; rows of one input are adjacent) with room for {@code capacity} tokens: the cross-attention keys and
     * values of {@code encoded} [B, S, d_model] are computed here, once. Call it in the scope around the batch's
     * decoding, not inside a step's.
     */
    public DecoderCache newCache(Tensor encoded, int rowsPerInput, int capacity) {
        if (capacity < 1 || capacity > config.maxTargetPositions()) {
            throw new IllegalArgumentException("a decoder cache of " + capacity + " tokens; Whisper's decoder has "
                    + config.maxTargetPositions() + " positions (max_target_positions)");
        }
        try (NoGradGuard guard = new NoGradGuard()) {
            int layers = config.decoderLayers();
            Tensor[] keys = new Tensor[layers];
            Tensor[] values = new Tensor[layers];
            for (int i = 0; i < layers; i++) {
                Fused cross = crossFused.get(i);
                Tensor[] kv = Layers.heads(Layers.linear(encoded, cross.qkv(), cross.qkvBias()), 2,
                        config.decoderHeads());
                keys[i] = Layers.repeatRows(kv[0], rowsPerInput);
                values[i] = Layers.repeatRows(kv[1], rowsPerInput);
            }
            return new DecoderCache(keys, values, null, config.decoderHeads(), config.dModel() / config.decoderHeads(),
                    capacity);
        }
    }

    /** {@link #newCache(Tensor, int, int)}: Whisper's encoder input is never padded, so {@code mask} must be null. */
    @Override
    public DecoderCache newCache(Tensor encoded, Tensor mask, int rowsPerInput, int capacity) {
        if (mask != null) {
            throw new IllegalArgumentException("Whisper's windows are never padded: no encoder mask");
        }
        return newCache(encoded, rowsPerInput, capacity);
    }

    @Override
    public int maxDecoderPositions() {
        return config.maxTargetPositions();
    }

    /**
     * Feeds tokens {@code ids} [rows, T] (int64) at the cache's positions and returns the logits [rows, T, vocab];
     * the cache then holds them too.
     */
    @Override
    public Tensor decode(Tensor ids, DecoderCache cache) {
        int tokens = cache.requireRoom(ids);
        try (NoGradGuard guard = new NoGradGuard()) {
            Decoder dec = w.decoder();
            int past = cache.length();
            Tensor x = torch.embedding(dec.embedTokens(), ids).add(dec.positions().narrow(0, past, tokens));
            for (int i = 0; i < dec.layers().size(); i++) {
                x = decoderLayer(dec.layers().get(i), i, x, cache, past);
            }
            cache.advance(tokens);
            x = Layers.layerNorm(x, dec.norm(), dec.normBias(), WhisperConfig.LAYER_NORM_EPS);
            return Layers.linear(x, head, null);
        }
    }

    /** Pre-LN self-attention over all positions (no mask), then the MLP. */
    private Tensor encoderLayer(EncoderLayer l, Fused f, Tensor x) {
        Tensor h = Layers.layerNorm(x, l.selfNorm(), l.selfNormBias(), WhisperConfig.LAYER_NORM_EPS);
        Tensor[] qkv = Layers.heads(Layers.linear(h, f.qkv(), f.qkvBias()), 3, config.encoderHeads());
        x = x.add(attend(qkv[0], qkv[1], qkv[2], l.selfAttn()));
        return x.add(mlp(l.mlp(), x));
    }

    /** Causal self-attention over the cache and the new tokens, cross-attention into the encoder, the MLP. */
    private Tensor decoderLayer(DecoderLayer l, int i, Tensor x, DecoderCache cache, int past) {
        long tokens = x.size(1);
        Tensor h = Layers.layerNorm(x, l.selfNorm(), l.selfNormBias(), WhisperConfig.LAYER_NORM_EPS);
        Fused f = decoderFused.get(i);
        Tensor[] qkv = Layers.heads(Layers.linear(h, f.qkv(), f.qkvBias()), 3, config.decoderHeads());
        cache.selfKeys[i].narrow(2, past, tokens).copy_(qkv[1]);
        cache.selfValues[i].narrow(2, past, tokens).copy_(qkv[2]);
        Tensor keys = cache.selfKeys[i].narrow(2, 0, past + tokens);
        Tensor values = cache.selfValues[i].narrow(2, 0, past + tokens);
        Tensor attended = Layers.attention(qkv[0], keys, values, null);
        x = x.add(Layers.linear(Layers.merge(attended), l.selfAttn().out(), l.selfAttn().outBias()));
        h = Layers.layerNorm(x, l.crossNorm(), l.crossNormBias(), WhisperConfig.LAYER_NORM_EPS);
        Attention cross = l.crossAttn();
        Tensor q = Layers.heads(Layers.linear(h, cross.q(), cross.qBias()), 1, config.decoderHeads())[0];
        x = x.add(attend(q, cache.crossKeys[i], cache.crossValues[i], cross));
        return x.add(mlp(l.mlp(), x));
    }

    /** softmax(q kᵀ · head_dim^-0.5) v with no mask, merged and through out_proj. */
    private static Tensor attend(Tensor q, Tensor k, Tensor v, Attention a) {
        Tensor attended = torch.scaled_dot_product_attention(q, k, v, new TensorOptional(), 0.0, false,
                new DoubleOptional(1.0 / Math.sqrt(q.size(-1))), false);
        return Layers.linear(Layers.merge(attended), a.out(), a.outBias());
    }

    /** final_layer_norm, fc1, the activation, fc2. */
    private Tensor mlp(Mlp m, Tensor x) {
        Tensor h = Layers.layerNorm(x, m.norm(), m.normBias(), WhisperConfig.LAYER_NORM_EPS);
        return Layers.linear(config.activation().apply(Layers.linear(h, m.fc1(), m.fc1Bias())), m.fc2(), m.fc2Bias());
    }

    @Override
    public void close() {
        List<Tensor> owned = new ArrayList<>();
        for (List<Fused> fused : List.of(encoderFused, decoderFused, crossFused)) {
            for (Fused f : fused) {
                owned.add(f.qkv());
                owned.add(f.qkvBias());
            }
        }
        owned.addAll(pretrained.tensors().values());
        owned.forEach(Tensor::close);
        pretrained.close();
    }
}

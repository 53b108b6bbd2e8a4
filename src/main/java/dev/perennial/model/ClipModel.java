package dev.perennial.model;

import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * CLIP as transformers' CLIPModel computes it (modeling_clip.py), for zero-shot image classification and image
 * search: a ViT that embeds images ({@link #imageEmbeds}) and a causal text transformer that embeds texts
 * ({@link #textEmbeds}) into one space, where {@link #logitsPerImage} scores them. Both towers are pre-LayerNorm
 * encoders (attention scaled by head_dim^-0.5, an MLP of fc1, quick_gelu and fc2). Weights keep the checkpoint's
 * names; q, k and v are fused into one matrix at load. Load and close it outside any PointerScope; call the
 * forward methods inside the caller's scope (they switch gradients off themselves).
 */
public final class ClipModel implements AutoCloseable {

    /** One encoder layer (CLIPEncoderLayer), in checkpoint order: self_attn (k, v, q, out), layer_norm1, mlp, layer_norm2. */
    record Layer(Tensor k, Tensor kBias, Tensor v, Tensor vBias, Tensor q, Tensor qBias, Tensor out, Tensor outBias,
                 Tensor norm1, Tensor norm1Bias, Tensor fc1, Tensor fc1Bias, Tensor fc2, Tensor fc2Bias,
                 Tensor norm2, Tensor norm2Bias) {

        static Layer declare(Parameters p, String at, long d, long ff) {
            String attn = at + "self_attn.";
            return new Layer(
                    p.required(attn + "k_proj.weight", d, d), p.required(attn + "k_proj.bias", d),
                    p.required(attn + "v_proj.weight", d, d), p.required(attn + "v_proj.bias", d),
                    p.required(attn + "q_proj.weight", d, d), p.required(attn + "q_proj.bias", d),
                    p.required(attn + "out_proj.weight", d, d), p.required(attn + "out_proj.bias", d),
                    p.required(at + "layer_norm1.weight", d), p.required(at + "layer_norm1.bias", d),
                    p.required(at + "mlp.fc1.weight", ff, d), p.required(at + "mlp.fc1.bias", ff),
                    p.required(at + "mlp.fc2.weight", d, ff), p.required(at + "mlp.fc2.bias", d),
                    p.required(at + "layer_norm2.weight", d), p.required(at + "layer_norm2.bias", d));
        }
    }

    /** CLIPTextTransformer. */
    record TextWeights(Tensor tokenEmbedding, Tensor positionEmbedding, List<Layer> layers, Tensor finalNorm,
                       Tensor finalNormBias) {

        static TextWeights declare(Parameters p, ClipConfig.Text c) {
            long d = c.hiddenSize();
            return new TextWeights(
                    p.required("text_model.embeddings.token_embedding.weight", c.vocabSize(), d),
                    p.required("text_model.embeddings.position_embedding.weight", c.maxPositions(), d),
                    Parameters.layers(c.layers(), i -> Layer.declare(p, "text_model.encoder.layers." + i + ".", d,
                            c.intermediateSize())),
                    p.required("text_model.final_layer_norm.weight", d),
                    p.required("text_model.final_layer_norm.bias", d));
        }
    }

    /** CLIPVisionTransformer ({@code pre_layrnorm} is transformers' spelling). */
    record VisionWeights(Tensor classEmbedding, Tensor patchEmbedding, Tensor positionEmbedding, Tensor preNorm,
                         Tensor preNormBias, List<Layer> layers, Tensor postNorm, Tensor postNormBias) {

        static VisionWeights declare(Parameters p, ClipConfig.Vision c) {
            long d = c.hiddenSize();
            return new VisionWeights(
                    p.required("vision_model.embeddings.class_embedding", d),
                    p.required("vision_model.embeddings.patch_embedding.weight", d, c.numChannels(), c.patchSize(),
                            c.patchSize()),
                    p.required("vision_model.embeddings.position_embedding.weight", c.positions(), d),
                    p.required("vision_model.pre_layrnorm.weight", d),
                    p.required("vision_model.pre_layrnorm.bias", d),
                    Parameters.layers(c.layers(), i -> Layer.declare(p, "vision_model.encoder.layers." + i + ".", d,
                            c.intermediateSize())),
                    p.required("vision_model.post_layernorm.weight", d),
                    p.required("vision_model.post_layernorm.bias", d));
        }
    }

    /** CLIPModel: logit_scale (its own parameter, listed first), both towers and both projections (no biases). */
    record Weights(Tensor logitScale, TextWeights text, VisionWeights vision, Tensor visualProjection,
                   Tensor textProjection) {

        static Weights declare(Parameters p, ClipConfig c) {
            Tensor logitScale = p.required("logit_scale");
            TextWeights text = TextWeights.declare(p, c.text());
            VisionWeights vision = VisionWeights.declare(p, c.vision());
            return new Weights(logitScale, text, vision,
                    p.required("visual_projection.weight", c.projectionDim(), c.vision().hiddenSize()),
                    p.required("text_projection.weight", c.projectionDim(), c.text().hiddenSize()));
        }
    }

    /**
     * One layer as the shared {@link VitLayer}, q, k and v concatenated into one [3D, D] matrix and [3D] bias: one
     * matrix product instead of three (those two tensors are the model's own; the rest are the checkpoint's).
     */
    private static VitLayer fused(Layer l) {
        return new VitLayer(torch.cat(new TensorVector(l.q(), l.k(), l.v()), 0),
                torch.cat(new TensorVector(l.qBias(), l.kBias(), l.vBias()), 0), l.out(), l.outBias(),
                new LayerNormWeights(l.norm1(), l.norm1Bias()), l.fc1(), l.fc1Bias(), l.fc2(), l.fc2Bias(),
                new LayerNormWeights(l.norm2(), l.norm2Bias()));
    }

    /** What an encoder layer needs of its tower's config. */
    private record Tower(int heads, Activation activation, double eps) {
    }

    /** Checkpoint buffers that are recomputed, not learned (older checkpoints saved the position ids). */
    private static boolean ignorable(String name) {
        return name.endsWith(".position_ids");
    }

    private final ClipConfig config;
    private final torch.ScalarType dtype;
    private final PretrainedWeights pretrained;
    private final Weights w;
    private final List<VitLayer> textFused;
    private final List<VitLayer> visionFused;
    private final Tower textTower;
    private final Tower visionTower;
    private final double logitScale;

    private ClipModel(ClipConfig config, torch.ScalarType dtype, PretrainedWeights pretrained, Weights w) {
        this.config = config;
        this.dtype = dtype;
        this.pretrained = pretrained;
        this.w = w;
        this.textFused = w.text().layers().stream().map(ClipModel::fused).toList();
        this.visionFused = w.vision().layers().stream().map(ClipModel::fused).toList();
        this.textTower = new Tower(config.text().heads(), config.text().activation(), config.text().layerNormEps());
        this.visionTower = new Tower(config.vision().heads(), config.vision().activation(),
                config.vision().layerNormEps());
        this.logitScale = Math.exp(w.logitScale().item_double());
    }

    /**
     * Loads a CLIPModel folder (config.json and model.safetensors, or its shards) as {@code dtype}: exactly the
     * declared tensors with their shapes (apart from the position_ids buffers of older checkpoints), else one
     * message naming each mismatch.
     */
    public static ClipModel load(Path dir, torch.ScalarType dtype) {
        Path configFile = PretrainedWeights.configFile(dir, "CLIP");
        ClipConfig config = ClipConfig.read(configFile);
        PretrainedWeights pretrained = PretrainedWeights.load(dir, shapes(config), name -> name,
                ClipModel::ignorable, dtype, ClipConfig.MODEL_TYPE);
        return pretrained.bind((w, p) -> new ClipModel(config, dtype, w, Weights.declare(p, config)));
    }

    /** The names and shapes a checkpoint for {@code config} holds, in checkpoint order. */
    static Map<String, long[]> shapes(ClipConfig config) {
        return Parameters.declared(p -> Weights.declare(p, config));
    }

    public ClipConfig config() {
        return config;
    }

    public torch.ScalarType dtype() {
        return dtype;
    }

    /** exp(logit_scale): the temperature that multiplies cosine similarities (100 for openai's checkpoints). */
    public double logitScale() {
        return logitScale;
    }

    /**
     * Image embeddings [B, projection_dim] of pixel values [B, C, S, S] (any floating dtype; S = image_size):
     * visual_projection(post_layernorm(the class token's last hidden state)), not normalised.
     */
    public Tensor imageEmbeds(Tensor pixelValues) {
        ClipConfig.Vision c = config.vision();
        long[] shape = pixelValues.sizes().vec().get();
        if (shape.length != 4 || shape[0] < 1 || shape[1] != c.numChannels() || shape[2] != c.imageSize()
                || shape[3] != c.imageSize()) {
            throw new IllegalArgumentException("pixel values have shape " + Arrays.toString(shape) + "; the model "
                    + "takes [batch, " + c.numChannels() + ", " + c.imageSize() + ", " + c.imageSize() + "]");
        }
        try (NoGradGuard guard = new NoGradGuard()) {
            VisionWeights v = w.vision();
            Tensor pixels = pixelValues.scalar_type().value == dtype.value ? pixelValues : pixelValues.to(dtype);
            long b = shape[0];
            long d = c.hiddenSize();
            long p = c.patchSize();
            // CLIPVisionEmbeddings: the patch convolution (no bias), the class token first, learned positions
            Tensor patches = torch.conv2d(pixels, v.patchEmbedding(), new TensorOptional(), new long[] {p, p},
                    new long[] {0, 0}, new long[] {1, 1}, 1).flatten(2, 3).transpose(1, 2);
            Tensor cls = v.classEmbedding().view(1, 1, d).expand(b, 1, d);
            Tensor x = torch.cat(new TensorVector(cls, patches), 1).add(v.positionEmbedding());
            x = Layers.layerNorm(x, v.preNorm(), v.preNormBias(), c.layerNormEps());
            int last = v.layers().size() - 1;
            for (int i = 0; i < last; i++) {
                x = layer(visionFused.get(i), visionTower, x, null, false);
            }
            // only the class token's state is used: the last layer computes that row alone
            Tensor pooled = lastLayer(visionFused.get(last), visionTower, x, null, null);
            pooled = Layers.layerNorm(pooled, v.postNorm(), v.postNormBias(), c.layerNormEps());
            return Layers.linear(pooled, w.visualProjection(), null);
        }
    }

    /**
     * Text embeddings [B, projection_dim] of token ids [B, T] (int64, T ≤ max_position_embeddings, as the
     * tokenizer gives them: {@code <|startoftext|> … <|endoftext|>}, padded on the right) and their attention mask
     * [B, T] (1 for tokens, 0 for padding; null: no padding): text_projection(final_layer_norm(h)) at each row's
     * eos position, not normalised. The position is argmax(ids) for openai's configs (eos_token_id 2) and the first
     * eos_token_id otherwise ({@link ClipConfig.Text#legacyEosPooling()}).
     */
    public Tensor textEmbeds(Tensor inputIds, Tensor attentionMask) {
        ClipConfig.Text c = config.text();
        long[] shape = inputIds.sizes().vec().get();
        if (shape.length != 2 || shape[0] < 1 || shape[1] < 1) {
            throw new IllegalArgumentException("input ids have shape " + Arrays.toString(shape)
                    + "; the model takes [batch, tokens]");
        }
        if (shape[1] > c.maxPositions()) {
            throw new IllegalArgumentException(shape[1] + " tokens are more than the " + c.maxPositions()
                    + " positions of the text model (max_position_embeddings); truncate to " + c.maxPositions());
        }
        if (attentionMask != null && !Arrays.equals(attentionMask.sizes().vec().get(), shape)) {
            throw new IllegalArgumentException("the attention mask has shape "
                    + Arrays.toString(attentionMask.sizes().vec().get()) + ", the input ids " + Arrays.toString(shape));
        }
        try (NoGradGuard guard = new NoGradGuard()) {
            Tensor ids = inputIds.scalar_type().value == torch.ScalarType.Long.value ? inputIds
                    : inputIds.to(torch.ScalarType.Long);
            long lowest = ids.min().item_long();
            long highest = ids.max().item_long();
            if (lowest < 0 || highest >= c.vocabSize()) {
                throw new IllegalArgumentException("input ids range from " + lowest + " to " + highest + "; the text "
                        + "model's vocabulary has ids 0 to " + (c.vocabSize() - 1));
            }
            TextWeights t = w.text();
            long b = shape[0];
            long n = shape[1];
            Tensor x = torch.embedding(t.tokenEmbedding(), ids).add(t.positionEmbedding().narrow(0, 0, n));
            // create_causal_mask: key j is visible to query i when j <= i and the mask keeps j. A query that is
            // itself padding also sees itself, so that no row is empty (its state reaches no token that is used).
            Tensor visible = null;
            if (attentionMask != null) {
                TensorOptions bool = new TensorOptions(torch.ScalarType.Bool);
                Tensor causal = torch.ones(new long[] {n, n}, bool).tril();
                Tensor keys = torch.ne(attentionMask, new Scalar(0)).view(b, 1, 1, n);
                visible = causal.logical_and(keys).logical_or(torch.eye(n, bool));
            }
            Tensor at = eosPositions(ids);
            int last = t.layers().size() - 1;
            for (int i = 0; i < last; i++) {
                x = layer(textFused.get(i), textTower, x, visible, true);
            }
            Tensor row = visible != null
                    ? torch.gather(visible, 2, at.view(b, 1, 1, 1).expand(b, 1, 1, n))
                    : torch.le(torch.arange(new Scalar(n), new TensorOptions(torch.ScalarType.Long)).view(1, 1, 1, n),
                    at.view(b, 1, 1, 1));
            Tensor pooled = lastLayer(textFused.get(last), textTower, x, at, row);
            pooled = Layers.layerNorm(pooled, t.finalNorm(), t.finalNormBias(), c.layerNormEps());
            return Layers.linear(pooled, w.textProjection(), null);
        }
    }

    /**
     * logits_per_image [images, texts] of embeddings from {@link #imageEmbeds} and {@link #textEmbeds}:
     * exp(logit_scale) times the cosine similarity (each embedding divided by its L2 norm). Its transpose is
     * logits_per_text; a softmax over each row gives zero-shot label probabilities.
     */
    public Tensor logitsPerImage(Tensor imageEmbeds, Tensor textEmbeds) {
        try (NoGradGuard guard = new NoGradGuard()) {
            return normalised(imageEmbeds).matmul(normalised(textEmbeds).t()).mul(new Scalar(logitScale));
        }
    }

    /** x / (Σ x²)^0.5 over the last dimension (modeling_clip.py, _get_vector_norm). */
    private static Tensor normalised(Tensor x) {
        return x.div(x.pow(new Scalar(2)).sum(new long[] {-1}, true, new org.bytedeco.pytorch.ScalarTypeOptional())
                .sqrt());
    }

    /** Where each row is pooled (CLIPTextTransformer.forward): [B] int64. */
    private Tensor eosPositions(Tensor ids) {
        ClipConfig.Text c = config.text();
        if (c.legacyEosPooling()) {
            return ids.argmax(new LongOptional(-1), false);
        }
        // the first eos (argmax returns the first of equal maxima; a row without eos pools at 0, as transformers)
        return torch.eq(ids, new Scalar(c.eosTokenId())).to(torch.ScalarType.Int).argmax(new LongOptional(-1), false);
    }

    /** CLIPEncoderLayer: x + attention(layer_norm1(x)), then + mlp(layer_norm2(x)). */
    private static Tensor layer(VitLayer l, Tower tower, Tensor x, Tensor visible, boolean causal) {
        return l.forward(x, tower.heads(), tower.activation(), tower.eps(), visible, causal);
    }

    /**
     * The last layer for one row per sequence, the one that is pooled: keys and values of every position, the
     * query, attention output and MLP of row {@code at} [B] only (the class token when null), under the visibility
     * {@code row} [B, 1, 1, T] of that query (everything when null). Returns that row's state [B, D].
     */
    private static Tensor lastLayer(VitLayer l, Tower tower, Tensor x, Tensor at, Tensor row) {
        long b = x.size(0);
        long d = x.size(2);
        Tensor[] qkv = l.qkv(x, tower.heads(), tower.eps());
        Tensor q;
        Tensor state;
        if (at == null) {
            q = qkv[0].narrow(2, 0, 1);
            state = x.narrow(1, 0, 1);
        } else {
            long heads = qkv[0].size(1);
            long hd = qkv[0].size(3);
            q = torch.gather(qkv[0], 2, at.view(b, 1, 1, 1).expand(b, heads, 1, hd));
            state = torch.gather(x, 1, at.view(b, 1, 1).expand(b, 1, d));
        }
        state = state.add(l.project(attention(q, qkv[1], qkv[2], row, false)));
        state = state.add(l.mlp(state, tower.activation(), tower.eps()));
        return state.view(b, d);
    }

    /** softmax(q kᵀ · head_dim^-0.5, masked) v; {@code visible} is boolean (true: attend), null for none. */
    private static Tensor attention(Tensor q, Tensor k, Tensor v, Tensor visible, boolean causal) {
        double scale = 1.0 / Math.sqrt(q.size(-1));
        return torch.scaled_dot_product_attention(q, k, v,
                visible == null ? new TensorOptional() : new TensorOptional(visible), 0.0, causal,
                new DoubleOptional(scale), false);
    }

    @Override
    public void close() {
        List<Tensor> owned = new ArrayList<>();
        for (List<VitLayer> layers : List.of(textFused, visionFused)) {
            for (VitLayer l : layers) {
                owned.add(l.qkv());
                owned.add(l.qkvBias());
            }
        }
        owned.addAll(pretrained.tensors().values());
        owned.forEach(Tensor::close);
        pretrained.close();
    }
}

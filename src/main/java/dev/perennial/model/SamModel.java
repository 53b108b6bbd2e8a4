package dev.perennial.model;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
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
 * SAM as transformers' SamModel computes it (modeling_sam.py): a ViT image encoder (patch embedding, absolute
 * positions, pre-LN layers attending within windows or, in global_attn_indexes, over the whole grid, each with
 * decomposed relative positions; a neck of two convolutions with channel LayerNorms), a prompt encoder (random
 * Fourier features of points and box corners, learned point kinds, the no-mask embedding) and a mask decoder (a
 * two-way transformer between the prompt tokens and the image, the image upscaled 4x, hypernetwork MLPs that turn
 * the mask tokens into masks, an IoU head). The image embedding is computed once per image ({@link #embed}) and
 * each prompt decodes against it ({@link #decode}). Load and close it outside any PointerScope; call the forward
 * methods inside the caller's scope.
 */
public final class SamModel implements AutoCloseable {

    /** nn.Linear's weight [out, in] and bias (null without one). */
    record Linear(Tensor weight, Tensor bias) {

        static Linear declare(Parameters p, String at, long out, long in) {
            return new Linear(p.required(at + ".weight", out, in), p.required(at + ".bias", out));
        }

        Tensor apply(Tensor x) {
            return Layers.linear(x, weight, bias);
        }
    }

    /** SamVisionLayer: LayerNorm, attention with a fused qkv and relative position tables, LayerNorm, MLP. */
    record VisionLayer(LayerNormWeights norm1, Tensor qkv, Tensor qkvBias, Linear proj, Tensor relPosH,
                       Tensor relPosW, LayerNormWeights norm2, Linear lin1, Linear lin2, int window) {

        static VisionLayer declare(Parameters p, String at, SamConfig.Vision c, int i) {
            long d = c.hidden();
            int window = c.window(i);
            long size = window == 0 ? c.grid() : window;
            return new VisionLayer(LayerNormWeights.declare(p, at + "layer_norm1", d),
                    p.required(at + "attn.qkv.weight", 3 * d, d), p.optional(c.qkvBias(), at + "attn.qkv.bias", 3 * d),
                    Linear.declare(p, at + "attn.proj", d, d), p.required(at + "attn.rel_pos_h", 2 * size - 1,
                    c.headDim()), p.required(at + "attn.rel_pos_w", 2 * size - 1, c.headDim()),
                    LayerNormWeights.declare(p, at + "layer_norm2", d), Linear.declare(p, at + "mlp.lin1", c.mlpDim(), d),
                    Linear.declare(p, at + "mlp.lin2", d, c.mlpDim()), window);
        }
    }

    /** SamVisionEncoder. */
    record Vision(Tensor patch, Tensor patchBias, Tensor positions, List<VisionLayer> layers, Tensor neckConv1,
                  LayerNormWeights neckNorm1, Tensor neckConv2, LayerNormWeights neckNorm2) {

        static Vision declare(Parameters p, SamConfig.Vision c) {
            String at = "vision_encoder.";
            long d = c.hidden();
            long o = c.outputChannels();
            return new Vision(p.required(at + "patch_embed.projection.weight", d, c.channels(), c.patchSize(),
                    c.patchSize()), p.required(at + "patch_embed.projection.bias", d),
                    p.required(at + "pos_embed", 1, c.grid(), c.grid(), d),
                    Parameters.layers(c.layers(), i -> VisionLayer.declare(p, at + "layers." + i + ".", c, i)),
                    p.required(at + "neck.conv1.weight", o, d, 1, 1), LayerNormWeights.declare(p, at + "neck.layer_norm1", o),
                    p.required(at + "neck.conv2.weight", o, o, 3, 3), LayerNormWeights.declare(p, at + "neck.layer_norm2", o));
        }
    }

    /**
     * SamPromptEncoder: the mask embedding's convolutions (SamMaskEmbedding, for mask prompts), no_mask_embed,
     * point_embed 0-3 (negative point, positive point, box top-left, box bottom-right) and not_a_point_embed.
     */
    record Prompt(Tensor maskConv1, Tensor maskConv1Bias, Tensor maskConv2, Tensor maskConv2Bias, Tensor maskConv3,
                  Tensor maskConv3Bias, LayerNormWeights maskNorm1, LayerNormWeights maskNorm2, Tensor noMask,
                  List<Tensor> pointKinds, Tensor notAPoint) {

        static Prompt declare(Parameters p, SamConfig.Prompt c) {
            String at = "prompt_encoder.";
            long h = c.hidden();
            long mc = c.maskInputChannels();
            return new Prompt(p.required(at + "mask_embed.conv1.weight", mc / 4, 1, 2, 2),
                    p.required(at + "mask_embed.conv1.bias", mc / 4), p.required(at + "mask_embed.conv2.weight", mc,
                    mc / 4, 2, 2), p.required(at + "mask_embed.conv2.bias", mc),
                    p.required(at + "mask_embed.conv3.weight", h, mc, 1, 1), p.required(at + "mask_embed.conv3.bias", h),
                    LayerNormWeights.declare(p, at + "mask_embed.layer_norm1", mc / 4),
                    LayerNormWeights.declare(p, at + "mask_embed.layer_norm2", mc),
                    p.required(at + "no_mask_embed.weight", 1, h),
                    pointKinds(p, at, c.pointEmbeddings(), h), p.required(at + "not_a_point_embed.weight", 1, h));
        }

        /** point_embed.0-3 (a list that may hold nulls while only the shapes are declared). */
        private static List<Tensor> pointKinds(Parameters p, String at, int count, long h) {
            List<Tensor> kinds = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                kinds.add(p.required(at + "point_embed." + i + ".weight", 1, h));
            }
            return java.util.Collections.unmodifiableList(kinds);
        }
    }

    /** SamAttention: q, k, v project to hidden / downsample_rate, out_proj back. */
    record Attention(Linear q, Linear k, Linear v, Linear out) {

        static Attention declare(Parameters p, String at, long hidden, long inner) {
            return new Attention(Linear.declare(p, at + ".q_proj", inner, hidden),
                    Linear.declare(p, at + ".k_proj", inner, hidden), Linear.declare(p, at + ".v_proj", inner, hidden),
                    Linear.declare(p, at + ".out_proj", hidden, inner));
        }
    }

    /** SamTwoWayAttentionBlock. */
    record TwoWayLayer(Attention self, LayerNormWeights norm1, Attention tokenToImage, LayerNormWeights norm2,
                       Linear lin1, Linear lin2, LayerNormWeights norm3, LayerNormWeights norm4,
                       Attention imageToToken) {

        static TwoWayLayer declare(Parameters p, String at, SamConfig.Decoder c) {
            long h = c.hidden();
            long inner = h / c.downsampleRate();
            return new TwoWayLayer(Attention.declare(p, at + "self_attn", h, h),
                    LayerNormWeights.declare(p, at + "layer_norm1", h),
                    Attention.declare(p, at + "cross_attn_token_to_image", h, inner),
                    LayerNormWeights.declare(p, at + "layer_norm2", h), Linear.declare(p, at + "mlp.lin1", c.mlpDim(), h),
                    Linear.declare(p, at + "mlp.lin2", h, c.mlpDim()), LayerNormWeights.declare(p, at + "layer_norm3", h),
                    LayerNormWeights.declare(p, at + "layer_norm4", h),
                    Attention.declare(p, at + "cross_attn_image_to_token", h, inner));
        }
    }

    /** SamFeedForward: proj_in, the hidden layers, proj_out, ReLU between. */
    record FeedForward(Linear in, List<Linear> hidden, Linear out) {

        static FeedForward declare(Parameters p, String at, long input, long width, long output, int depth) {
            Linear in = Linear.declare(p, at + "proj_in", width, input);
            Linear out = Linear.declare(p, at + "proj_out", output, width);
            return new FeedForward(in, Parameters.layers(depth - 2,
                    i -> Linear.declare(p, at + "layers." + i, width, width)), out);
        }

        Tensor apply(Tensor x) {
            x = torch.relu(in.apply(x));
            for (Linear l : hidden) {
                x = torch.relu(l.apply(x));
            }
            return out.apply(x);
        }
    }

    /** SamMaskDecoder. */
    record Decoder(Tensor iouToken, Tensor maskTokens, List<TwoWayLayer> layers, Attention finalAttention,
                   LayerNormWeights finalNorm, Tensor upscale1, Tensor upscale1Bias, Tensor upscale2,
                   Tensor upscale2Bias, LayerNormWeights upscaleNorm, List<FeedForward> hypernetworks,
                   FeedForward iouHead) {

        static Decoder declare(Parameters p, SamConfig.Decoder c) {
            String at = "mask_decoder.";
            long h = c.hidden();
            int tokens = c.maskTokens();
            return new Decoder(p.required(at + "iou_token.weight", 1, h), p.required(at + "mask_tokens.weight", tokens, h),
                    Parameters.layers(c.layers(), i -> TwoWayLayer.declare(p, at + "transformer.layers." + i + ".", c)),
                    Attention.declare(p, at + "transformer.final_attn_token_to_image", h, h / c.downsampleRate()),
                    LayerNormWeights.declare(p, at + "transformer.layer_norm_final_attn", h),
                    p.required(at + "upscale_conv1.weight", h, h / 4, 2, 2), p.required(at + "upscale_conv1.bias", h / 4),
                    p.required(at + "upscale_conv2.weight", h / 4, h / 8, 2, 2),
                    p.required(at + "upscale_conv2.bias", h / 8), LayerNormWeights.declare(p, at + "upscale_layer_norm", h / 4),
                    Parameters.layers(tokens, i -> FeedForward.declare(p, at + "output_hypernetworks_mlps." + i + ".", h,
                            h, h / 8, 3)),
                    FeedForward.declare(p, at + "iou_prediction_head.", h, c.iouHeadHidden(), tokens, c.iouHeadDepth()));
        }
    }

    /** SamModel, in checkpoint order. */
    record Weights(Tensor fourier, Vision vision, Prompt prompt, Decoder decoder) {

        static Weights declare(Parameters p, SamConfig c) {
            return new Weights(p.required("shared_image_embedding.positional_embedding", 2, c.vision().posFeats()),
                    Vision.declare(p, c.vision()), Prompt.declare(p, c.prompt()), Decoder.declare(p, c.decoder()));
        }
    }

    /**
     * What SamModel returns for one image's prompts: pred_masks [1, P, M, 4g, 4g] (low-resolution mask logits, M
     * = 3 with multimask output, else 1) and iou_scores [1, P, M].
     */
    public record Output(Tensor masks, Tensor iouScores) {
    }

    /** The tied copy of the positional matrix that SamModel checkpoints may also hold (_tied_weights_keys). */
    private static boolean ignorable(String name) {
        return name.equals("prompt_encoder.shared_embedding.positional_embedding");
    }

    /** SamTwoWayTransformer's final LayerNorm is nn.LayerNorm(hidden_size): torch's default eps. */
    private static final double FINAL_NORM_EPS = 1e-5;

    private final SamConfig config;
    private final torch.ScalarType dtype;
    private final PretrainedWeights pretrained;
    private final Weights w;
    /** Per vision layer: rel_pos_h and rel_pos_w gathered at (q - k + size - 1), [size, size, head_dim] each. */
    private final List<Tensor[]> relativeTables;
    /** get_image_wide_positional_embeddings: [1, C, g, g]. */
    private final Tensor imagePositions;

    private SamModel(SamConfig config, torch.ScalarType dtype, PretrainedWeights pretrained, Weights w) {
        this.config = config;
        this.dtype = dtype;
        this.pretrained = pretrained;
        this.w = w;
        List<Tensor[]> tables = new ArrayList<>();
        try (PointerScope scope = new PointerScope(); NoGradGuard guard = new NoGradGuard()) {
            for (VisionLayer l : w.vision().layers()) {
                long size = l.window() == 0 ? config.vision().grid() : l.window();
                Tensor index = relativeIndex(size);
                tables.add(new Tensor[] {kept(l.relPosH().index_select(0, index).view(size, size, -1)),
                        kept(l.relPosW().index_select(0, index).view(size, size, -1))});
            }
            this.imagePositions = kept(imageWidePositions());
        }
        this.relativeTables = List.copyOf(tables);
    }

    /** A tensor made at load that outlives the load's scope; {@link #close} frees it. */
    private static Tensor kept(Tensor t) {
        t.retainReference();
        return t;
    }

    /** Loads a SamModel folder (config.json, model.safetensors) as {@code dtype}. */
    public static SamModel load(Path dir, torch.ScalarType dtype) {
        Path configFile = PretrainedWeights.configFile(dir, "SAM");
        SamConfig config = SamConfig.read(configFile);
        PretrainedWeights pretrained = PretrainedWeights.load(dir, shapes(config), name -> name, SamModel::ignorable,
                dtype, SamConfig.MODEL_TYPE);
        return pretrained.bind((pw, p) -> new SamModel(config, dtype, pw, Weights.declare(p, config)));
    }

    /** The names and shapes a checkpoint for {@code config} holds, in checkpoint order. */
    static Map<String, long[]> shapes(SamConfig config) {
        return Parameters.declared(p -> Weights.declare(p, config));
    }

    public SamConfig config() {
        return config;
    }

    public torch.ScalarType dtype() {
        return dtype;
    }

    /** get_rel_pos's index q - k + (size - 1) for equal query and key sizes, flattened [size * size]. */
    private static Tensor relativeIndex(long size) {
        long[] idx = new long[(int) (size * size)];
        for (int q = 0; q < size; q++) {
            for (int k = 0; k < size; k++) {
                idx[(int) (q * size + k)] = q - k + size - 1;
            }
        }
        return dev.perennial.tensor.Tensors.fromLongs(idx, idx.length);
    }

    // ---------------------------------------------------------------------------------------------------------
    // the image encoder

    /**
     * The image embeddings [1, output_channels, g, g] of pixel values [1, 3, image_size, image_size] as
     * SamImageProcessor gives them (SamModel.get_image_embeddings).
     */
    public Tensor embed(Tensor pixelValues) {
        SamConfig.Vision c = config.vision();
        long[] shape = pixelValues.sizes().vec().get();
        if (!Arrays.equals(shape, new long[] {shape[0], c.channels(), c.imageSize(), c.imageSize()})) {
            throw new IllegalArgumentException("pixel values have shape " + Arrays.toString(shape) + "; the model "
                    + "takes [batch, " + c.channels() + ", " + c.imageSize() + ", " + c.imageSize() + "]");
        }
        try (NoGradGuard guard = new NoGradGuard()) {
            Tensor pixels = pixelValues.scalar_type().value == dtype.value ? pixelValues : pixelValues.to(dtype);
            Vision v = w.vision();
            Tensor x = torch.conv2d(pixels, v.patch(), new TensorOptional(v.patchBias()),
                    new long[] {c.patchSize(), c.patchSize()}, new long[] {0, 0}, new long[] {1, 1}, 1)
                    .permute(0, 2, 3, 1).add(v.positions());
            for (int i = 0; i < v.layers().size(); i++) {
                x = layer(x, v.layers().get(i), relativeTables.get(i));
            }
            x = x.permute(0, 3, 1, 2);
            x = channelNorm(conv(x, v.neckConv1(), 0), v.neckNorm1(), c.layerNormEps());
            return channelNorm(conv(x, v.neckConv2(), 1), v.neckNorm2(), c.layerNormEps());
        }
    }

    /** SamVisionLayer.forward over x [B, g, g, D]. */
    private Tensor layer(Tensor x, VisionLayer l, Tensor[] tables) {
        return Layers.scoped(() -> {
            double eps = config.vision().layerNormEps();
            Tensor h = l.norm1().apply(x, eps);
            h = l.window() > 0 ? windowed(h, l, tables) : attention(h, l, tables);
            Tensor residual = x.add(h);
            return residual.add(l.lin2().apply(torch.gelu(l.lin1().apply(l.norm2().apply(residual, eps)))));
        });
    }

    /**
     * Attention within windows (window_partition, window_unpartition): the grid padded with zeros at the bottom and
     * right to whole windows, the padding attended like any token, then cropped.
     */
    private Tensor windowed(Tensor h, VisionLayer l, Tensor[] tables) {
        int s = l.window();
        long b = h.size(0);
        long gh = h.size(1);
        long gw = h.size(2);
        long d = h.size(3);
        long ph = (s - gh % s) % s;
        long pw = (s - gw % s) % s;
        Tensor padded = ph == 0 && pw == 0 ? h
                : torch.constant_pad_nd(h, new long[] {0, 0, 0, pw, 0, ph}, new Scalar(0.0));
        long hp = gh + ph;
        long wp = gw + pw;
        Tensor windows = padded.view(b, hp / s, s, wp / s, s, d).permute(0, 1, 3, 2, 4, 5).reshape(-1, s, s, d);
        Tensor out = attention(windows, l, tables).view(b, hp / s, wp / s, s, s, d).permute(0, 1, 3, 2, 4, 5)
                .reshape(b, hp, wp, d);
        return ph > 0 || pw > 0 ? out.narrow(1, 0, gh).narrow(2, 0, gw) : out;
    }

    /** The attention bias a group of heads may build at once: 64 MB of float32. */
    private static final long BIAS_ELEMENTS = 16L << 20;

    /**
     * SamVisionAttention over x [N, h, w, D]: softmax(q kᵀ · head_dim^-0.5 + rel_h + rel_w) v, where rel_h and
     * rel_w are the unscaled queries against the gathered relative position tables (add_decomposed_rel_pos). The
     * heads go in groups whose bias fits {@link #BIAS_ELEMENTS}.
     */
    private Tensor attention(Tensor x, VisionLayer l, Tensor[] tables) {
        long n = x.size(0);
        long h = x.size(1);
        long wd = x.size(2);
        long d = x.size(3);
        int heads = config.vision().heads();
        long hd = d / heads;
        long tokens = h * wd;
        Tensor qkv = Layers.linear(x, l.qkv(), l.qkvBias()).view(n, tokens, 3, heads, hd).permute(2, 0, 3, 1, 4);
        long group = Math.max(1, Math.min(heads, BIAS_ELEMENTS / (n * tokens * tokens)));
        List<Tensor> parts = new ArrayList<>();
        for (long from = 0; from < heads; from += group) {
            long count = Math.min(group, heads - from);
            Tensor q = qkv.select(0, 0).narrow(1, from, count);
            Tensor k = qkv.select(0, 1).narrow(1, from, count);
            Tensor v = qkv.select(0, 2).narrow(1, from, count);
            parts.add(Layers.scoped(() -> attendWithPositions(q, k, v, tables, h, wd)));
        }
        Tensor out = parts.size() == 1 ? parts.getFirst() : torch.cat(new TensorVector(parts.toArray(new Tensor[0])), 1);
        out = out.reshape(n, heads, h, wd, hd).permute(0, 2, 3, 1, 4).reshape(n, h, wd, d);
        return l.proj().apply(out);
    }

    /** SDPA of q, k, v [N, heads, h·w, hd] with the decomposed relative positions of q as its bias. */
    private static Tensor attendWithPositions(Tensor q, Tensor k, Tensor v, Tensor[] tables, long h, long wd) {
        long n = q.size(0);
        long heads = q.size(1);
        long hd = q.size(3);
        long nh = n * heads;
        Tensor rq = q.reshape(nh, h, wd, hd);
        // einsum("bhwc,hkc->bhwk") as one matmul per row of the grid, and "bhwc,wkc->bhwk" per column
        Tensor relH = rq.permute(1, 0, 2, 3).reshape(h, nh * wd, hd).bmm(tables[0].transpose(1, 2))
                .view(h, nh, wd, h).permute(1, 0, 2, 3);
        Tensor relW = rq.permute(2, 0, 1, 3).reshape(wd, nh * h, hd).bmm(tables[1].transpose(1, 2))
                .view(wd, nh, h, wd).permute(1, 2, 0, 3);
        Tensor bias = relH.unsqueeze(4).add(relW.unsqueeze(3)).reshape(n, heads, h * wd, h * wd);
        return torch.scaled_dot_product_attention(q, k, v, new TensorOptional(bias), 0.0, false,
                new DoubleOptional(1.0 / Math.sqrt(hd)), false);
    }

    private static Tensor conv(Tensor x, Tensor weight, int padding) {
        return torch.conv2d(x, weight, new TensorOptional(), new long[] {1, 1}, new long[] {padding, padding},
                new long[] {1, 1}, 1);
    }

    /** SamLayerNorm(data_format="channels_first") over [B, C, H, W]: the statistics over C. */
    private static Tensor channelNorm(Tensor x, LayerNormWeights n, double eps) {
        return n.apply(x.permute(0, 2, 3, 1), eps).permute(0, 3, 1, 2);
    }

    // ---------------------------------------------------------------------------------------------------------
    // the prompt encoder

    /** SamPositionalEmbedding of coordinates in [0, 1] ([..., 2], float64): [..., C] in the model's dtype. */
    private Tensor fourier(Tensor coords) {
        Tensor c = coords.mul(new Scalar(2.0)).sub(new Scalar(1.0))
                .matmul(w.fourier().to(torch.ScalarType.Double)).mul(new Scalar(2 * Math.PI));
        return torch.cat(new TensorVector(c.sin(), c.cos()), -1).to(dtype);
    }

    /** get_image_wide_positional_embeddings: the grid's cell centres (i + 0.5) / g encoded, [1, C, g, g]. */
    private Tensor imageWidePositions() {
        int g = config.prompt().embeddingSize();
        double[] xy = new double[g * g * 2];
        for (int y = 0; y < g; y++) {
            for (int x = 0; x < g; x++) {
                xy[(y * g + x) * 2] = (x + 0.5) / g;
                xy[(y * g + x) * 2 + 1] = (y + 0.5) / g;
            }
        }
        Tensor coords = dev.perennial.tensor.Tensors.fromDoubles(xy, torch.ScalarType.Double, g, g, 2);
        return fourier(coords).permute(2, 0, 1).unsqueeze(0).contiguous();
    }

    /**
     * SamPromptEncoder._embed_points: points [P, N, 2] (x, y in the resized frame, float64) and labels [P, N]
     * (int64: 1 positive, 0 negative, -1 not a point, -10 padding); with {@code pad} a not-a-point is appended, as
     * when no box comes with the points. [P, N (+1), C].
     */
    private Tensor embedPoints(Tensor points, Tensor labels, boolean pad) {
        Tensor shifted = points.add(new Scalar(0.5));
        if (pad) {
            long p = points.size(0);
            shifted = torch.cat(new TensorVector(shifted, torch.zeros(new long[] {p, 1, 2},
                    new org.bytedeco.pytorch.TensorOptions(torch.ScalarType.Double))), 1);
            labels = torch.cat(new TensorVector(labels, torch.full(new long[] {p, 1}, new Scalar(-1L),
                    new org.bytedeco.pytorch.TensorOptions(torch.ScalarType.Long))), 1);
        }
        Tensor e = fourier(shifted.div(new Scalar((double) config.prompt().imageSize())));
        Tensor l = labels.unsqueeze(-1);
        e = torch.where(l.eq(new Scalar(-1L)), w.prompt().notAPoint(), e);
        e = torch.where(l.eq(new Scalar(-10L)), torch.zeros_like(e), e);
        e = torch.where(l.eq(new Scalar(0L)), e.add(w.prompt().pointKinds().get(0)), e);
        return torch.where(l.eq(new Scalar(1L)), e.add(w.prompt().pointKinds().get(1)), e);
    }

    /** SamPromptEncoder._embed_boxes: boxes [P, 4] (x0, y0, x1, y1 in the resized frame, float64) to [P, 2, C]. */
    private Tensor embedBoxes(Tensor boxes) {
        Tensor corners = boxes.add(new Scalar(0.5)).view(-1, 2, 2).div(new Scalar((double) config.prompt().imageSize()));
        Tensor e = fourier(corners);
        Tensor kinds = torch.cat(new TensorVector(w.prompt().pointKinds().get(2), w.prompt().pointKinds().get(3)), 0);
        return e.add(kinds);
    }

    // ---------------------------------------------------------------------------------------------------------
    // the mask decoder

    /** The side of the low-resolution masks the decoder predicts and a mask prompt has: 4 x the embedding grid. */
    public int maskSize() {
        return 4 * config.prompt().embeddingSize();
    }

    /**
     * Masks and IoU scores for P prompts against one image's embeddings [1, C, g, g]: {@code points} [P, N, 2] and
     * {@code labels} [P, N] or both null, {@code boxes} [P, 4] or null (coordinates in the resized frame, as
     * SamProcessor's _normalize_coordinates moves them); at least one of the two. {@code maskInput}: transformers'
     * input_masks, low-resolution mask logits [1, 1, 4g, 4g] (a previous pred_masks) shared by the P prompts, or
     * null for no_mask_embed. {@code multimask}: the three masks of outputs 1-3, else the single mask of output 0
     * (SamMaskDecoder's mask_slice).
     */
    public Output decode(Tensor embeddings, Tensor points, Tensor labels, Tensor boxes, Tensor maskInput,
                         boolean multimask) {
        if (points == null && boxes == null) {
            throw new IllegalArgumentException("a prompt has points or a box");
        }
        if (maskInput != null && !Arrays.equals(maskInput.sizes().vec().get(), new long[] {1, 1, maskSize(), maskSize()})) {
            throw new IllegalArgumentException("the mask input has shape " + Arrays.toString(maskInput.sizes().vec().get())
                    + "; SAM takes low-resolution mask logits [1, 1, " + maskSize() + ", " + maskSize() + "]");
        }
        try (NoGradGuard guard = new NoGradGuard()) {
            Tensor sparse = null;
            if (points != null) {
                sparse = embedPoints(points.to(torch.ScalarType.Double), labels.to(torch.ScalarType.Long), boxes == null);
            }
            if (boxes != null) {
                Tensor box = embedBoxes(boxes.to(torch.ScalarType.Double));
                sparse = sparse == null ? box : torch.cat(new TensorVector(sparse, box), 1);
            }
            Tensor dense = maskInput == null ? w.prompt().noMask().view(1, -1, 1, 1) : maskEmbedding(maskInput.to(dtype));
            return maskDecoder(embeddings.scalar_type().value == dtype.value ? embeddings : embeddings.to(dtype),
                    sparse, dense, multimask);
        }
    }

    /**
     * SamMaskEmbedding.forward: mask logits [1, 1, 4g, 4g] to dense embeddings [1, C, g, g] through conv1 (2x2,
     * stride 2), SamLayerNorm, GELU, conv2 (2x2, stride 2), SamLayerNorm, GELU and conv3 (1x1).
     */
    Tensor maskEmbedding(Tensor masks) {
        Prompt p = w.prompt();
        double eps = config.prompt().layerNormEps();
        long[] two = {2, 2};
        Tensor x = torch.conv2d(masks, p.maskConv1(), new TensorOptional(p.maskConv1Bias()), two, new long[] {0, 0},
                new long[] {1, 1}, 1);
        x = torch.gelu(channelNorm(x, p.maskNorm1(), eps));
        x = torch.conv2d(x, p.maskConv2(), new TensorOptional(p.maskConv2Bias()), two, new long[] {0, 0},
                new long[] {1, 1}, 1);
        x = torch.gelu(channelNorm(x, p.maskNorm2(), eps));
        return torch.conv2d(x, p.maskConv3(), new TensorOptional(p.maskConv3Bias()), new long[] {1, 1},
                new long[] {0, 0}, new long[] {1, 1}, 1);
    }

    /**
     * SamMaskDecoder.forward for one image and P prompts: {@code dense} (no_mask_embed [1, C, 1, 1] or a mask's
     * embedding [1, C, g, g]) is added to the image embeddings once, before they are repeated over the prompts.
     */
    private Output maskDecoder(Tensor embeddings, Tensor sparse, Tensor dense, boolean multimask) {
        SamConfig.Decoder c = config.decoder();
        Decoder d = w.decoder();
        long p = sparse.size(0);
        long ch = embeddings.size(1);
        long gh = embeddings.size(2);
        long gw = embeddings.size(3);
        Tensor outputTokens = torch.cat(new TensorVector(d.iouToken(), d.maskTokens()), 0);
        Tensor tokens = torch.cat(new TensorVector(outputTokens.unsqueeze(0).expand(p, -1, -1), sparse), 1);
        Tensor image = embeddings.add(dense);
        Tensor keys = image.flatten(2, 3).transpose(1, 2).expand(p, -1, -1);
        Tensor keyPositions = imagePositions.flatten(2, 3).transpose(1, 2);
        Tensor queries = tokens;
        double eps = c.layerNormEps();
        // each step in its own scope: with many prompts the keys are [P, g², C] and a step's temporaries several times
        // that (64 clicks of automatic generation: 268 MB each)
        for (int i = 0; i < d.layers().size(); i++) {
            TwoWayLayer l = d.layers().get(i);
            boolean first = i == 0;
            Tensor before = queries;
            Tensor seen = keys;
            Tensor q = Layers.scoped(() -> tokenSide(l, first, before, tokens, seen, keyPositions, eps));
            keys = Layers.scoped(() -> l.norm4().apply(seen.add(attend(l.imageToToken(), seen.add(keyPositions),
                    q.add(tokens), q)), eps));
            queries = q;
        }
        Tensor last = queries;
        Tensor seen = keys;
        queries = Layers.scoped(() -> d.finalNorm().apply(last.add(attend(d.finalAttention(), last.add(tokens),
                seen.add(keyPositions), seen)), FINAL_NORM_EPS));
        Tensor iouOut = queries.select(1, 0);
        Tensor upscaled = Layers.scoped(() -> upscale(seen.transpose(1, 2).reshape(p, ch, gh, gw)));
        int n = c.maskTokens();
        List<Tensor> hyper = new ArrayList<>();
        for (int t = 0; t < n; t++) {
            hyper.add(d.hypernetworks().get(t).apply(queries.select(1, 1 + t)));
        }
        long uc = upscaled.size(1);
        long uh = upscaled.size(2);
        long uw = upscaled.size(3);
        Tensor masks = torch.stack(new TensorVector(hyper.toArray(new Tensor[0])), 1)
                .matmul(upscaled.view(p, uc, uh * uw)).view(1, p, n, uh, uw);
        Tensor iou = d.iouHead().apply(iouOut).view(1, p, n);
        long from = multimask ? 1 : 0;
        long count = multimask ? n - 1 : 1;
        return new Output(masks.narrow(2, from, count), iou.narrow(2, from, count));
    }

    /**
     * SamTwoWayAttentionBlock's token side: self-attention (without the positions' residual in the first layer,
     * skip_first_layer_pe), the tokens' attention to the image, the MLP, each followed by its LayerNorm.
     */
    private Tensor tokenSide(TwoWayLayer l, boolean first, Tensor queries, Tensor tokens, Tensor keys,
                             Tensor keyPositions, double eps) {
        if (first) {
            queries = attend(l.self(), queries, queries, queries);
        } else {
            Tensor q = queries.add(tokens);
            queries = queries.add(attend(l.self(), q, q, queries));
        }
        queries = l.norm1().apply(queries, eps);
        queries = l.norm2().apply(queries.add(attend(l.tokenToImage(), queries.add(tokens), keys.add(keyPositions),
                keys)), eps);
        return l.norm3().apply(queries.add(l.lin2().apply(torch.relu(l.lin1().apply(queries)))), eps);
    }

    /** upscale_conv1, SamLayerNorm, GELU, upscale_conv2, GELU: [P, C, g, g] to [P, C / 8, 4g, 4g]. */
    private Tensor upscale(Tensor x) {
        Decoder d = w.decoder();
        x = torch.conv_transpose2d(x, d.upscale1(), new TensorOptional(d.upscale1Bias()), new long[] {2, 2},
                new long[] {0, 0}, new long[] {0, 0}, 1, 1, 1);
        x = torch.gelu(channelNorm(x, d.upscaleNorm(), config.decoder().layerNormEps()));
        return torch.gelu(torch.conv_transpose2d(x, d.upscale2(), new TensorOptional(d.upscale2Bias()),
                new long[] {2, 2}, new long[] {0, 0}, new long[] {0, 0}, 1, 1, 1));
    }

    /** SamAttention: softmax(q kᵀ / √head_dim) v over [P, T, hidden] queries and [P, S, hidden] keys and values. */
    private Tensor attend(Attention a, Tensor queries, Tensor keys, Tensor values) {
        int heads = config.decoder().heads();
        Tensor q = Layers.heads(a.q().apply(queries), 1, heads)[0];
        Tensor k = Layers.heads(a.k().apply(keys), 1, heads)[0];
        Tensor v = Layers.heads(a.v().apply(values), 1, heads)[0];
        Tensor out = torch.scaled_dot_product_attention(q, k, v, new TensorOptional(), 0.0, false,
                new DoubleOptional(1.0 / Math.sqrt(q.size(-1))), false);
        return a.out().apply(Layers.merge(out));
    }

    @Override
    public void close() {
        relativeTables.forEach(t -> {
            t[0].close();
            t[1].close();
        });
        imagePositions.close();
        pretrained.tensors().values().forEach(Tensor::close);
        pretrained.close();
    }
}

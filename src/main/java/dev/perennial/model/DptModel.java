package dev.perennial.model;

import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * DPT-Hybrid depth estimation as transformers' DPTForDepthEstimation computes it with {@code is_hybrid} (modeling_dpt.py
 * over modeling_bit.py), Intel/dpt-hybrid-midas's architecture: a BiT backbone (weight-standardized convolutions,
 * group norm, TensorFlow "SAME" padding) whose stride-16 map becomes ViT tokens (1x1 projection, class token,
 * positions resized to the token grid), a pre-LN ViT, the reassemble stage (BiT's stage1 and stage2 maps as they are,
 * two ViT layers read out by projection and resized), the fusion blocks and the depth head. Load and close it outside
 * any PointerScope; call {@link #forward} inside the caller's scope.
 */
public final class DptModel implements AutoCloseable {

    private static final String BIT = "dpt.embeddings.backbone.bit.";
    /** WeightStandardizedConv2d's eps as every BiT layer passes it (modeling_bit.py). */
    private static final double WS_EPS = 1e-8;
    /** BitGroupNormActivation's eps. */
    private static final double GROUP_NORM_EPS = 1e-5;

    /** BitBottleneckLayer; {@code downsample} and its norm only on a stage's first layer. */
    record BitLayer(Tensor conv1, LayerNormWeights norm1, Tensor conv2, LayerNormWeights norm2, Tensor conv3,
                    LayerNormWeights norm3, Tensor downsample, LayerNormWeights downsampleNorm, int stride) {

        static BitLayer declare(Parameters p, String at, long in, long out, long mid, int stride, boolean first) {
            Tensor down = p.optional(first, at + "downsample.conv.weight", out, in, 1, 1);
            LayerNormWeights downNorm = first ? LayerNormWeights.declare(p, at + "downsample.norm", out) : null;
            return new BitLayer(p.required(at + "conv1.weight", mid, in, 1, 1), LayerNormWeights.declare(p, at + "norm1", mid),
                    p.required(at + "conv2.weight", mid, mid, 3, 3), LayerNormWeights.declare(p, at + "norm2", mid),
                    p.required(at + "conv3.weight", out, mid, 1, 1), LayerNormWeights.declare(p, at + "norm3", out),
                    down, downNorm, stride);
        }
    }

    /** BitBackbone: the stem (BitEmbeddings) and the layers of its three stages, with where each stage ends. */
    record Bit(Tensor stem, LayerNormWeights stemNorm, List<BitLayer> layers, List<Integer> stageEnds) {

        static Bit declare(Parameters p, DptConfig c) {
            DptConfig.Bit b = c.bit();
            Tensor stem = p.required(BIT + "embedder.convolution.weight", b.embeddingSize(), c.numChannels(), 7, 7);
            LayerNormWeights stemNorm = LayerNormWeights.declare(p, BIT + "embedder.norm", b.embeddingSize());
            List<BitLayer> layers = new ArrayList<>();
            List<Integer> ends = new ArrayList<>();
            for (int s = 0; s < 3; s++) {
                for (int j = 0; j < b.depths().get(s); j++) {
                    layers.add(BitLayer.declare(p, BIT + "encoder.stages." + s + ".layers." + j + ".",
                            j == 0 ? b.in(s) : b.channels().get(s), b.channels().get(s), b.mid(s),
                            j == 0 ? b.stride(s) : 1, j == 0));
                }
                ends.add(layers.size());
            }
            return new Bit(stem, stemNorm, List.copyOf(layers), List.copyOf(ends));
        }
    }

    /** DPTViTLayer: pre-LN self-attention (query, key, value, output.dense) and the MLP. */
    record VitLayer(Tensor query, Tensor queryBias, Tensor key, Tensor keyBias, Tensor value, Tensor valueBias,
                    Tensor out, Tensor outBias, Tensor intermediate, Tensor intermediateBias, Tensor output,
                    Tensor outputBias, LayerNormWeights before, LayerNormWeights after) {

        static VitLayer declare(Parameters p, String at, DptConfig c) {
            long h = c.hiddenSize();
            long inter = c.intermediateSize();
            String attn = at + "attention.attention.";
            return new VitLayer(p.required(attn + "query.weight", h, h), p.optional(c.qkvBias(), attn + "query.bias", h),
                    p.required(attn + "key.weight", h, h), p.optional(c.qkvBias(), attn + "key.bias", h),
                    p.required(attn + "value.weight", h, h), p.optional(c.qkvBias(), attn + "value.bias", h),
                    p.required(at + "attention.output.dense.weight", h, h),
                    p.required(at + "attention.output.dense.bias", h),
                    p.required(at + "intermediate.dense.weight", inter, h), p.required(at + "intermediate.dense.bias", inter),
                    p.required(at + "output.dense.weight", h, inter), p.required(at + "output.dense.bias", h),
                    LayerNormWeights.declare(p, at + "layernorm_before", h),
                    LayerNormWeights.declare(p, at + "layernorm_after", h));
        }
    }

    /**
     * A reassembled ViT map (DPTReassembleStage for a stage not in neck_ignore_stages): the readout projection over
     * [token, cls], the 1x1 projection and the resize (a transposed conv, a strided 3x3 conv, or none).
     */
    record Reassemble(Tensor readout, Tensor readoutBias, Tensor projection, Tensor projectionBias, Tensor resize,
                      Tensor resizeBias, double factor) {

        static Reassemble declare(Parameters p, int i, DptConfig c) {
            long h = c.hiddenSize();
            long ch = c.neckHiddenSizes().get(i);
            double factor = c.reassembleFactors().get(i);
            String at = "neck.reassemble_stage.";
            Tensor readout = p.required(at + "readout_projects." + i + ".0.weight", h, 2 * h);
            Tensor readoutBias = p.required(at + "readout_projects." + i + ".0.bias", h);
            String layer = at + "layers." + i + ".";
            Tensor proj = p.required(layer + "projection.weight", ch, h, 1, 1);
            Tensor projBias = p.required(layer + "projection.bias", ch);
            long k = factor > 1 ? (long) factor : 3;
            Tensor resize = p.optional(factor != 1, layer + "resize.weight", ch, ch, k, k);
            Tensor resizeBias = p.optional(factor != 1, layer + "resize.bias", ch);
            return new Reassemble(readout, readoutBias, proj, projBias, resize, resizeBias, factor);
        }
    }

    /** DPTPreActResidualLayer without batch norm: relu, 3x3 conv, relu, 3x3 conv, plus its input. */
    record ResidualUnit(Tensor conv1, Tensor bias1, Tensor conv2, Tensor bias2) {

        static ResidualUnit declare(Parameters p, String at, long f, boolean bias) {
            return new ResidualUnit(p.required(at + "convolution1.weight", f, f, 3, 3),
                    p.optional(bias, at + "convolution1.bias", f), p.required(at + "convolution2.weight", f, f, 3, 3),
                    p.optional(bias, at + "convolution2.bias", f));
        }
    }

    /** DPTFeatureFusionLayer. */
    record Fusion(Tensor projection, Tensor projectionBias, ResidualUnit residual1, ResidualUnit residual2) {

        static Fusion declare(Parameters p, String at, DptConfig c) {
            long f = c.fusionHiddenSize();
            return new Fusion(p.required(at + "projection.weight", f, f, 1, 1), p.required(at + "projection.bias", f),
                    ResidualUnit.declare(p, at + "residual_layer1.", f, c.fusionBias()),
                    ResidualUnit.declare(p, at + "residual_layer2.", f, c.fusionBias()));
        }
    }

    /** DPTForDepthEstimation with the hybrid DPTModel, in checkpoint order. */
    record Weights(Bit bit, Tensor clsToken, Tensor positions, Tensor projection, Tensor projectionBias,
                   List<VitLayer> layers, LayerNormWeights layernorm, List<Reassemble> reassemble, List<Tensor> neckConvs,
                   List<Fusion> fusion, List<Tensor> head, List<Tensor> headBias) {

        static Weights declare(Parameters p, DptConfig c) {
            long h = c.hiddenSize();
            Bit bit = Bit.declare(p, c);
            Tensor cls = p.required("dpt.embeddings.cls_token", 1, 1, h);
            Tensor pos = p.required("dpt.embeddings.position_embeddings", 1, (long) c.grid() * c.grid() + 1, h);
            Tensor proj = p.required("dpt.embeddings.projection.weight", h, c.featmapChannels(), 1, 1);
            Tensor projBias = p.required("dpt.embeddings.projection.bias", h);
            List<VitLayer> layers = Parameters.layers(c.layers(), i -> VitLayer.declare(p, "dpt.encoder.layer." + i + ".", c));
            // DPTModel's final layernorm: in the checkpoint, but depth estimation reads the layers' own outputs
            LayerNormWeights norm = LayerNormWeights.declare(p, "dpt.layernorm", h);
            List<Reassemble> reassemble = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                reassemble.add(c.neckIgnoreStages().contains(i) ? null : Reassemble.declare(p, i, c));
            }
            long f = c.fusionHiddenSize();
            List<Tensor> convs = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                convs.add(p.required("neck.convs." + i + ".weight", f, c.neckHiddenSizes().get(i), 3, 3));
            }
            List<Fusion> fusion = Parameters.layers(4, i -> Fusion.declare(p, "neck.fusion_stage.layers." + i + ".", c));
            long[][] headShapes = {{f / 2, f, 3, 3}, {32, f / 2, 3, 3}, {1, 32, 1, 1}};
            List<Tensor> head = new ArrayList<>();
            List<Tensor> headBias = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                head.add(p.required("head.head." + 2 * i + ".weight", headShapes[i]));
                headBias.add(p.required("head.head." + 2 * i + ".bias", headShapes[i][0]));
            }
            // tensor lists hold nulls while only the shapes are collected
            return new Weights(bit, cls, pos, proj, projBias, layers, norm, Collections.unmodifiableList(reassemble),
                    Collections.unmodifiableList(convs), fusion, Collections.unmodifiableList(head),
                    Collections.unmodifiableList(headBias));
        }
    }

    /**
     * What DPTForDepthEstimation returns, with what the tests compare on the way: predicted_depth [B, H, W] (relu'd,
     * at the input's size for inputs whose side is a multiple of 32), BiT's three stage maps and the last ViT layer's
     * output [B, 1 + tokens, hidden] (before the final layernorm).
     */
    public record Output(Tensor predictedDepth, List<Tensor> backboneFeatures, Tensor lastHidden) {
    }

    private final DptConfig config;
    private final torch.ScalarType dtype;
    private final PretrainedWeights pretrained;
    private final Weights w;
    /** Each BiT filter bank standardized once (WeightStandardizedConv2d recomputes it on every forward). */
    private final Map<Tensor, Tensor> standardized;

    private DptModel(DptConfig config, torch.ScalarType dtype, PretrainedWeights pretrained, Weights w) {
        this.config = config;
        this.dtype = dtype;
        this.pretrained = pretrained;
        this.w = w;
        Map<Tensor, Tensor> ws = new IdentityHashMap<>();
        ws.put(w.bit().stem(), standardize(w.bit().stem()));
        for (BitLayer l : w.bit().layers()) {
            for (Tensor t : new Tensor[] {l.conv1(), l.conv2(), l.conv3(), l.downsample()}) {
                if (t != null) {
                    ws.put(t, standardize(t));
                }
            }
        }
        this.standardized = ws;
    }

    /** Loads a DPTForDepthEstimation (hybrid) folder (config.json, model.safetensors) as {@code dtype}. */
    public static DptModel load(Path dir, torch.ScalarType dtype) {
        Path configFile = PretrainedWeights.configFile(dir, "DPT");
        DptConfig config = DptConfig.read(configFile);
        PretrainedWeights pretrained = PretrainedWeights.load(dir, shapes(config), name -> name, name -> false, dtype,
                DptConfig.MODEL_TYPE);
        return pretrained.bind((pw, p) -> new DptModel(config, dtype, pw, Weights.declare(p, config)));
    }

    /** The names and shapes a checkpoint for {@code config} holds, in checkpoint order. */
    static Map<String, long[]> shapes(DptConfig config) {
        return Parameters.declared(p -> Weights.declare(p, config));
    }

    public DptConfig config() {
        return config;
    }

    /**
     * WeightStandardizedConv2d's filter bank: each output filter less its mean over (in, kh, kw), over the square root
     * of its biased variance plus 1e-8 (batch_norm with training=True), computed in float64.
     */
    private Tensor standardize(Tensor weight) {
        // at load, outside any scope: the result lives as long as the model, the temporaries are closed here
        long[] shape = weight.sizes().vec().get();
        Tensor flat = weight.to(torch.ScalarType.Double).reshape(shape[0], -1);
        Tensor mean = flat.mean(new long[] {1}, true, new ScalarTypeOptional());
        Tensor centered = flat.sub(mean);
        Tensor square = centered.mul(centered);
        Tensor var = square.mean(new long[] {1}, true, new ScalarTypeOptional());
        Tensor denominator = var.add(new Scalar(WS_EPS)).sqrt_();
        Tensor scaled = centered.div(denominator);
        Tensor out = scaled.reshape(shape).to(dtype).contiguous().clone();
        for (Tensor t : new Tensor[] {flat, mean, centered, square, var, denominator, scaled}) {
            t.close();
        }
        return out;
    }

    /** predicted_depth and the intermediate maps for pixel values [B, C, H, W], H and W multiples of 16. */
    public Output forward(Tensor pixelValues) {
        long[] shape = pixelValues.sizes().vec().get();
        if (shape.length != 4 || shape[1] != config.numChannels() || shape[2] % config.patchSize() != 0
                || shape[3] % config.patchSize() != 0) {
            throw new IllegalArgumentException("pixel values have shape " + Arrays.toString(shape) + "; the model "
                    + "takes [batch, " + config.numChannels() + ", height, width] with height and width multiples of "
                    + config.patchSize());
        }
        try (NoGradGuard guard = new NoGradGuard()) {
            Tensor pixels = pixelValues.scalar_type().value == dtype.value ? pixelValues : pixelValues.to(dtype);
            long b = shape[0];
            long gh = shape[2] / config.patchSize();
            long gw = shape[3] / config.patchSize();
            List<Tensor> stages = backbone(pixels);
            Tensor x = conv(stages.get(2), w.projection(), w.projectionBias(), 1, 0).flatten(2, 3).transpose(1, 2);
            x = torch.cat(new TensorVector(w.clsToken().expand(b, 1, config.hiddenSize()), x), 1);
            x = x.add(positions(gh, gw));
            List<Tensor> hidden = new ArrayList<>();
            for (VitLayer l : w.layers()) {
                x = vitLayer(l, x);
                hidden.add(x);
            }
            List<Tensor> maps = new ArrayList<>(List.of(stages.get(0), stages.get(1)));
            for (int i = 2; i < 4; i++) {
                maps.add(reassemble(w.reassemble().get(i), hidden.get(config.outIndices().get(i)), gh, gw));
            }
            List<Tensor> neck = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                neck.add(conv(maps.get(i), w.neckConvs().get(i), null, 1, 1));
            }
            Tensor fused = null;
            for (int i = 0; i < 4; i++) {
                fused = fuse(w.fusion().get(i), fused, neck.get(3 - i));
            }
            return new Output(head(fused), List.copyOf(stages), x);
        }
    }

    /** BitBackbone: the stem (conv 7x7/2, group norm + activation, max pool 3x3/2) and the maps after each stage. */
    private List<Tensor> backbone(Tensor x) {
        Bit bit = w.bit();
        x = groupNorm(standardizedConv(x, bit.stem(), 2), bit.stemNorm(), true);
        if (config.bit().dynamicPooling()) {
            x = samePad(x, 3, 2);
        }
        x = torch.max_pool2d(x, new long[] {3, 3}, new long[] {2, 2}, new long[] {0, 0}, new long[] {1, 1}, false);
        List<Tensor> stages = new ArrayList<>();
        for (int i = 0; i < bit.layers().size(); i++) {
            BitLayer l = bit.layers().get(i);
            Tensor shortcut = l.downsample() == null ? x
                    : groupNorm(standardizedConv(x, l.downsample(), l.stride()), l.downsampleNorm(), false);
            Tensor h = groupNorm(standardizedConv(x, l.conv1(), 1), l.norm1(), true);
            h = groupNorm(standardizedConv(h, l.conv2(), l.stride()), l.norm2(), true);
            h = groupNorm(standardizedConv(h, l.conv3(), 1), l.norm3(), false);
            x = config.bit().activation().apply(h.add(shortcut));
            if (bit.stageEnds().contains(i + 1)) {
                stages.add(x);
            }
        }
        return stages;
    }

    /**
     * A BiT conv with padding "SAME" (get_padding_value): symmetric (k - 1) / 2 for stride 1 and an odd kernel, else
     * TensorFlow's dynamic padding and none in the conv.
     */
    private Tensor standardizedConv(Tensor x, Tensor weight, int stride) {
        int k = (int) weight.size(3);
        Tensor std = standardized.get(weight);
        if (stride == 1 && (k - 1) % 2 == 0) {
            return conv(x, std, null, 1, (k - 1) / 2);
        }
        return conv(samePad(x, k, stride), std, null, stride, 0);
    }

    /** DynamicPad2d: max((ceil(n / s) - 1) · s + k - n, 0) zeros per axis, the smaller half first. */
    private static Tensor samePad(Tensor x, int k, int stride) {
        long ph = samePadding(x.size(2), k, stride);
        long pw = samePadding(x.size(3), k, stride);
        if (ph == 0 && pw == 0) {
            return x;
        }
        return torch.constant_pad_nd(x, new long[] {pw / 2, pw - pw / 2, ph / 2, ph - ph / 2}, new Scalar(0));
    }

    static long samePadding(long n, int k, int stride) {
        return Math.max((Math.ceilDiv(n, stride) - 1) * stride + k - n, 0);
    }

    private Tensor groupNorm(Tensor x, LayerNormWeights norm, boolean activate) {
        Tensor y = torch.group_norm(x, config.bit().numGroups(), new TensorOptional(norm.weight()),
                new TensorOptional(norm.bias()), GROUP_NORM_EPS, false);
        return activate ? config.bit().activation().apply(y) : y;
    }

    /**
     * DPTViTHybridEmbeddings._resize_pos_embed: the class token's position, then the learned grid resized bilinearly
     * (align_corners=False) to gh by gw.
     */
    private Tensor positions(long gh, long gw) {
        long g = config.grid();
        long h = config.hiddenSize();
        Tensor pos = w.positions();
        if (gh == g && gw == g) {
            return pos;
        }
        Tensor grid = pos.narrow(1, 1, g * g).reshape(1, g, g, h).permute(0, 3, 1, 2);
        grid = torch.upsample_bilinear2d(grid, new long[] {gh, gw}, false).permute(0, 2, 3, 1).reshape(1, gh * gw, h);
        return torch.cat(new TensorVector(pos.narrow(1, 0, 1), grid), 1);
    }

    /** DPTViTLayer: x + attention(layernorm_before(x)), then + the MLP of layernorm_after. */
    private Tensor vitLayer(VitLayer l, Tensor x) {
        long b = x.size(0);
        long t = x.size(1);
        long h = config.hiddenSize();
        int heads = config.heads();
        long hd = h / heads;
        Tensor n = l.before().apply(x, config.layerNormEps());
        Tensor q = Layers.linear(n, l.query(), l.queryBias()).view(b, t, heads, hd).transpose(1, 2);
        Tensor k = Layers.linear(n, l.key(), l.keyBias()).view(b, t, heads, hd).transpose(1, 2);
        Tensor v = Layers.linear(n, l.value(), l.valueBias()).view(b, t, heads, hd).transpose(1, 2);
        Tensor context = torch.scaled_dot_product_attention(q, k, v, new TensorOptional(), 0.0, false,
                new DoubleOptional(1.0 / Math.sqrt(hd)), false);
        x = x.add(Layers.linear(Layers.merge(context), l.out(), l.outBias()));
        Tensor m = config.activation().apply(Layers.linear(l.after().apply(x, config.layerNormEps()), l.intermediate(),
                l.intermediateBias()));
        return x.add(Layers.linear(m, l.output(), l.outputBias()));
    }

    /** A ViT layer's output [B, 1 + gh·gw, h] as a map: readout projection with the class token, 1x1, resize. */
    private Tensor reassemble(Reassemble r, Tensor hidden, long gh, long gw) {
        long b = hidden.size(0);
        long h = config.hiddenSize();
        Tensor tokens = hidden.narrow(1, 1, gh * gw);
        Tensor readout = hidden.narrow(1, 0, 1).expand(b, gh * gw, h);
        Tensor x = config.activation().apply(Layers.linear(torch.cat(new TensorVector(tokens, readout), 2), r.readout(),
                r.readoutBias()));
        x = x.transpose(1, 2).reshape(b, h, gh, gw);
        x = conv(x, r.projection(), r.projectionBias(), 1, 0);
        if (r.factor() > 1) {
            long s = (long) r.factor();
            return torch.conv_transpose2d(x, r.resize(), new TensorOptional(r.resizeBias()), new long[] {s, s},
                    new long[] {0, 0}, new long[] {0, 0}, 1, 1, 1);
        }
        if (r.factor() < 1) {
            return conv(x, r.resize(), r.resizeBias(), (int) Math.rint(1 / r.factor()), 1);
        }
        return x;
    }

    /**
     * DPTFeatureFusionLayer: the deeper result plus residual_layer1 of this map (resized bilinearly, align_corners
     * False, when the sizes differ), residual_layer2, x2 bilinear (align_corners True), 1x1 projection.
     */
    private static Tensor fuse(Fusion f, Tensor deeper, Tensor map) {
        Tensor x;
        if (deeper == null) {
            x = map;
        } else {
            Tensor residual = map;
            if (deeper.size(2) != map.size(2) || deeper.size(3) != map.size(3)) {
                residual = torch.upsample_bilinear2d(map, new long[] {deeper.size(2), deeper.size(3)}, false);
            }
            x = deeper.add(residualUnit(f.residual1(), residual));
        }
        x = residualUnit(f.residual2(), x);
        x = upsample2x(x);
        return conv(x, f.projection(), f.projectionBias(), 1, 0);
    }

    private static Tensor residualUnit(ResidualUnit r, Tensor x) {
        Tensor h = conv(torch.relu(x), r.conv1(), r.bias1(), 1, 1);
        h = conv(torch.relu(h), r.conv2(), r.bias2(), 1, 1);
        return h.add(x);
    }

    /** DPTDepthEstimationHead: 3x3 to f/2, x2 bilinear, 3x3 to 32, relu, 1x1 to 1, relu; the channel dropped. */
    private Tensor head(Tensor x) {
        List<Tensor> h = w.head();
        List<Tensor> hb = w.headBias();
        x = upsample2x(conv(x, h.get(0), hb.get(0), 1, 1));
        x = torch.relu(conv(x, h.get(1), hb.get(1), 1, 1));
        return torch.relu(conv(x, h.get(2), hb.get(2), 1, 0)).squeeze(1);
    }

    /** interpolate(scale_factor=2, mode="bilinear", align_corners=True). */
    private static Tensor upsample2x(Tensor x) {
        return torch.upsample_bilinear2d(x, new long[] {x.size(2) * 2, x.size(3) * 2}, true);
    }

    private static Tensor conv(Tensor x, Tensor weight, Tensor bias, int stride, int padding) {
        return torch.conv2d(x, weight, bias == null ? new TensorOptional() : new TensorOptional(bias),
                new long[] {stride, stride}, new long[] {padding, padding}, new long[] {1, 1}, 1);
    }

    @Override
    public void close() {
        standardized.values().forEach(Tensor::close);
        pretrained.tensors().values().forEach(Tensor::close);
        pretrained.close();
    }
}

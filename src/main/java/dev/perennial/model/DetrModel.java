package dev.perennial.model;

import org.bytedeco.pytorch.DoubleOptional;
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
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * DETR object detection as transformers' DetrForObjectDetection computes it (modeling_detr.py): a timm ResNet with
 * frozen batch norm, a 1x1 input projection, 2-D sine positions, a post-LN encoder-decoder transformer whose
 * attention adds the positions to queries and keys, learned object queries, a class head (labels + "no object") and
 * a 3-layer box MLP with a sigmoid. Load and close it outside any PointerScope; call {@link #forward} inside the
 * caller's scope.
 */
public final class DetrModel implements AutoCloseable {

    private static final String BACKBONE = "model.backbone.conv_encoder.model.";

    /** DetrFrozenBatchNorm2d's four buffers. */
    record BatchNorm(Tensor weight, Tensor bias, Tensor runningMean, Tensor runningVar) {

        static BatchNorm declare(Parameters p, String at, long c) {
            return new BatchNorm(p.required(at + ".weight", c), p.required(at + ".bias", c),
                    p.required(at + ".running_mean", c), p.required(at + ".running_var", c));
        }
    }

    /** timm's Bottleneck: 1x1, 3x3 (the stride), 1x1 to 4x the width; downsample (1x1 conv, batch norm) or null. */
    record Bottleneck(Tensor conv1, BatchNorm bn1, Tensor conv2, BatchNorm bn2, Tensor conv3, BatchNorm bn3,
                      Tensor downsample, BatchNorm downsampleBn, int stride) {

        static Bottleneck declare(Parameters p, String at, long in, long width, int stride) {
            long out = width * 4;
            boolean down = stride != 1 || in != out;
            return new Bottleneck(p.required(at + "conv1.weight", width, in, 1, 1), BatchNorm.declare(p, at + "bn1", width),
                    p.required(at + "conv2.weight", width, width, 3, 3), BatchNorm.declare(p, at + "bn2", width),
                    p.required(at + "conv3.weight", out, width, 1, 1), BatchNorm.declare(p, at + "bn3", out),
                    p.optional(down, at + "downsample.0.weight", out, in, 1, 1),
                    down ? BatchNorm.declare(p, at + "downsample.1", out) : null, stride);
        }
    }

    /** The ResNet as features_only keeps it: conv1, bn1, layer1 to layer4. */
    record Backbone(Tensor conv1, BatchNorm bn1, List<Bottleneck> blocks) {

        static Backbone declare(Parameters p, DetrConfig.Backbone c) {
            Tensor conv1 = p.required(BACKBONE + "conv1.weight", c.stemWidth(), c.inChannels(), 7, 7);
            BatchNorm bn1 = BatchNorm.declare(p, BACKBONE + "bn1", c.stemWidth());
            List<Bottleneck> blocks = new ArrayList<>();
            long in = c.stemWidth();
            for (int stage = 0; stage < 4; stage++) {
                long width = c.channels().get(stage);
                for (int j = 0; j < c.layers().get(stage); j++) {
                    int stride = stage > 0 && j == 0 ? 2 : 1;
                    blocks.add(Bottleneck.declare(p, BACKBONE + "layer" + (stage + 1) + "." + j + ".", in, width,
                            stride));
                    in = width * 4;
                }
            }
            return new Backbone(conv1, bn1, List.copyOf(blocks));
        }
    }

    /** DetrEncoderLayer (no cross) or DetrDecoderLayer (with encoder_attn). */
    record Layer(ProjectionAttention selfAttn, LayerNormWeights selfNorm, ProjectionAttention cross,
                 LayerNormWeights crossNorm, Tensor fc1, Tensor fc1Bias,
                 Tensor fc2, Tensor fc2Bias, LayerNormWeights finalNorm) {

        static Layer declare(Parameters p, String at, long d, long ff, boolean decoder) {
            ProjectionAttention self = ProjectionAttention.declare(p, at + "self_attn.", d);
            LayerNormWeights selfNorm = LayerNormWeights.declare(p, at + "self_attn_layer_norm", d);
            ProjectionAttention cross = decoder ? ProjectionAttention.declare(p, at + "encoder_attn.", d) : null;
            LayerNormWeights crossNorm = decoder ? LayerNormWeights.declare(p, at + "encoder_attn_layer_norm", d)
                    : null;
            return new Layer(self, selfNorm, cross, crossNorm, p.required(at + "fc1.weight", ff, d),
                    p.required(at + "fc1.bias", ff), p.required(at + "fc2.weight", d, ff), p.required(at + "fc2.bias", d),
                    LayerNormWeights.declare(p, at + "final_layer_norm", d));
        }
    }

    /** DetrForObjectDetection, in checkpoint order. */
    record Weights(Backbone backbone, Tensor inputProjection, Tensor inputProjectionBias, Tensor queryPositions,
                   List<Layer> encoder, List<Layer> decoder, LayerNormWeights decoderNorm, Tensor classifier,
                   Tensor classifierBias, List<Tensor> boxLayers, List<Tensor> boxBiases) {

        static Weights declare(Parameters p, DetrConfig c) {
            long d = c.dModel();
            Backbone backbone = Backbone.declare(p, c.backbone());
            Tensor proj = p.required("model.input_projection.weight", d, c.backbone().outChannels(), 1, 1);
            Tensor projBias = p.required("model.input_projection.bias", d);
            Tensor queries = p.required("model.query_position_embeddings.weight", c.numQueries(), d);
            List<Layer> encoder = Parameters.layers(c.encoderLayers(),
                    i -> Layer.declare(p, "model.encoder.layers." + i + ".", d, c.encoderFfn(), false));
            List<Layer> decoder = Parameters.layers(c.decoderLayers(),
                    i -> Layer.declare(p, "model.decoder.layers." + i + ".", d, c.decoderFfn(), true));
            LayerNormWeights norm = LayerNormWeights.declare(p, "model.decoder.layernorm", d);
            Tensor cls = p.required("class_labels_classifier.weight", c.numLabels() + 1, d);
            Tensor clsBias = p.required("class_labels_classifier.bias", c.numLabels() + 1);
            List<Tensor> box = new ArrayList<>();
            List<Tensor> boxBias = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                long out = i == 2 ? 4 : d;
                box.add(p.required("bbox_predictor.layers." + i + ".weight", out, d));
                boxBias.add(p.required("bbox_predictor.layers." + i + ".bias", out));
            }
            return new Weights(backbone, proj, projBias, queries, encoder, decoder, norm, cls, clsBias,
                    Collections.unmodifiableList(box),
                    Collections.unmodifiableList(boxBias));
        }
    }

    /**
     * What DetrForObjectDetection returns: logits [B, Q, labels + 1] (the last is "no object") and pred_boxes
     * [B, Q, 4] as (center x, center y, width, height) relative to the padded image.
     */
    public record Output(Tensor logits, Tensor predBoxes) {
    }

    /**
     * A bias-free convolution followed by a frozen batch norm, folded into one convolution: the norm is x·scale +
     * shift (DetrFrozenBatchNorm2d.forward: scale = weight · rsqrt(running_var + 1e-5), shift = bias − running_mean ·
     * scale), so the weight's output channels are multiplied by scale and shift is the bias. The weight is a
     * {@link ChannelsLast} copy, made once at load.
     */
    private record FoldedConv(Tensor weight, Tensor bias, int stride, int padding) {

        static FoldedConv of(Tensor conv, BatchNorm bn, int stride, int padding) {
            Tensor scale = bn.weight().mul(bn.runningVar().add(new Scalar(1e-5)).rsqrt());
            Tensor shift = bn.bias().sub(bn.runningMean().mul(scale));
            Tensor weight = ChannelsLast.weight(conv.mul(scale.view(-1, 1, 1, 1)));
            return new FoldedConv(weight, shift, stride, padding);
        }

        Tensor apply(Tensor x) {
            return ChannelsLast.conv2d(x, weight, bias, stride, padding);
        }

        void close() {
            weight.close();
            bias.close();
        }
    }

    /** A Bottleneck's convolutions with their batch norms folded; the downsample's null where there is none. */
    private record FoldedBlock(FoldedConv conv1, FoldedConv conv2, FoldedConv conv3, FoldedConv downsample) {

        static FoldedBlock of(Bottleneck b) {
            return new FoldedBlock(FoldedConv.of(b.conv1(), b.bn1(), 1, 0), FoldedConv.of(b.conv2(), b.bn2(), b.stride(), 1),
                    FoldedConv.of(b.conv3(), b.bn3(), 1, 0),
                    b.downsample() == null ? null : FoldedConv.of(b.downsample(), b.downsampleBn(), b.stride(), 0));
        }

        List<FoldedConv> convs() {
            return downsample == null ? List.of(conv1, conv2, conv3) : List.of(conv1, conv2, conv3, downsample);
        }
    }

    /** Buffers a checkpoint may hold that frozen batch norm does not use. */
    private static boolean ignorable(String name) {
        return name.endsWith(".num_batches_tracked");
    }

    private final DetrConfig config;
    private final torch.ScalarType dtype;
    private final PretrainedWeights pretrained;
    private final Weights w;
    /** The backbone's stem and blocks with their batch norms folded, made at load (owned: closed with the model). */
    private final FoldedConv stem;
    private final List<FoldedBlock> blocks;

    private DetrModel(DetrConfig config, torch.ScalarType dtype, PretrainedWeights pretrained, Weights w) {
        this.config = config;
        this.dtype = dtype;
        this.pretrained = pretrained;
        this.w = w;
        this.stem = FoldedConv.of(w.backbone().conv1(), w.backbone().bn1(), 2, 3);
        this.blocks = w.backbone().blocks().stream().map(FoldedBlock::of).toList();
    }

    /** Loads a DetrForObjectDetection folder (config.json, model.safetensors) as {@code dtype}. */
    public static DetrModel load(Path dir, torch.ScalarType dtype) {
        Path configFile = PretrainedWeights.configFile(dir, "DETR");
        DetrConfig config = DetrConfig.read(configFile);
        PretrainedWeights pretrained = PretrainedWeights.load(dir, shapes(config), name -> name,
                DetrModel::ignorable, dtype, DetrConfig.MODEL_TYPE);
        return pretrained.bind((pw, p) -> new DetrModel(config, dtype, pw, Weights.declare(p, config)));
    }

    /** The names and shapes a checkpoint for {@code config} holds, in checkpoint order. */
    static Map<String, long[]> shapes(DetrConfig config) {
        return Parameters.declared(p -> Weights.declare(p, config));
    }

    public DetrConfig config() {
        return config;
    }

    public torch.ScalarType dtype() {
        return dtype;
    }

    /**
     * Logits and boxes for pixel values [B, C, H, W] and their pixel mask [B, H, W] (1 for image, 0 for padding;
     * null: no padding), as DetrImageProcessor gives them.
     */
    public Output forward(Tensor pixelValues, Tensor pixelMask) {
        long[] shape = pixelValues.sizes().vec().get();
        if (shape.length != 4 || shape[1] != config.backbone().inChannels()) {
            throw new IllegalArgumentException("pixel values have shape " + Arrays.toString(shape) + "; the model "
                    + "takes [batch, " + config.backbone().inChannels() + ", height, width]");
        }
        if (pixelMask != null && !Arrays.equals(pixelMask.sizes().vec().get(),
                new long[] {shape[0], shape[2], shape[3]})) {
            throw new IllegalArgumentException("the pixel mask has shape "
                    + Arrays.toString(pixelMask.sizes().vec().get()) + ", not [batch, height, width] of the pixels");
        }
        try (NoGradGuard guard = new NoGradGuard()) {
            Tensor pixels = pixelValues.scalar_type().value == dtype.value ? pixelValues : pixelValues.to(dtype);
            Tensor features = backbone(pixels);
            long b = shape[0];
            long fh = features.size(2);
            long fw = features.size(3);
            Tensor mask = pixelMask == null
                    ? torch.ones(new long[] {b, fh, fw}, new TensorOptions(torch.ScalarType.Bool))
                    : nearest(torch.ne(pixelMask, new Scalar(0)), fh, fw);
            Tensor pos = sinePositions(mask).flatten(2, 3).transpose(1, 2);
            Tensor x = torch.conv2d(features, w.inputProjection(), new TensorOptional(w.inputProjectionBias()),
                    new long[] {1, 1}, new long[] {0, 0}, new long[] {1, 1}, 1).flatten(2, 3).transpose(1, 2);
            Tensor keys = mask.view(b, 1, 1, fh * fw);
            for (Layer l : w.encoder()) {
                Tensor qk = x.add(pos);
                x = norm(x.add(attention(l.selfAttn(), config.encoderHeads(), qk, qk, x, keys)), l.selfNorm());
                x = norm(x.add(ffn(l, x)), l.finalNorm());
            }
            long d = config.dModel();
            Tensor queryPos = w.queryPositions().unsqueeze(0).expand(b, config.numQueries(), d);
            Tensor h = torch.zeros_like(queryPos);
            Tensor memoryKeys = x.add(pos);
            for (Layer l : w.decoder()) {
                Tensor q = h.add(queryPos);
                h = norm(h.add(attention(l.selfAttn(), config.decoderHeads(), q, q, h, null)), l.selfNorm());
                h = norm(h.add(attention(l.cross(), config.decoderHeads(), h.add(queryPos), memoryKeys, x, keys)),
                        l.crossNorm());
                h = norm(h.add(ffn(l, h)), l.finalNorm());
            }
            h = norm(h, w.decoderNorm());
            Tensor logits = Layers.linear(h, w.classifier(), w.classifierBias());
            Tensor boxes = torch.relu(Layers.linear(h, w.boxLayers().get(0), w.boxBiases().get(0)));
            boxes = torch.relu(Layers.linear(boxes, w.boxLayers().get(1), w.boxBiases().get(1)));
            boxes = torch.sigmoid(Layers.linear(boxes, w.boxLayers().get(2), w.boxBiases().get(2)));
            return new Output(logits, boxes);
        }
    }

    /**
     * The ResNet stem and its bottleneck blocks; the last feature map, in the default layout. The activations run in
     * channels-last layout; the in-place ReLUs and sums act only on tensors this method has just made.
     */
    private Tensor backbone(Tensor pixels) {
        Tensor x = torch.relu_(stem.apply(ChannelsLast.image(pixels)));
        x = torch.max_pool2d(x, new long[] {3, 3}, new long[] {2, 2}, new long[] {1, 1}, new long[] {1, 1}, false);
        for (FoldedBlock blk : blocks) {
            Tensor h = torch.relu_(blk.conv1().apply(x));
            h = torch.relu_(blk.conv2().apply(h));
            h = blk.conv3().apply(h);
            x = torch.relu_(h.add_(blk.downsample() == null ? x : blk.downsample().apply(x)));
        }
        return x.contiguous();
    }

    /**
     * The mask [B, H, W] resized to [B, h, w] as torch's nearest interpolate does (UpSample.h, nearest_idx): source
     * index floor(i · float(in / out)), identity when the sizes agree.
     */
    private static Tensor nearest(Tensor mask, long h, long w) {
        return mask.index_select(1, nearestIndex(mask.size(1), h)).index_select(2, nearestIndex(mask.size(2), w));
    }

    private static Tensor nearestIndex(long in, long out) {
        long[] idx = new long[(int) out];
        float scale = (float) in / out;
        for (int i = 0; i < out; i++) {
            idx[i] = in == out ? i : Math.min((long) Math.floor(i * scale), in - 1);
        }
        return dev.perennial.tensor.Tensors.fromLongs(idx, out);
    }

    /**
     * DetrSinePositionEmbedding(d_model / 2, normalize=True) of the boolean mask [B, h, w]: [B, d_model, h, w] in
     * the model's dtype, y's sines and cosines first, then x's. transformers computes it in float32.
     */
    private Tensor sinePositions(Tensor mask) {
        long dim = config.dModel() / 2;
        TensorOptions f32 = new TensorOptions(torch.ScalarType.Float);
        Tensor m = mask.to(torch.ScalarType.Float);
        Tensor y = m.cumsum(1);
        Tensor x = m.cumsum(2);
        double scale = 2 * Math.PI;
        y = y.div(y.narrow(1, y.size(1) - 1, 1).add(new Scalar(1e-6))).mul(new Scalar(scale));
        x = x.div(x.narrow(2, x.size(2) - 1, 1).add(new Scalar(1e-6))).mul(new Scalar(scale));
        float[] dimT = new float[(int) dim];
        for (int i = 0; i < dim; i++) {
            dimT[i] = (float) Math.pow(10000, (float) (2 * (i / 2)) / dim);
        }
        Tensor dt = dev.perennial.tensor.Tensors.fromFloats(dimT, dim);
        Tensor pos = torch.cat(new TensorVector(interleave(y, dt), interleave(x, dt)), 3).permute(0, 3, 1, 2);
        return pos.to(dtype);
    }

    /** e [B, h, w] over dim_t: sin of the even features and cos of the odd, interleaved as stack(...).flatten(3). */
    private static Tensor interleave(Tensor e, Tensor dimT) {
        Tensor p = e.unsqueeze(3).div(dimT);
        long n = p.size(3);
        Tensor even = p.slice(3, new org.bytedeco.pytorch.LongOptional(0), new org.bytedeco.pytorch.LongOptional(n), 2)
                .sin();
        Tensor odd = p.slice(3, new org.bytedeco.pytorch.LongOptional(1), new org.bytedeco.pytorch.LongOptional(n), 2)
                .cos();
        return torch.stack(new TensorVector(even, odd), 4).flatten(3, 4);
    }

    /** DetrAttention: softmax(q_proj(queries) k_proj(keys)ᵀ / √hd) v_proj(values), keys visible where mask holds. */
    private static Tensor attention(ProjectionAttention a, int heads, Tensor queries, Tensor keys, Tensor values,
                                    Tensor mask) {
        long b = queries.size(0);
        long t = queries.size(1);
        long s = keys.size(1);
        long d = queries.size(2);
        long hd = d / heads;
        Tensor q = Layers.linear(queries, a.q(), a.qBias()).view(b, t, heads, hd).transpose(1, 2);
        Tensor k = Layers.linear(keys, a.k(), a.kBias()).view(b, s, heads, hd).transpose(1, 2);
        Tensor v = Layers.linear(values, a.v(), a.vBias()).view(b, s, heads, hd).transpose(1, 2);
        Tensor out = torch.scaled_dot_product_attention(q, k, v,
                mask == null ? new TensorOptional() : new TensorOptional(mask), 0.0, false,
                new DoubleOptional(1.0 / Math.sqrt(hd)), false);
        return Layers.linear(out.transpose(1, 2).reshape(b, t, d), a.out(), a.outBias());
    }

    private Tensor ffn(Layer l, Tensor x) {
        return Layers.linear(config.activation().apply(Layers.linear(x, l.fc1(), l.fc1Bias())), l.fc2(), l.fc2Bias());
    }

    private static Tensor norm(Tensor x, LayerNormWeights n) {
        return n.apply(x, 1e-5);
    }

    @Override
    public void close() {
        stem.close();
        blocks.forEach(b -> b.convs().forEach(FoldedConv::close));
        pretrained.tensors().values().forEach(Tensor::close);
        pretrained.close();
    }
}

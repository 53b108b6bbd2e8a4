package dev.perennial.model;

import dev.perennial.tensor.Tensors;
import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.LongOptional;
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
import java.util.List;
import java.util.Map;

/**
 * CLAP as transformers' ClapModel computes it (modeling_clap.py), unfused (laion/clap-htsat-unfused) or fused
 * (laion/clap-htsat-fused: the crops of a long clip fused into the patch embedding): an HTSAT audio encoder
 * ({@link #audioEmbeds}) and a RoBERTa text model ({@link #textEmbeds}), each followed by a two-layer projection and
 * L2 normalisation, scored by {@link #logitsPerAudio}. Weights keep the checkpoint's names; each Swin block's q, k and
 * v are fused into one matrix and its relative position bias (with the shifted-window mask) is gathered once at load.
 * Load and close it outside any PointerScope; call the forward methods inside the caller's scope (they switch
 * gradients off themselves).
 */
public final class ClapModel implements AutoCloseable {

    /** ClapAudioLayer: layernorm_before, window attention (self, output), layernorm_after, intermediate, output. */
    record Block(Tensor norm1, Tensor norm1Bias, Tensor biasTable, Tensor q, Tensor qBias, Tensor k, Tensor kBias,
                 Tensor v, Tensor vBias, Tensor out, Tensor outBias, Tensor norm2, Tensor norm2Bias, Tensor fc1,
                 Tensor fc1Bias, Tensor fc2, Tensor fc2Bias) {

        static Block declare(Parameters p, ClapModelConfig.Audio c, int stage, String at) {
            long d = c.dim(stage);
            long ff = c.intermediate(stage);
            long window = c.windowSize();
            String self = at + "attention.self.";
            return new Block(
                    p.required(at + "layernorm_before.weight", d), p.required(at + "layernorm_before.bias", d),
                    p.required(self + "relative_position_bias_table", (2 * window - 1) * (2 * window - 1),
                            c.heads().get(stage)),
                    p.required(self + "query.weight", d, d), p.optional(c.qkvBias(), self + "query.bias", d),
                    p.required(self + "key.weight", d, d), p.optional(c.qkvBias(), self + "key.bias", d),
                    p.required(self + "value.weight", d, d), p.optional(c.qkvBias(), self + "value.bias", d),
                    p.required(at + "attention.output.dense.weight", d, d),
                    p.required(at + "attention.output.dense.bias", d),
                    p.required(at + "layernorm_after.weight", d), p.required(at + "layernorm_after.bias", d),
                    p.required(at + "intermediate.dense.weight", ff, d), p.required(at + "intermediate.dense.bias", ff),
                    p.required(at + "output.dense.weight", d, ff), p.required(at + "output.dense.bias", d));
        }
    }

    /** ClapAudioPatchMerging: norm over the 4 gathered neighbours, then a reduction to twice the width. */
    record Merge(Tensor reduction, Tensor norm, Tensor normBias) {

        static Merge declare(Parameters p, long d, String at) {
            return new Merge(p.required(at + "reduction.weight", 2 * d, 4 * d), p.required(at + "norm.weight", 4 * d),
                    p.required(at + "norm.bias", 4 * d));
        }
    }

    /** ClapAudioStage: its blocks, then patch merging (none after the last stage). */
    record Stage(List<Block> blocks, Merge downsample) {

        static Stage declare(Parameters p, ClapModelConfig.Audio c, int i) {
            String at = "layers." + i + ".";
            List<Block> blocks = Parameters.layers(c.depths().get(i), j -> Block.declare(p, c, i, at + "blocks." + j
                    + "."));
            return new Stage(blocks, i < c.stages() - 1 ? Merge.declare(p, c.dim(i), at + "downsample.") : null);
        }
    }

    /** An nn.BatchNorm2d in eval mode: its affine weights and running statistics (eps 1e-5). */
    record BatchNorm(Tensor weight, Tensor bias, Tensor mean, Tensor var) {

        static BatchNorm declare(Parameters p, String at, long channels) {
            return new BatchNorm(p.required(at + "weight", channels), p.required(at + "bias", channels),
                    p.required(at + "running_mean", channels), p.required(at + "running_var", channels));
        }

        /** Normalises x [B, C, H, W] over its channels. */
        Tensor apply(Tensor x) {
            long[] channel = {1, weight.size(0), 1, 1};
            return x.sub(mean.view(channel)).div(var.add(new Scalar(BATCH_NORM_EPS)).sqrt().view(channel))
                    .mul(weight.view(channel)).add(bias.view(channel));
        }
    }

    /** One branch of ClapAudioAFFBlock: 1×1 conv, batch norm, ReLU, 1×1 conv, batch norm. */
    record Attention(Tensor down, Tensor downBias, BatchNorm downNorm, Tensor up, Tensor upBias, BatchNorm upNorm) {

        /** {@code first} is the index of the first conv in its nn.Sequential (global_att starts with a pool). */
        static Attention declare(Parameters p, String at, int first, long channels, long inner) {
            String conv1 = at + first + ".";
            String conv2 = at + (first + 3) + ".";
            return new Attention(p.required(conv1 + "weight", inner, channels, 1, 1), p.required(conv1 + "bias", inner),
                    BatchNorm.declare(p, at + (first + 1) + ".", inner),
                    p.required(conv2 + "weight", channels, inner, 1, 1), p.required(conv2 + "bias", channels),
                    BatchNorm.declare(p, at + (first + 4) + ".", channels));
        }

        Tensor apply(Tensor x) {
            Tensor h = torch.relu(downNorm.apply(conv1x1(x, down, downBias)));
            return upNorm.apply(conv1x1(h, up, upBias));
        }

        private static Tensor conv1x1(Tensor x, Tensor weight, Tensor bias) {
            return torch.conv2d(x, weight, new TensorOptional(bias), new long[] {1, 1}, new long[] {0, 0},
                    new long[] {1, 1}, 1);
        }
    }

    /**
     * ClapAudioPatchEmbed's fusion (enable_fusion): mel_conv2d over the three crops, then fusion_model, a
     * ClapAudioAFFBlock whose local_att and global_att weigh the crops' patches against the whole's.
     */
    record Fusion(Attention localAtt, Attention globalAtt, Tensor melConv, Tensor melConvBias) {

        static Fusion declare(Parameters p, ClapModelConfig.Audio c) {
            long e = c.patchEmbedsHiddenSize();
            long inner = c.fusionInner();
            Attention local = Attention.declare(p, "fusion_model.local_att.", 0, e, inner);
            Attention global = Attention.declare(p, "fusion_model.global_att.", 1, e, inner);
            return new Fusion(local, global,
                    p.required("mel_conv2d.weight", e, 1, c.patchSize(), 3L * c.patchSize()),
                    p.required("mel_conv2d.bias", e));
        }
    }

    /** ClapAudioEncoder: patch embedding, the stages, batch norm over the mel bins, the final norm. */
    record AudioWeights(Tensor patchConv, Tensor patchConvBias, Tensor patchNorm, Tensor patchNormBias,
                        Fusion fusion, List<Stage> stages, Tensor batchNorm, Tensor batchNormBias, Tensor runningMean,
                        Tensor runningVar, Tensor norm, Tensor normBias) {

        static AudioWeights declare(Parameters p, ClapModelConfig.Audio c) {
            long e = c.patchEmbedsHiddenSize();
            long mels = c.numMelBins();
            long last = c.hiddenSize();
            return new AudioWeights(
                    p.required("patch_embed.proj.weight", e, 1, c.patchSize(), c.patchSize()),
                    p.required("patch_embed.proj.bias", e),
                    p.optional(c.patchNorm(), "patch_embed.norm.weight", e),
                    p.optional(c.patchNorm(), "patch_embed.norm.bias", e),
                    c.fusion() ? Fusion.declare(p.under("patch_embed."), c) : null,
                    Parameters.layers(c.stages(), i -> Stage.declare(p, c, i)),
                    p.required("batch_norm.weight", mels), p.required("batch_norm.bias", mels),
                    p.required("batch_norm.running_mean", mels), p.required("batch_norm.running_var", mels),
                    p.required("norm.weight", last), p.required("norm.bias", last));
        }
    }

    /** ClapProjectionLayer: linear1, the activation, linear2. */
    record Projection(Tensor linear1, Tensor linear1Bias, Tensor linear2, Tensor linear2Bias) {

        static Projection declare(Parameters p, String at, long in, long out) {
            return new Projection(p.required(at + "linear1.weight", out, in), p.required(at + "linear1.bias", out),
                    p.required(at + "linear2.weight", out, out), p.required(at + "linear2.bias", out));
        }
    }

    /** ClapModel: both logit scales, the text model with its pooler, the audio encoder, both projections. */
    record Weights(Tensor logitScaleA, Tensor logitScaleT, BertEncoder.Weights text, Tensor pooler,
                   Tensor poolerBias, Projection textProjection, AudioWeights audio, Projection audioProjection) {

        static Weights declare(Parameters p, ClapModelConfig c) {
            long d = c.text().hiddenSize();
            return new Weights(p.required("logit_scale_a"), p.required("logit_scale_t"),
                    BertEncoder.Weights.declare(p.under("text_model."), c.text()),
                    p.required("text_model.pooler.dense.weight", d, d), p.required("text_model.pooler.dense.bias", d),
                    Projection.declare(p, "text_projection.", d, c.projectionDim()),
                    AudioWeights.declare(p.under("audio_model.audio_encoder."), c.audio()),
                    Projection.declare(p, "audio_projection.", c.audio().hiddenSize(), c.projectionDim()));
        }
    }

    /** One block's fused q/k/v and its additive attention bias [1, windows·heads, n, n] (bias table + shift mask). */
    private record Prepared(Tensor qkv, Tensor qkvBias, Tensor attentionBias) {
    }

    /**
     * Buffers transformers saves but recomputes (relative_position_index, the text position and token type ids)
     * or never reads in eval mode (num_batches_tracked).
     */
    private static boolean ignorable(String name) {
        return name.endsWith(".relative_position_index") || name.equals("text_model.embeddings.position_ids")
                || name.equals("text_model.embeddings.token_type_ids") || name.endsWith(".num_batches_tracked");
    }

    /** nn.BatchNorm2d's default eps, which ClapAudioEncoder's batch_norm keeps. */
    private static final double BATCH_NORM_EPS = 1e-5;

    private final ClapModelConfig config;
    private final torch.ScalarType dtype;
    private final PretrainedWeights pretrained;
    private final Weights w;
    private final BertEncoder text;
    private final List<List<Prepared>> prepared;
    private final double logitScaleAudio;
    private final double logitScaleText;

    private ClapModel(ClapModelConfig config, torch.ScalarType dtype, PretrainedWeights pretrained, Weights w) {
        this.config = config;
        this.dtype = dtype;
        this.pretrained = pretrained;
        this.w = w;
        this.text = BertEncoder.over(config.text(), w.text(), dtype);
        List<List<Prepared>> stages = new ArrayList<>();
        for (int i = 0; i < config.audio().stages(); i++) {
            List<Prepared> blocks = new ArrayList<>();
            for (int j = 0; j < config.audio().depths().get(i); j++) {
                blocks.add(prepare(w.audio().stages().get(i).blocks().get(j), i, j));
            }
            stages.add(List.copyOf(blocks));
        }
        this.prepared = List.copyOf(stages);
        this.logitScaleAudio = Math.exp(w.logitScaleA().item_double());
        this.logitScaleText = Math.exp(w.logitScaleT().item_double());
    }

    /**
     * Loads a ClapModel folder (config.json and model.safetensors, or its shards) as {@code dtype}: exactly the
     * declared tensors with their shapes (apart from the recomputed buffers), else one message naming each mismatch.
     */
    public static ClapModel load(Path dir, torch.ScalarType dtype) {
        Path configFile = PretrainedWeights.configFile(dir, "CLAP");
        ClapModelConfig config = ClapModelConfig.read(configFile);
        PretrainedWeights pretrained = PretrainedWeights.load(dir, shapes(config), name -> name, ClapModel::ignorable,
                dtype, ClapModelConfig.MODEL_TYPE);
        return pretrained.bind((w, p) -> new ClapModel(config, dtype, w, Weights.declare(p, config)));
    }

    /** The names and shapes a checkpoint for {@code config} holds. */
    static Map<String, long[]> shapes(ClapModelConfig config) {
        return Parameters.declared(p -> Weights.declare(p, config));
    }

    public ClapModelConfig config() {
        return config;
    }

    /** exp(logit_scale_a): the temperature of logits_per_audio, the scores the zero-shot pipeline uses. */
    public double logitScaleAudio() {
        return logitScaleAudio;
    }

    /** exp(logit_scale_t): the temperature of logits_per_text. */
    public double logitScaleText() {
        return logitScaleText;
    }

    /**
     * Normalised audio embeddings [B, projection_dim] of an unfused model's log-mel features [B, 1, frames,
     * num_mel_bins] (as ClapFeatureExtractor gives them; frames at most spec_size · freq_ratio): the audio encoder's
     * pooled output through audio_projection, divided by its L2 norm.
     */
    public Tensor audioEmbeds(Tensor inputFeatures) {
        return audioEmbeds(inputFeatures, null);
    }

    /**
     * As {@link #audioEmbeds(Tensor)}; a fused model takes 4 channels [B, 4, frames, num_mel_bins] and is_longer,
     * one flag per clip (the clips whose crops are fused into the patch embedding), which an unfused one ignores.
     */
    public Tensor audioEmbeds(Tensor inputFeatures, boolean[] isLonger) {
        ClapModelConfig.Audio c = config.audio();
        long[] shape = inputFeatures.sizes().vec().get();
        if (shape.length != 4 || shape[0] < 1 || shape[1] != c.inputChannels() || shape[2] < 2
                || shape[2] > c.maxFrames() || shape[3] != c.numMelBins()) {
            throw new IllegalArgumentException("input features have shape " + Arrays.toString(shape) + "; the model "
                    + "takes [batch, " + c.inputChannels() + ", 2 to " + c.maxFrames() + " frames, " + c.numMelBins()
                    + " mel bins]");
        }
        if (c.fusion() && (isLonger == null || isLonger.length != shape[0])) {
            throw new IllegalArgumentException("a fused CLAP needs is_longer for each of the " + shape[0] + " clips, "
                    + "got " + (isLonger == null ? "none" : isLonger.length));
        }
        try (NoGradGuard guard = new NoGradGuard()) {
            Tensor x = inputFeatures.scalar_type().value == dtype.value ? inputFeatures : inputFeatures.to(dtype);
            return normalised(project(w.audioProjection(), encodeAudio(x, isLonger)));
        }
    }

    /**
     * Normalised text embeddings [B, projection_dim] of token ids [B, T] (int64, {@code <s> … </s>} padded on the
     * right with pad_token_id) and their attention mask [B, T] (1 for tokens, 0 for padding): the pooler's tanh(dense(
     * first token)) through text_projection, divided by its L2 norm.
     */
    public Tensor textEmbeds(Tensor inputIds, Tensor attentionMask) {
        try (NoGradGuard guard = new NoGradGuard()) {
            Tensor hidden = text.lastHiddenState(inputIds, null, attentionMask);
            Tensor pooled = torch.tanh(Layers.linear(hidden.select(1, 0), w.pooler(), w.poolerBias()));
            return normalised(project(w.textProjection(), pooled));
        }
    }

    /** logits_per_audio [audios, texts] of normalised embeddings: exp(logit_scale_a) · cosine similarity. */
    public Tensor logitsPerAudio(Tensor audioEmbeds, Tensor textEmbeds) {
        try (NoGradGuard guard = new NoGradGuard()) {
            return audioEmbeds.matmul(textEmbeds.t()).mul(new Scalar(logitScaleAudio));
        }
    }

    /** ClapAudioEncoder.forward up to pooler_output [B, hidden_size]. */
    private Tensor encodeAudio(Tensor features, boolean[] isLonger) {
        ClapModelConfig.Audio c = config.audio();
        AudioWeights a = w.audio();
        // batch_norm over the mel bins (the last axis, which transformers moves to the channels and back)
        Tensor x = features.sub(a.runningMean()).div(a.runningVar().add(new Scalar(BATCH_NORM_EPS)).sqrt())
                .mul(a.batchNorm()).add(a.batchNormBias());
        x = melToImage(x);
        long b = x.size(0);
        long p = c.patchSize();
        long s = c.patchStride();
        long pad = (p - s) / 2;
        Tensor whole = c.fusion() ? x.narrow(1, 0, 1) : x;
        Tensor patches = torch.conv2d(whole, a.patchConv(), new TensorOptional(a.patchConvBias()), new long[] {s, s},
                new long[] {pad, pad}, new long[] {1, 1}, 1);
        if (c.fusion()) {
            patches = fuse(a.fusion(), patches, x, isLonger);
        }
        x = patches.flatten(2, 3).transpose(1, 2);
        if (c.patchNorm()) {
            x = Layers.layerNorm(x, a.patchNorm(), a.patchNormBias(), 1e-5);
        }
        for (int i = 0; i < c.stages(); i++) {
            Stage stage = a.stages().get(i);
            int res = c.resolution(i);
            for (int j = 0; j < stage.blocks().size(); j++) {
                x = block(stage.blocks().get(j), prepared.get(i).get(j), x, res, c.window(i), c.shift(i, j),
                        c.heads().get(i));
            }
            if (stage.downsample() != null) {
                x = merge(stage.downsample(), x, res);
            }
        }
        // the patch embedding's, the merges' and this final LayerNorm keep nn.LayerNorm's default eps
        x = Layers.layerNorm(x, a.norm(), a.normBias(), 1e-5);
        // the grouped reshape before AdaptiveAvgPool1d only reorders the tokens it averages
        return x.mean(new long[] {1}, false, new ScalarTypeOptional()).view(b, c.hiddenSize());
    }

    /**
     * ClapAudioPatchEmbed's fusion of patches [B, E, h, w] (of the whole, channel 0) with the three crops of the
     * clips marked longer: mel_conv2d (stride 3× wider) over each crop, the crops' patches side by side along the
     * width, zero-padded (or cut) to w, then ClapAudioAFFBlock. Computed for the whole batch and kept where is_longer,
     * which is the same as transformers' indexing: every step is per clip.
     */
    private Tensor fuse(Fusion f, Tensor patches, Tensor image, boolean[] isLonger) {
        long[] longer = flags(isLonger);
        if (Arrays.stream(longer).allMatch(v -> v == 0)) {
            return patches;
        }
        ClapModelConfig.Audio c = config.audio();
        long s = c.patchStride();
        long pad = (c.patchSize() - s) / 2;
        long b = image.size(0);
        Tensor crops = image.narrow(1, 1, 3).reshape(b * 3, 1, image.size(2), image.size(3));
        Tensor local = torch.conv2d(crops, f.melConv(), new TensorOptional(f.melConvBias()), new long[] {s, 3 * s},
                new long[] {pad, pad}, new long[] {1, 1}, 1);
        long e = local.size(1);
        long h = local.size(2);
        local = local.view(b, 3, e, h, local.size(3)).permute(0, 2, 3, 1, 4).reshape(b, e, h, -1);
        local = torch.constant_pad_nd(local, new long[] {0, patches.size(3) - local.size(3)}, new Scalar(0));
        Tensor sum = patches.add(local);
        Tensor weight = torch.sigmoid(f.localAtt().apply(sum)
                .add(f.globalAtt().apply(sum.mean(new long[] {2, 3}, true, new ScalarTypeOptional()))));
        Tensor fused = patches.mul(weight).mul(new Scalar(2)).add(local.mul(weight.neg().add(new Scalar(1)))
                .mul(new Scalar(2)));
        Tensor mask = Tensors.fromLongs(longer, b, 1, 1, 1).to(torch.ScalarType.Bool);
        return torch.where(mask, fused, patches);
    }

    private static long[] flags(boolean[] values) {
        long[] out = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i] ? 1 : 0;
        }
        return out;
    }

    /**
     * reshape_mel2img: time stretched to spec_size · freq_ratio frames by bicubic interpolation (align_corners), then
     * cut into freq_ratio bands stacked along the frequency axis, each channel on its own: [B, C, spec_size,
     * spec_size].
     */
    private Tensor melToImage(Tensor x) {
        ClapModelConfig.Audio c = config.audio();
        long width = c.maxFrames();
        long mels = c.numMelBins();
        if (x.size(2) < width) {
            x = torch.upsample_bicubic2d(x, new long[] {width, mels}, true, new DoubleOptional(), new DoubleOptional());
        }
        long b = x.size(0);
        long ch = x.size(1);
        int r = c.freqRatio();
        return x.reshape(b, ch * r, width / r, mels).permute(0, 1, 3, 2).reshape(b, ch, mels * r, width / r);
    }

    /** ClapAudioLayer on x [B, res·res, C]. */
    private Tensor block(Block l, Prepared f, Tensor x, int res, int window, int shift, int heads) {
        double eps = config.audio().layerNormEps();
        long b = x.size(0);
        long ch = x.size(2);
        long hd = ch / heads;
        long n = (long) window * window;
        long windows = (long) (res / window) * (res / window);
        Tensor h = Layers.layerNorm(x, l.norm1(), l.norm1Bias(), eps).view(b, res, res, ch);
        if (shift > 0) {
            h = torch.roll(h, new long[] {-shift, -shift}, 1, 2);
        }
        h = h.view(b, res / window, window, res / window, window, ch).permute(0, 1, 3, 2, 4, 5)
                .reshape(b * windows, n, ch);
        // q, k, v [B, windows·heads, n, hd]: the bias of each window and head is one broadcast over the batch
        Tensor qkv = Layers.linear(h, f.qkv(), f.qkvBias()).view(b * windows, n, 3, heads, hd).permute(2, 0, 3, 1, 4);
        Tensor q = qkv.select(0, 0).reshape(b, windows * heads, n, hd);
        Tensor k = qkv.select(0, 1).reshape(b, windows * heads, n, hd);
        Tensor v = qkv.select(0, 2).reshape(b, windows * heads, n, hd);
        Tensor attended = torch.scaled_dot_product_attention(q, k, v, new TensorOptional(f.attentionBias()), 0.0,
                false, new DoubleOptional(1.0 / Math.sqrt(hd)), false);
        attended = attended.view(b * windows, heads, n, hd).transpose(1, 2).reshape(b * windows, n, ch);
        attended = Layers.linear(attended, l.out(), l.outBias());
        attended = attended.view(b, res / window, res / window, window, window, ch).permute(0, 1, 3, 2, 4, 5)
                .reshape(b, res, res, ch);
        if (shift > 0) {
            attended = torch.roll(attended, new long[] {shift, shift}, 1, 2);
        }
        x = x.add(attended.reshape(b, (long) res * res, ch));
        Tensor inner = Layers.layerNorm(x, l.norm2(), l.norm2Bias(), eps);
        return x.add(Layers.linear(act(Layers.linear(inner, l.fc1(), l.fc1Bias())), l.fc2(), l.fc2Bias()));
    }

    private Tensor act(Tensor x) {
        return config.audio().activation().apply(x);
    }

    /** ClapAudioPatchMerging of x [B, res·res, C] into [B, (res/2)², 2C]. */
    private static Tensor merge(Merge m, Tensor x, int res) {
        long b = x.size(0);
        long ch = x.size(2);
        Tensor grid = x.view(b, res, res, ch);
        Tensor[] parts = new Tensor[4];
        int[][] offsets = {{0, 0}, {1, 0}, {0, 1}, {1, 1}};
        for (int i = 0; i < 4; i++) {
            parts[i] = grid.slice(1, new LongOptional(offsets[i][0]), new LongOptional(res), 2)
                    .slice(2, new LongOptional(offsets[i][1]), new LongOptional(res), 2);
        }
        Tensor gathered = torch.cat(new TensorVector(parts), -1).reshape(b, (long) (res / 2) * (res / 2), 4 * ch);
        return Layers.linear(Layers.layerNorm(gathered, m.norm(), m.normBias(), 1e-5), m.reduction(), null);
    }

    private Tensor project(Projection p, Tensor x) {
        return Layers.linear(config.projectionActivation().apply(Layers.linear(x, p.linear1(), p.linear1Bias())),
                p.linear2(), p.linear2Bias());
    }

    /** x / ‖x‖₂ over the last dimension (ClapModel.forward). */
    private static Tensor normalised(Tensor x) {
        return x.div(x.pow(new Scalar(2)).sum(new long[] {-1}, true, new ScalarTypeOptional()).sqrt());
    }

    /** Fuses q/k/v and builds the block's attention bias; runs at load, outside any scope. */
    private Prepared prepare(Block l, int stage, int block) {
        ClapModelConfig.Audio c = config.audio();
        Tensor qkv = torch.cat(new TensorVector(l.q(), l.k(), l.v()), 0);
        Tensor qkvBias = c.qkvBias() ? torch.cat(new TensorVector(l.qBias(), l.kBias(), l.vBias()), 0) : null;
        int window = c.window(stage);
        int res = c.resolution(stage);
        int heads = c.heads().get(stage);
        int n = window * window;
        int windows = (res / window) * (res / window);
        float[] bias = new float[windows * heads * n * n];
        float[] table = Tensors.toFloats(l.biasTable().to(torch.ScalarType.Float).contiguous());
        int[] index = relativePositionIndex(window);
        int[] region = shiftRegions(res, window, c.shift(stage, block));
        for (int win = 0; win < windows; win++) {
            for (int hd = 0; hd < heads; hd++) {
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < n; j++) {
                        double shiftMask = region[win * n + i] == region[win * n + j] ? 0 : -100.0;
                        bias[((win * heads + hd) * n + i) * n + j] = (float) (table[index[i * n + j] * heads + hd]
                                + shiftMask);
                    }
                }
            }
        }
        Tensor attentionBias = Tensors.fromFloats(bias, 1, (long) windows * heads, n, n);
        if (dtype != torch.ScalarType.Float) {
            attentionBias = attentionBias.to(dtype);
        }
        return new Prepared(qkv, qkvBias, attentionBias);
    }

    /**
     * ClapAudioSelfAttention's relative_position_index: for tokens i, j of a window (row-major), (Δrow + w - 1) ·
     * (2w - 1) + (Δcol + w - 1).
     */
    static int[] relativePositionIndex(int window) {
        int n = window * window;
        int[] index = new int[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                int dr = i / window - j / window + window - 1;
                int dc = i % window - j % window + window - 1;
                index[i * n + j] = dr * (2 * window - 1) + dc;
            }
        }
        return index;
    }

    /**
     * get_attn_mask's regions, per window (window-major, then row-major inside it): the shifted grid is cut at
     * -window and -shift along both axes into 9 regions; tokens of different regions do not attend to each other
     * (-100 added). All one region when the block does not shift.
     */
    static int[] shiftRegions(int res, int window, int shift) {
        int perSide = res / window;
        int n = window * window;
        int[] out = new int[perSide * perSide * n];
        for (int wr = 0; wr < perSide; wr++) {
            for (int wc = 0; wc < perSide; wc++) {
                for (int t = 0; t < n; t++) {
                    int row = wr * window + t / window;
                    int col = wc * window + t % window;
                    out[(wr * perSide + wc) * n + t] = shift == 0 ? 0
                            : band(row, res, window, shift) * 3 + band(col, res, window, shift);
                }
            }
        }
        return out;
    }

    private static int band(int i, int res, int window, int shift) {
        return i < res - window ? 0 : i < res - shift ? 1 : 2;
    }

    @Override
    public void close() {
        text.close();
        for (List<Prepared> stage : prepared) {
            for (Prepared p : stage) {
                p.qkv().close();
                if (p.qkvBias() != null) {
                    p.qkvBias().close();
                }
                p.attentionBias().close();
            }
        }
        pretrained.tensors().values().forEach(Tensor::close);
        pretrained.close();
    }
}

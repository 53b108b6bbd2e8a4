package dev.perennial.model;

import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * VITS text-to-speech as transformers' VitsModel computes it at inference (modeling_vits.py, VitsModel.forward):
 * a transformer text encoder with windowed relative-position attention gives each token a prior (mean, log
 * variance); a duration predictor (stochastic: spline flows run in reverse from noise; or deterministic) gives each
 * token's length, ceil(exp(log w) · length_scale) frames; the priors are repeated over their frames, sampled with
 * noise_scale, sent back through the residual-coupling flow and turned into a waveform by the HiFi-GAN decoder.
 * Weight-normed convolutions (the flow's WaveNet layers) are stored as (g, v), named weight_g/weight_v or
 * parametrizations.weight.original0/1, and folded into one weight at load. The training-only parts (the posterior
 * encoder, the duration predictor's posterior flows) are skipped. Load and close outside any PointerScope; run
 * {@link #synthesize} inside the caller's scope.
 */
public final class VitsModel implements AutoCloseable {

    /** A 1-D convolution's weight [out, in/groups, k] (folded when weight-normed) and bias. */
    record Conv(Tensor weight, Tensor bias) {

        static Conv declare(Parameters p, String name, long out, long in, long k, boolean bias) {
            return new Conv(p.required(name + ".weight", out, in, k), p.optional(bias, name + ".bias", out));
        }

        /** torch.nn.utils.weight_norm(dim=0): weight = g · v / ‖v‖, the norm over all but the first dimension. */
        static Conv weightNormed(Parameters p, String name, long out, long in, long k) {
            Tensor g = p.required(name + ".weight_g", out, 1, 1);
            Tensor v = p.required(name + ".weight_v", out, in, k);
            Tensor bias = p.required(name + ".bias", out);
            if (v == null) {
                return new Conv(null, bias);
            }
            Tensor norm = v.pow(new Scalar(2)).sum(new long[] {1, 2}, true, new ScalarTypeOptional()).sqrt();
            return new Conv(v.mul(g.div(norm)), bias);
        }

        Tensor apply(Tensor x, long padding, long dilation, long groups) {
            return torch.conv1d(x, weight, bias == null ? new TensorOptional() : new TensorOptional(bias), new long[] {1}, new long[] {padding},
                    new long[] {dilation}, groups);
        }

        Tensor apply(Tensor x) {
            return apply(x, 0, 1, 1);
        }

        /** The same convolution with its weight as a {@link ChannelsLast#packedWeight} (the bias shared). */
        Conv channelsLast() {
            return new Conv(ChannelsLast.packedWeight(weight), bias);
        }
    }

    /** VitsEncoderLayer: attention with relative positions, layer_norm, the convolutional feed-forward, final_layer_norm. */
    record EncoderLayer(Tensor relK, Tensor relV, Tensor k, Tensor kBias, Tensor v, Tensor vBias, Tensor q,
                        Tensor qBias, Tensor out, Tensor outBias, LayerNormWeights norm, Conv ffn1, Conv ffn2,
                        LayerNormWeights finalNorm) {

        static EncoderLayer declare(Parameters p, String at, VitsConfig c) {
            long d = c.hiddenSize();
            boolean b = c.useBias();
            boolean relative = c.windowSize() > 0;
            String attn = at + "attention.";
            return new EncoderLayer(
                    p.optional(relative, attn + "emb_rel_k", 1, 2L * c.windowSize() + 1, c.headDim()),
                    p.optional(relative, attn + "emb_rel_v", 1, 2L * c.windowSize() + 1, c.headDim()),
                    p.required(attn + "k_proj.weight", d, d), p.optional(b, attn + "k_proj.bias", d),
                    p.required(attn + "v_proj.weight", d, d), p.optional(b, attn + "v_proj.bias", d),
                    p.required(attn + "q_proj.weight", d, d), p.optional(b, attn + "q_proj.bias", d),
                    p.required(attn + "out_proj.weight", d, d), p.optional(b, attn + "out_proj.bias", d),
                    LayerNormWeights.declare(p, at + "layer_norm", d),
                    Conv.declare(p, at + "feed_forward.conv_1", c.ffnDim(), d, c.ffnKernelSize(), true),
                    Conv.declare(p, at + "feed_forward.conv_2", d, c.ffnDim(), c.ffnKernelSize(), true),
                    LayerNormWeights.declare(p, at + "final_layer_norm", d));
        }
    }

    /** VitsTextEncoder. */
    record TextEncoder(Tensor embedTokens, List<EncoderLayer> layers, Conv project) {

        static TextEncoder declare(Parameters p, VitsConfig c) {
            return new TextEncoder(p.required("text_encoder.embed_tokens.weight", c.vocabSize(), c.hiddenSize()),
                    Parameters.layers(c.layers(), i -> EncoderLayer.declare(p, "text_encoder.encoder.layers." + i
                            + ".", c)),
                    Conv.declare(p, "text_encoder.project", 2L * c.flowSize(), c.hiddenSize(), 1, true));
        }
    }

    /** VitsDilatedDepthSeparableConv. */
    record DepthSeparable(List<Conv> dilated, List<Conv> pointwise, List<LayerNormWeights> norms1,
                          List<LayerNormWeights> norms2) {

        static DepthSeparable declare(Parameters p, String at, VitsConfig c) {
            long h = c.hiddenSize();
            int n = c.depthSeparableLayers();
            return new DepthSeparable(
                    Parameters.layers(n, i -> Conv.declare(p, at + ".convs_dilated." + i, h, 1, c.durationKernelSize(),
                            true)),
                    Parameters.layers(n, i -> Conv.declare(p, at + ".convs_pointwise." + i, h, h, 1, true)),
                    Parameters.layers(n, i -> LayerNormWeights.declare(p, at + ".norms_1." + i, h)),
                    Parameters.layers(n, i -> LayerNormWeights.declare(p, at + ".norms_2." + i, h)));
        }
    }

    /** VitsConvFlow: a rational-quadratic spline coupling. */
    record ConvFlow(Conv pre, DepthSeparable dds, Conv proj) {

        static ConvFlow declare(Parameters p, String at, VitsConfig c) {
            long half = c.depthSeparableChannels() / 2;
            return new ConvFlow(Conv.declare(p, at + ".conv_pre", c.hiddenSize(), half, 1, true),
                    DepthSeparable.declare(p, at + ".conv_dds", c),
                    Conv.declare(p, at + ".conv_proj", half * (c.flowBins() * 3L - 1), c.hiddenSize(), 1, true));
        }
    }

    /** VitsStochasticDurationPredictor's inference half: flows.0 is VitsElementwiseAffine, the rest ConvFlows. */
    record StochasticDuration(Conv pre, Conv proj, DepthSeparable dds, Tensor translate, Tensor logScale,
                              List<ConvFlow> flows) {

        static StochasticDuration declare(Parameters p, VitsConfig c) {
            String at = "duration_predictor.";
            long h = c.hiddenSize();
            long ch = c.depthSeparableChannels();
            return new StochasticDuration(Conv.declare(p, at + "conv_pre", h, h, 1, true),
                    Conv.declare(p, at + "conv_proj", h, h, 1, true), DepthSeparable.declare(p, at + "conv_dds", c),
                    p.required(at + "flows.0.translate", ch, 1), p.required(at + "flows.0.log_scale", ch, 1),
                    Parameters.layers(c.durationFlows(), i -> ConvFlow.declare(p, at + "flows." + (i + 1), c)));
        }
    }

    /** VitsDurationPredictor. */
    record DeterministicDuration(Conv conv1, LayerNormWeights norm1, Conv conv2, LayerNormWeights norm2, Conv proj) {

        static DeterministicDuration declare(Parameters p, VitsConfig c) {
            String at = "duration_predictor.";
            long f = c.durationFilterChannels();
            int k = c.durationKernelSize();
            return new DeterministicDuration(Conv.declare(p, at + "conv_1", f, c.hiddenSize(), k, true),
                    LayerNormWeights.declare(p, at + "norm_1", f), Conv.declare(p, at + "conv_2", f, f, k, true),
                    LayerNormWeights.declare(p, at + "norm_2", f), Conv.declare(p, at + "proj", 1, f, 1, true));
        }
    }

    /** VitsWaveNet (no speaker conditioning): weight-normed dilated convolutions with gated activations. */
    record WaveNet(List<Conv> in, List<Conv> resSkip) {

        static WaveNet declare(Parameters p, String at, VitsConfig c, int layers) {
            long h = c.hiddenSize();
            return new WaveNet(
                    Parameters.layers(layers, i -> Conv.weightNormed(p, at + ".in_layers." + i, 2 * h, h,
                            c.wavenetKernelSize())),
                    Parameters.layers(layers, i -> Conv.weightNormed(p, at + ".res_skip_layers." + i,
                            i < layers - 1 ? 2 * h : h, h, 1)));
        }
    }

    /** VitsResidualCouplingLayer (mean only). */
    record Coupling(Conv pre, WaveNet wavenet, Conv post) {

        static Coupling declare(Parameters p, String at, VitsConfig c) {
            long half = c.flowSize() / 2;
            return new Coupling(Conv.declare(p, at + ".conv_pre", c.hiddenSize(), half, 1, true),
                    WaveNet.declare(p, at + ".wavenet", c, c.priorWavenetLayers()),
                    Conv.declare(p, at + ".conv_post", half, c.hiddenSize(), 1, true));
        }
    }

    /** HifiGanResidualBlock: pairs of dilated and plain convolutions with leaky ReLUs and a residual each. */
    record ResBlock(List<Conv> convs1, List<Conv> convs2, int kernel, List<Integer> dilations) {

        static ResBlock declare(Parameters p, String at, long channels, int kernel, List<Integer> dilations) {
            return new ResBlock(
                    Parameters.layers(dilations.size(), i -> Conv.declare(p, at + ".convs1." + i, channels, channels,
                            kernel, true)),
                    Parameters.layers(dilations.size(), i -> Conv.declare(p, at + ".convs2." + i, channels, channels,
                            kernel, true)),
                    kernel, dilations);
        }

        ResBlock channelsLast() {
            return new ResBlock(convs1.stream().map(Conv::channelsLast).toList(),
                    convs2.stream().map(Conv::channelsLast).toList(), kernel, dilations);
        }

        List<Conv> convs() {
            List<Conv> all = new ArrayList<>(convs1);
            all.addAll(convs2);
            return all;
        }
    }

    /** VitsHifiGan. */
    record Decoder(Conv pre, List<Conv> upsampler, List<ResBlock> resblocks, Conv post) {

        static Decoder declare(Parameters p, VitsConfig c) {
            long ch0 = c.upsampleInitialChannel();
            Conv pre = Conv.declare(p, "decoder.conv_pre", ch0, c.flowSize(), 7, true);
            List<Conv> up = Parameters.layers(c.upsampleRates().size(), i -> new Conv(
                    p.required("decoder.upsampler." + i + ".weight", ch0 >> i, ch0 >> (i + 1),
                            c.upsampleKernelSizes().get(i)),
                    p.required("decoder.upsampler." + i + ".bias", ch0 >> (i + 1))));
            int kernels = c.resblockKernelSizes().size();
            List<ResBlock> blocks = Parameters.layers(up.size() * kernels, n -> ResBlock.declare(p,
                    "decoder.resblocks." + n, ch0 >> (n / kernels + 1), c.resblockKernelSizes().get(n % kernels),
                    c.resblockDilationSizes().get(n % kernels)));
            Conv post = Conv.declare(p, "decoder.conv_post", 1, ch0 >> up.size(), 7, false);
            return new Decoder(pre, up, blocks, post);
        }

        /**
         * The decoder as it runs: every convolution's weight copied into {@link ChannelsLast} layout and each
         * upsampler as a {@link PolyphaseUpsampler}, made once at load.
         */
        Hifigan prepared(VitsConfig c) {
            List<PolyphaseUpsampler> up = new ArrayList<>();
            for (int i = 0; i < upsampler.size(); i++) {
                long rate = c.upsampleRates().get(i);
                up.add(PolyphaseUpsampler.of(upsampler.get(i).weight(), upsampler.get(i).bias(), rate,
                        (c.upsampleKernelSizes().get(i) - rate) / 2));
            }
            return new Hifigan(pre.channelsLast(), up, resblocks.stream().map(ResBlock::channelsLast).toList(),
                    post.channelsLast());
        }
    }

    /** {@link Decoder#prepared}: the tensors it made are its own, closed with it. */
    record Hifigan(Conv pre, List<PolyphaseUpsampler> upsamplers, List<ResBlock> resblocks, Conv post) {

        void close() {
            List<Conv> convs = new ArrayList<>(List.of(pre, post));
            resblocks.forEach(b -> convs.addAll(b.convs()));
            convs.forEach(c -> c.weight().close());
            upsamplers.forEach(PolyphaseUpsampler::close);
        }
    }

    /** VitsModel's inference weights, in checkpoint order. */
    record Weights(TextEncoder text, List<Coupling> flow, Decoder decoder, StochasticDuration stochastic,
                   DeterministicDuration deterministic) {

        static Weights declare(Parameters p, VitsConfig c) {
            TextEncoder text = TextEncoder.declare(p, c);
            List<Coupling> flow = Parameters.layers(c.priorFlows(), i -> Coupling.declare(p, "flow.flows." + i, c));
            Decoder decoder = Decoder.declare(p, c);
            return new Weights(text, flow, decoder, c.stochasticDuration() ? StochasticDuration.declare(p, c) : null,
                    c.stochasticDuration() ? null : DeterministicDuration.declare(p, c));
        }
    }

    /**
     * One synthesis: the frames of each token, the spectrogram [1, flow_size, frames] the flow gives the decoder, and
     * the waveform [1, frames · hop] at the config's sampling rate.
     */
    public record Speech(long[] durations, Tensor spectrogram, Tensor waveform) {
    }

    /** Training-only tensors the checkpoints carry: the posterior encoder and the duration posterior. */
    private static boolean ignorable(String name) {
        return name.startsWith("posterior_encoder.") || name.startsWith("duration_predictor.post_");
    }

    /** Weight norm's newer names (torch.nn.utils.parametrizations.weight_norm) as the older ones. */
    private static String rename(String name) {
        return name.replace(".parametrizations.weight.original0", ".weight_g")
                .replace(".parametrizations.weight.original1", ".weight_v");
    }

    private final VitsConfig config;
    private final torch.ScalarType dtype;
    private final PretrainedWeights pretrained;
    private final Weights w;
    /** HiFi-GAN as it runs, where most of a synthesis's time goes (owned: closed with the model). */
    private final Hifigan decoder;

    private VitsModel(VitsConfig config, torch.ScalarType dtype, PretrainedWeights pretrained, Weights w) {
        this.config = config;
        this.dtype = dtype;
        this.pretrained = pretrained;
        this.w = w;
        this.decoder = w.decoder().prepared(config);
    }

    /** Loads a VitsModel folder (config.json and model.safetensors) as {@code dtype}. */
    public static VitsModel load(Path dir, torch.ScalarType dtype) {
        VitsConfig config = VitsConfig.read(PretrainedWeights.configFile(dir, "VITS"));
        PretrainedWeights pretrained = PretrainedWeights.load(dir, shapes(config), VitsModel::rename,
                VitsModel::ignorable, dtype, VitsConfig.MODEL_TYPE);
        return pretrained.bind((w, p) -> new VitsModel(config, dtype, w, Weights.declare(p, config)));
    }

    /** The names and shapes a checkpoint for {@code config} holds (weight norm as weight_g/weight_v). */
    static Map<String, long[]> shapes(VitsConfig config) {
        return Parameters.declared(p -> Weights.declare(p, config));
    }

    public VitsConfig config() {
        return config;
    }

    public torch.ScalarType dtype() {
        return dtype;
    }

    /**
     * Speech for token ids [1, T] (VitsTokenizer's output), with the config's noise scales, each duration
     * multiplied by {@code lengthScale} (transformers: 1 / speaking_rate). Noise is drawn from {@code noise} in
     * transformers' order and cast to the model's dtype.
     */
    public Speech synthesize(Tensor ids, double lengthScale, VitsNoise noise) {
        try (NoGradGuard guard = new NoGradGuard()) {
            if (ids.dim() != 2 || ids.size(0) != 1 || ids.size(1) < 1) {
                throw new IllegalArgumentException("VITS takes the ids of one text, [1, T]");
            }
            Tensor[] encoded = encode(ids);
            Tensor hidden = encoded[0];
            Tensor logDurations = w.stochastic() != null
                    ? stochasticLogDurations(hidden, noise.normal("duration", 1, 2, ids.size(1)).to(dtype))
                    : deterministicLogDurations(hidden);
            Tensor scaled = logDurations.exp().mul(new Scalar(lengthScale)).ceil().reshape(-1);
            long[] durations = new long[(int) scaled.size(0)];
            long frames = 0;
            for (int i = 0; i < durations.length; i++) {
                durations[i] = (long) scaled.get(i).item_double();
                frames += durations[i];
            }
            Tensor means = expand(encoded[1], scaled, frames);
            Tensor logVariances = expand(encoded[2], scaled, frames);
            Tensor prior = means.add(noise.normal("prior", means.sizes().vec().get()).to(dtype)
                    .mul(logVariances.exp()).mul(new Scalar(config.noiseScale())));
            Tensor spectrogram = flowInverse(prior);
            return new Speech(durations, spectrogram, decode(spectrogram).squeeze(1));
        }
    }

    /** Each token's row of [1, C, T] repeated over its frames: [1, C, max(frames, 1)] (VitsModel's alignment path). */
    private Tensor expand(Tensor perToken, Tensor durations, long frames) {
        if (frames == 0) {
            return torch.zeros(new long[] {1, perToken.size(1), 1}, new TensorOptions(dtype));
        }
        Tensor token = torch.repeat_interleave(torch.arange(new Scalar(perToken.size(2)),
                new TensorOptions(torch.ScalarType.Long)), durations.to(torch.ScalarType.Long));
        return perToken.index_select(2, token);
    }

    /** VitsTextEncoder: the hidden states [1, H, T] and the prior's means and log variances [1, flow_size, T]. */
    private Tensor[] encode(Tensor ids) {
        double eps = config.layerNormEps();
        Tensor x = torch.embedding(w.text().embedTokens(), ids).mul(new Scalar(Math.sqrt(config.hiddenSize())));
        for (EncoderLayer layer : w.text().layers()) {
            x = Layers.layerNorm(x.add(attention(layer, x)), layer.norm().weight(), layer.norm().bias(), eps);
            x = Layers.layerNorm(x.add(feedForward(layer, x)), layer.finalNorm().weight(), layer.finalNorm().bias(),
                    eps);
        }
        Tensor hidden = x.transpose(1, 2);
        Tensor stats = w.text().project().apply(hidden);
        long f = config.flowSize();
        return new Tensor[] {hidden, stats.narrow(1, 0, f), stats.narrow(1, f, f)};
    }

    /**
     * VitsAttention: scaled dot products plus the query's dot product with the key's relative-position embedding,
     * softmax, and the values plus the weights' relative-position embedding of values. The second term needs the
     * probabilities themselves, so scaled_dot_product_attention cannot compute it.
     */
    private Tensor attention(EncoderLayer l, Tensor x) {
        long b = x.size(0);
        long t = x.size(1);
        long heads = config.heads();
        long hd = config.headDim();
        Tensor q = Layers.linear(x, l.q(), l.qBias()).mul(new Scalar(Math.pow(hd, -0.5)))
                .view(b, t, heads, hd).transpose(1, 2);
        Tensor k = Layers.linear(x, l.k(), l.kBias()).view(b, t, heads, hd).transpose(1, 2);
        Tensor v = Layers.linear(x, l.v(), l.vBias()).view(b, t, heads, hd).transpose(1, 2);
        Tensor logits = q.matmul(k.transpose(2, 3));
        if (l.relK() != null) {
            logits = logits.add(relativeToAbsolute(q.matmul(relativeEmbeddings(l.relK(), t).t())));
        }
        Tensor probs = logits.softmax(-1);
        Tensor out = probs.matmul(v);
        if (l.relV() != null) {
            out = out.add(absoluteToRelative(probs).matmul(relativeEmbeddings(l.relV(), t)));
        }
        return Layers.linear(out.transpose(1, 2).reshape(b, t, config.hiddenSize()), l.out(), l.outBias());
    }

    /** The window's embeddings [2T − 1, hd] for relative positions −(T − 1) … T − 1, zero beyond the window. */
    private Tensor relativeEmbeddings(Tensor embeddings, long length) {
        long window = config.windowSize();
        long pad = Math.max(length - (window + 1), 0);
        Tensor padded = pad > 0 ? torch.constant_pad_nd(embeddings, new long[] {0, 0, pad, pad}, new Scalar(0))
                : embeddings;
        long start = Math.max(window + 1 - length, 0);
        return padded.narrow(1, start, 2 * length - 1).squeeze(0);
    }

    /** [.., T, 2T − 1] by relative position to [.., T, T] by key position (modeling_vits.py's pad-and-reshape). */
    private static Tensor relativeToAbsolute(Tensor x) {
        long[] shape = x.sizes().vec().get();
        long t = shape[shape.length - 2];
        Tensor flat = torch.constant_pad_nd(x.reshape(-1, t, 2 * t - 1), new long[] {0, 1}, new Scalar(0))
                .reshape(-1, 2 * t * t);
        Tensor out = torch.constant_pad_nd(flat, new long[] {0, t - 1}, new Scalar(0)).view(-1, t + 1, 2 * t - 1)
                .narrow(1, 0, t).narrow(2, t - 1, t);
        shape[shape.length - 1] = t;
        return out.reshape(shape);
    }

    /** [.., T, T] by key position to [.., T, 2T − 1] by relative position. */
    private static Tensor absoluteToRelative(Tensor x) {
        long[] shape = x.sizes().vec().get();
        long t = shape[shape.length - 1];
        Tensor flat = torch.constant_pad_nd(x.reshape(-1, t, t), new long[] {0, t - 1}, new Scalar(0))
                .reshape(-1, t * (2 * t - 1));
        Tensor out = torch.constant_pad_nd(flat, new long[] {t, 0}, new Scalar(0)).view(-1, t, 2 * t)
                .narrow(2, 1, 2 * t - 1);
        shape[shape.length - 1] = 2 * t - 1;
        return out.reshape(shape);
    }

    /** VitsFeedForward: two convolutions over time, padded (k − 1) / 2 left and k / 2 right. */
    private Tensor feedForward(EncoderLayer l, Tensor x) {
        int k = config.ffnKernelSize();
        long[] pad = {(k - 1) / 2, k / 2};
        Tensor y = l.ffn1().apply(torch.constant_pad_nd(x.transpose(1, 2), pad, new Scalar(0)));
        y = config.activation().apply(y);
        y = l.ffn2().apply(torch.constant_pad_nd(y, pad, new Scalar(0)));
        return y.transpose(1, 2);
    }

    private Tensor depthSeparable(DepthSeparable d, Tensor x, Tensor conditioning) {
        if (conditioning != null) {
            x = x.add(conditioning);
        }
        int k = config.durationKernelSize();
        long dilation = 1;
        for (int i = 0; i < d.dilated().size(); i++) {
            Tensor y = d.dilated().get(i).apply(x, (k * dilation - dilation) / 2, dilation, x.size(1));
            y = torch.gelu(d.norms1().get(i).channels(y, 1e-5));
            y = d.pointwise().get(i).apply(y);
            y = torch.gelu(d.norms2().get(i).channels(y, 1e-5));
            x = x.add(y);
            dilation *= k;
        }
        return x;
    }

    /**
     * VitsStochasticDurationPredictor.forward(reverse=True): noise · noise_scale_duration through the flows in
     * reverse order, leaving out flows.1 ("a useless vflow"), each preceded by a channel flip; channel 0 is log w.
     */
    private Tensor stochasticLogDurations(Tensor hidden, Tensor noise) {
        StochasticDuration s = w.stochastic();
        Tensor x = s.proj().apply(depthSeparable(s.dds(), s.pre().apply(hidden), null));
        Tensor z = noise.mul(new Scalar(config.noiseScaleDuration()));
        List<ConvFlow> used = new ArrayList<>(s.flows().subList(1, s.flows().size()));
        Collections.reverse(used);
        for (ConvFlow flow : used) {
            z = splineCouplingInverse(flow, torch.flip(z, 1), x);
        }
        z = torch.flip(z, 1);
        z = z.sub(s.translate()).mul(s.logScale().neg().exp());
        return z.narrow(1, 0, 1);
    }

    private Tensor splineCouplingInverse(ConvFlow flow, Tensor z, Tensor conditioning) {
        Tensor first = z.narrow(1, 0, 1);
        Tensor second = z.narrow(1, 1, 1);
        Tensor h = flow.proj().apply(depthSeparable(flow.dds(), flow.pre().apply(first), conditioning));
        long bins = config.flowBins();
        long t = z.size(2);
        h = h.reshape(z.size(0), 1, 3 * bins - 1, t).permute(0, 1, 3, 2);
        Scalar root = new Scalar(Math.sqrt(config.hiddenSize()));
        Tensor widths = h.narrow(3, 0, bins).div(root);
        Tensor heights = h.narrow(3, bins, bins).div(root);
        Tensor derivatives = h.narrow(3, 2 * bins, bins - 1);
        return torch.cat(new TensorVector(first, Spline.inverse(second, widths, heights, derivatives,
                config.tailBound())), 1);
    }

    /** VitsDurationPredictor. */
    private Tensor deterministicLogDurations(Tensor hidden) {
        DeterministicDuration d = w.deterministic();
        int pad = config.durationKernelSize() / 2;
        double eps = config.layerNormEps();
        Tensor x = d.norm1().channels(torch.relu(d.conv1().apply(hidden, pad, 1, 1)), eps);
        x = d.norm2().channels(torch.relu(d.conv2().apply(x, pad, 1, 1)), eps);
        return d.proj().apply(x);
    }

    /** VitsResidualCouplingBlock.forward(reverse=True). */
    private Tensor flowInverse(Tensor z) {
        long half = config.flowSize() / 2;
        for (int i = w.flow().size() - 1; i >= 0; i--) {
            Coupling c = w.flow().get(i);
            z = torch.flip(z, 1);
            Tensor first = z.narrow(1, 0, half);
            Tensor mean = c.post().apply(wavenet(c.wavenet(), c.pre().apply(first)));
            z = torch.cat(new TensorVector(first, z.narrow(1, half, half).sub(mean)), 1);
        }
        return z;
    }

    private Tensor wavenet(WaveNet net, Tensor x) {
        long h = config.hiddenSize();
        int k = config.wavenetKernelSize();
        Tensor out = null;
        long dilation = 1;
        int layers = net.in().size();
        for (int i = 0; i < layers; i++) {
            Tensor y = net.in().get(i).apply(x, (k * dilation - dilation) / 2, dilation, 1);
            Tensor acts = y.narrow(1, 0, h).tanh().mul(y.narrow(1, h, h).sigmoid());
            Tensor resSkip = net.resSkip().get(i).apply(acts);
            Tensor skip = i < layers - 1 ? resSkip.narrow(1, h, h) : resSkip;
            if (i < layers - 1) {
                x = x.add(resSkip.narrow(1, 0, h));
            }
            out = out == null ? skip : out.add(skip);
            dilation *= config.wavenetDilationRate();
        }
        return out;
    }

    /**
     * VitsHifiGan: the waveform [1, 1, frames · hop] in (−1, 1). The signal runs as [1, C, 1, L] in channels-last
     * layout; the in-place steps act only on tensors this method has just made. Each stage, residual block and
     * residual step frees its temporaries when it ends ({@link Layers#scoped}): held to the end of the synthesis,
     * they were about 480 MB for a 141-frame sentence, all of it fresh pages the kernel had to fault in on a first
     * call (123,000 page faults, a quarter of its time).
     */
    private Tensor decode(Tensor spectrogram) {
        Hifigan d = decoder;
        Scalar slope = new Scalar(config.leakyReluSlope());
        Tensor x = ChannelsLast.conv1d(ChannelsLast.signal(spectrogram), d.pre().weight(), d.pre().bias(), 3, 1);
        for (int i = 0; i < d.upsamplers().size(); i++) {
            Tensor input = x;
            int stage = i;
            x = Layers.scoped(() -> upsampleStage(stage, input, slope));
        }
        // the last activation uses leaky_relu's default slope, 0.01, not the config's (VitsHifiGan.forward)
        Tensor out = ChannelsLast.conv1d(torch.leaky_relu_(x, new Scalar(0.01)), d.post().weight(), d.post().bias(),
                3, 1).tanh_();
        return ChannelsLast.unsignal(out);
    }

    /** Upsampler {@code i} over x (activated in place), then the mean of its multi-receptive-field residual blocks. */
    private Tensor upsampleStage(int i, Tensor x, Scalar slope) {
        Hifigan d = decoder;
        Tensor upsampled = d.upsamplers().get(i).apply(torch.leaky_relu_(x, slope));
        int kernels = config.resblockKernelSizes().size();
        Tensor sum = null;
        for (int j = 0; j < kernels; j++) {
            ResBlock block = d.resblocks().get(i * kernels + j);
            Tensor r = Layers.scoped(() -> resBlock(block, upsampled, slope));
            sum = sum == null ? r : sum.add_(r);
        }
        return sum.div_(new Scalar(kernels));
    }

    /** HifiGanResidualBlock over x, which it leaves as it is; the sum it returns is a new tensor. */
    private static Tensor resBlock(ResBlock block, Tensor x, Scalar slope) {
        for (int i = 0; i < block.dilations().size(); i++) {
            Tensor in = x;
            int step = i;
            x = Layers.scoped(() -> residualStep(block, step, in, slope));
        }
        return x;
    }

    /** One dilated convolution and one plain one, each after a leaky ReLU, plus x. */
    private static Tensor residualStep(ResBlock block, int i, Tensor x, Scalar slope) {
        int k = block.kernel();
        long dil = block.dilations().get(i);
        Conv c1 = block.convs1().get(i);
        Conv c2 = block.convs2().get(i);
        Tensor y = ChannelsLast.conv1d(torch.leaky_relu(x, slope), c1.weight(), c1.bias(), (k * dil - dil) / 2, dil);
        return ChannelsLast.conv1d(torch.leaky_relu_(y, slope), c2.weight(), c2.bias(), (k - 1) / 2, 1).add_(x);
    }

    @Override
    public void close() {
        decoder.close();
        pretrained.close();
    }
}

package dev.perennial.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A VITS config.json (model_type "vits", transformers' VitsConfig), every key defaulting as
 * configuration_vits.py does: the text encoder, the duration predictor (stochastic or deterministic), the
 * residual-coupling flow, the HiFi-GAN decoder and the synthesis settings. Multi-speaker models
 * (speaker_embedding_size above 0) are refused.
 */
public record VitsConfig(int vocabSize, int hiddenSize, int layers, int heads, int windowSize, boolean useBias,
                         int ffnDim, int ffnKernelSize, int flowSize, int spectrogramBins, Activation activation,
                         double layerNormEps, boolean stochasticDuration, int upsampleInitialChannel,
                         List<Integer> upsampleRates, List<Integer> upsampleKernelSizes,
                         List<Integer> resblockKernelSizes, List<List<Integer>> resblockDilationSizes,
                         double leakyReluSlope, int depthSeparableChannels, int depthSeparableLayers, int flowBins,
                         double tailBound, int durationKernelSize, int durationFlows, int durationFilterChannels,
                         int priorFlows, int priorWavenetLayers, int posteriorWavenetLayers, int wavenetKernelSize,
                         int wavenetDilationRate, double speakingRate, double noiseScale, double noiseScaleDuration,
                         int samplingRate) {

    public static final String MODEL_TYPE = "vits";

    public int headDim() {
        return hiddenSize / heads;
    }

    /** Waveform samples per spectrogram frame: the product of the upsample rates. */
    public int hopLength() {
        return upsampleRates.stream().reduce(1, (a, b) -> a * b);
    }

    /** Reads {@code file} (a config.json, or a folder holding one). */
    public static VitsConfig read(Path file) {
        Path json = Files.isDirectory(file) ? file.resolve("config.json") : file;
        return parse(ModelConfigs.readJson(json), json.toString());
    }

    public static VitsConfig parse(ObjectNode json, String source) {
        ConfigReader r = new ConfigReader(json, source);
        String type = r.text("model_type", null);
        r.require(MODEL_TYPE.equals(type), "model_type is " + (type == null ? "missing" : "'" + type + "'")
                + "; Perennial's VITS reads model_type '" + MODEL_TYPE + "'");
        int speakers = r.integer("speaker_embedding_size", 0);
        r.require(speakers == 0 && r.integer("num_speakers", 1) <= 1, "speaker_embedding_size is " + speakers
                + ": multi-speaker VITS models are not supported; use a single-speaker model such as "
                + "facebook/mms-tts-eng");
        int hidden = positive(r, "hidden_size", 192);
        int heads = positive(r, "num_attention_heads", 2);
        r.require(hidden % heads == 0, "hidden_size " + hidden + " is not a multiple of num_attention_heads " + heads);
        int flow = positive(r, "flow_size", 192);
        r.require(flow % 2 == 0, "flow_size " + flow + " is odd; the coupling flow splits it in halves");
        List<Integer> rates = positives(r, "upsample_rates", List.of(8, 8, 2, 2));
        List<Integer> kernels = positives(r, "upsample_kernel_sizes", List.of(16, 16, 4, 4));
        r.require(rates.size() == kernels.size(), "upsample_rates and upsample_kernel_sizes differ in length");
        for (int i = 0; i < rates.size(); i++) {
            r.require(kernels.get(i) >= rates.get(i), "upsample_kernel_sizes[" + i + "] is " + kernels.get(i)
                    + ", below upsample_rates[" + i + "] " + rates.get(i) + " (the upsampler's padding, (kernel − "
                    + "rate) / 2, would be negative); make the kernel at least the rate");
        }
        int initial = positive(r, "upsample_initial_channel", 512);
        r.require(initial >> rates.size() > 0, "upsample_initial_channel " + initial + " cannot be halved "
                + rates.size() + " times");
        List<Integer> resKernels = positives(r, "resblock_kernel_sizes", List.of(3, 7, 11));
        List<List<Integer>> dilations = dilations(r, resKernels.size());
        int dsChannels = positive(r, "depth_separable_channels", 2);
        r.require(dsChannels == 2, "depth_separable_channels is " + dsChannels + "; VITS's duration flows take 2");
        double tail = r.number("duration_predictor_tail_bound", 5.0);
        r.require(tail > 0, "duration_predictor_tail_bound is " + tail + ", not above 0");
        double rate = r.number("speaking_rate", 1.0);
        r.require(rate > 0, "speaking_rate is " + rate + ", not above 0");
        int layers = positive(r, "num_hidden_layers", 6);
        r.require(layers <= ModelConfigs.MAX_LAYERS, "num_hidden_layers is " + layers + ", more than "
                + ModelConfigs.MAX_LAYERS);
        double eps = r.number("layer_norm_eps", 1e-5);
        r.require(eps > 0 && eps < 1, "layer_norm_eps is " + eps + ", not a small positive number");
        return new VitsConfig(positive(r, "vocab_size", 38), hidden, layers, heads, r.integer("window_size", 4),
                r.bool("use_bias", true), positive(r, "ffn_dim", 768), positive(r, "ffn_kernel_size", 3), flow,
                positive(r, "spectrogram_bins", 513), r.activation("relu"), eps,
                r.bool("use_stochastic_duration_prediction", true), initial, rates, kernels, resKernels, dilations,
                r.number("leaky_relu_slope", 0.1), dsChannels, positive(r, "depth_separable_num_layers", 3),
                positive(r, "duration_predictor_flow_bins", 10), tail,
                positive(r, "duration_predictor_kernel_size", 3), positive(r, "duration_predictor_num_flows", 4),
                positive(r, "duration_predictor_filter_channels", 256), positive(r, "prior_encoder_num_flows", 4),
                positive(r, "prior_encoder_num_wavenet_layers", 4),
                positive(r, "posterior_encoder_num_wavenet_layers", 16), positive(r, "wavenet_kernel_size", 5),
                positive(r, "wavenet_dilation_rate", 1), rate, r.number("noise_scale", 0.667),
                r.number("noise_scale_duration", 0.8), positive(r, "sampling_rate", 16000));
    }

    private static int positive(ConfigReader r, String key, int fallback) {
        int v = r.integer(key, fallback);
        r.require(v > 0, key + " is " + v + ", not a whole number above 0");
        return v;
    }

    private static List<Integer> positives(ConfigReader r, String key, List<Integer> fallback) {
        JsonNode v = r.json().get(key);
        if (v == null || v.isNull()) {
            return fallback;
        }
        r.require(v.isArray() && !v.isEmpty(), key + " is " + v + ", not a list of whole numbers");
        List<Integer> out = new ArrayList<>();
        for (JsonNode item : v) {
            r.require(item.isIntegralNumber() && item.asInt() > 0, key + " holds " + item + ", not a whole number "
                    + "above 0");
            out.add(item.asInt());
        }
        return List.copyOf(out);
    }

    private static List<List<Integer>> dilations(ConfigReader r, int kernels) {
        String key = "resblock_dilation_sizes";
        JsonNode v = r.json().get(key);
        if (v == null || v.isNull()) {
            return List.of(List.of(1, 3, 5), List.of(1, 3, 5), List.of(1, 3, 5));
        }
        r.require(v.isArray() && v.size() == kernels, key + " is " + v + ", not one list of dilations per "
                + "resblock kernel size (" + kernels + ")");
        List<List<Integer>> out = new ArrayList<>();
        for (JsonNode row : v) {
            r.require(row.isArray() && !row.isEmpty(), key + " holds " + row + ", not a list of whole numbers");
            List<Integer> dil = new ArrayList<>();
            for (JsonNode d : row) {
                r.require(d.isIntegralNumber() && d.asInt() > 0, key + " holds " + d + ", not a whole number above 0");
                dil.add(d.asInt());
            }
            out.add(List.copyOf(dil));
        }
        return List.copyOf(out);
    }
}

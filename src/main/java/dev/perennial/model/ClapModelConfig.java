package dev.perennial.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.UserError;
import dev.perennial.io.Json;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A CLAP config.json (model_type "clap", transformers' ClapConfig), unfused (laion/clap-htsat-unfused) or fused
 * (laion/clap-htsat-fused, audio_config.enable_fusion): a RoBERTa text model, an HTSAT audio encoder, and the
 * projection both go through. Keys a sub-config leaves out take ClapTextConfig's and ClapAudioConfig's defaults; as
 * ClapConfig.__init__ does, the top level's projection_dim and projection_hidden_act override the sub-configs'
 * (configuration_clap.py).
 *
 * @param text                 the text model (ClapTextModel: RoBERTa positions, BERT layers, a tanh pooler)
 * @param audio                the audio encoder
 * @param projectionDim        the width of both embeddings (projection_dim)
 * @param projectionActivation between the projections' two linears (projection_hidden_act)
 * @param logitScaleInit       logit_scale_init_value (the checkpoint's logit scales are what the model uses)
 */
public record ClapModelConfig(BertConfig text, Audio audio, int projectionDim, Activation projectionActivation,
                              double logitScaleInit) {

    public static final String MODEL_TYPE = "clap";

    /** ClapTextConfig.__init__'s defaults (a roberta-base text model). */
    private static final Map<String, Object> TEXT_DEFAULTS = Map.ofEntries(Map.entry("vocab_size", 50265),
            Map.entry("hidden_size", 768), Map.entry("num_hidden_layers", 12), Map.entry("num_attention_heads", 12),
            Map.entry("intermediate_size", 3072), Map.entry("hidden_act", "gelu"),
            Map.entry("max_position_embeddings", 514), Map.entry("type_vocab_size", 1),
            Map.entry("layer_norm_eps", 1e-12), Map.entry("pad_token_id", 1));

    /**
     * ClapAudioConfig: HTSAT, a Swin transformer over the log-mel spectrogram folded into a square image of
     * spec_size (time in freq_ratio = spec_size / num_mel_bins bands stacked along the frequency axis).
     *
     * @param depths blocks per stage; stage i has width patchEmbedsHiddenSize·2^i and heads.get(i) heads
     * @param fusion enable_fusion: the input has 4 channels (the whole mel shrunk, then 3 crops) and the patch
     *               embedding fuses the crops into the whole's patches for clips marked longer (ClapAudioPatchEmbed)
     * @param affBlockR aff_block_r: ClapAudioAFFBlock's inner width is patch_embeds_hidden_size // aff_block_r
     */
    public record Audio(int windowSize, int numMelBins, int specSize, int patchSize, int patchStride,
                        int patchEmbedsHiddenSize, List<Integer> depths, List<Integer> heads, int hiddenSize,
                        double mlpRatio, boolean qkvBias, boolean patchNorm, Activation activation,
                        double layerNormEps, boolean fusion, int affBlockR) {

        /** The input features' channels: 4 with fusion, else 1. */
        public int inputChannels() {
            return fusion ? 4 : 1;
        }

        /** ClapAudioAFFBlock's inter_channels. */
        public int fusionInner() {
            return patchEmbedsHiddenSize / affBlockR;
        }

        /** How many time bands the spectrogram is cut into (spec_size // num_mel_bins). */
        public int freqRatio() {
            return specSize / numMelBins;
        }

        /** The most feature frames the encoder takes (spec_size · freq_ratio); fewer are stretched to it. */
        public int maxFrames() {
            return specSize * freqRatio();
        }

        public int stages() {
            return depths.size();
        }

        /** Patches along each side of stage {@code i}'s grid. */
        public int resolution(int i) {
            return (specSize / patchStride) >> i;
        }

        public int dim(int i) {
            return patchEmbedsHiddenSize << i;
        }

        /** ClapAudioIntermediate's width: int(mlp_ratio · dim). */
        public int intermediate(int i) {
            return (int) (mlpRatio * dim(i));
        }

        /** The attention window of stage i: the whole grid once it is no larger (set_shift_and_window_size). */
        public int window(int i) {
            return Math.min(windowSize, resolution(i));
        }

        /** Odd blocks shift their windows by half a window, unless the window covers the grid. */
        public int shift(int stage, int block) {
            return block % 2 == 1 && resolution(stage) > windowSize ? windowSize / 2 : 0;
        }
    }

    /** Reads a config.json. */
    public static ClapModelConfig read(Path file) {
        return parse(ModelConfigs.readJson(file), file.toString());
    }

    /** Parses a config.json's content; {@code source} names it in errors. */
    public static ClapModelConfig parse(ObjectNode json, String source) {
        ConfigReader top = new ConfigReader(json, source);
        String type = top.text("model_type", null);
        top.require(MODEL_TYPE.equals(type), "model_type " + (type == null ? "is missing" : "'" + type + "' is not "
                + "supported here") + "; Perennial's CLAP reads model_type '" + MODEL_TYPE + "' (the whole ClapModel)");
        int projection = top.integer("projection_dim", 512);
        top.require(projection > 0, "projection_dim is " + projection + ", not a whole number above 0");
        Activation act = Activation.byName(top.text("projection_hidden_act", "relu")).orElseThrow(() ->
                new UserError(source + ": projection_hidden_act '" + top.text("projection_hidden_act", "")
                        + "' is not supported; Perennial supports " + String.join(", ", Activation.allNames())));
        BertConfig text = BertConfig.clapText(withDefaults(json, "text_config", TEXT_DEFAULTS, source));
        Audio audio = audio(top.object("audio_config"));
        return new ClapModelConfig(text, audio, projection, act, top.number("logit_scale_init_value", 1 / 0.07));
    }

    private static ConfigReader withDefaults(ObjectNode json, String key, Map<String, Object> defaults,
                                             String source) {
        ConfigReader given = new ConfigReader(json, source).object(key);
        ObjectNode merged = Json.MAPPER.valueToTree(defaults);
        merged.setAll(given.json());
        return new ConfigReader(merged, given.source());
    }

    private static Audio audio(ConfigReader r) {
        boolean fusion = r.bool("enable_fusion", false);
        // with channel_map, transformers gives proj 4 input channels but feeds it the first channel only
        r.require(!fusion || !"channel_map".equals(r.text("fusion_type", null)), "fusion_type is channel_map, which "
                + "ClapAudioPatchEmbed cannot run (its proj takes 4 channels but is given 1); the fused checkpoints "
                + "use the attentional feature fusion (fusion_type aff_2d or null)");
        r.require(r.bool("flatten_patch_embeds", true), "flatten_patch_embeds is false, which ClapAudioEncoder "
                + "cannot run; set it to true");
        r.require(r.integer("patch_embed_input_channels", 1) == 1, "patch_embed_input_channels is "
                + r.integer("patch_embed_input_channels", 1) + "; CLAP's patch embedding takes 1 channel at a time");
        int window = positive(r, "window_size", 8);
        int mels = positive(r, "num_mel_bins", 64);
        int spec = positive(r, "spec_size", 256);
        int patch = positive(r, "patch_size", 4);
        int stride = stride(r);
        int embed = positive(r, "patch_embeds_hidden_size", 96);
        List<Integer> depths = list(r, "depths", List.of(2, 2, 6, 2));
        List<Integer> heads = list(r, "num_attention_heads", List.of(4, 8, 16, 32));
        r.require(depths.size() == heads.size(), "depths has " + depths.size() + " stages but num_attention_heads "
                + heads.size() + "; give one head count per stage");
        r.require(spec % mels == 0 && spec >= mels, "spec_size " + spec + " is not a multiple of num_mel_bins "
                + mels + "; HTSAT folds the spectrogram into spec_size // num_mel_bins bands");
        Audio a = new Audio(window, mels, spec, patch, stride, embed, depths, heads,
                positive(r, "hidden_size", 768), r.number("mlp_ratio", 4.0), r.bool("qkv_bias", true),
                r.bool("enable_patch_layer_norm", true), r.activation("gelu"), r.number("layer_norm_eps", 1e-5),
                fusion, positive(r, "aff_block_r", 4));
        r.require(!fusion || a.fusionInner() > 0, "aff_block_r " + a.affBlockR() + " is above "
                + "patch_embeds_hidden_size " + embed + ", leaving ClapAudioAFFBlock no channels");
        r.require(a.mlpRatio() > 0, "mlp_ratio is " + a.mlpRatio() + ", not above 0");
        r.require(spec % stride == 0, "spec_size " + spec + " is not a multiple of patch_stride " + stride);
        int last = a.stages() - 1;
        r.require(a.hiddenSize() == a.dim(last), "hidden_size " + a.hiddenSize() + " is not the last stage's width "
                + "patch_embeds_hidden_size · 2^" + last + " = " + a.dim(last));
        for (int i = 0; i <= last; i++) {
            int res = a.resolution(i);
            r.require(res >= window && res % window == 0, "stage " + i + " has a " + res + "×" + res + " patch grid, "
                    + "which windows of window_size " + window + " do not tile (padded windows are not supported)");
            r.require(a.dim(i) % heads.get(i) == 0, "stage " + i + "'s width " + a.dim(i) + " is not a multiple of "
                    + "its num_attention_heads " + heads.get(i));
        }
        r.require(a.resolution(last) % a.freqRatio() == 0, "the last stage's grid " + a.resolution(last)
                + " is not a multiple of spec_size // num_mel_bins = " + a.freqRatio()
                + ", which ClapAudioEncoder's pooling needs");
        return a;
    }

    private static int stride(ConfigReader r) {
        JsonNode s = r.json().get("patch_stride");
        if (s == null || s.isNull()) {
            return 4;
        }
        if (s.isIntegralNumber() && s.asInt() > 0) {
            return s.asInt();
        }
        r.require(s.isArray() && s.size() == 2 && s.get(0).isIntegralNumber() && s.get(0).asInt() > 0
                && s.get(0).asInt() == s.get(1).asInt(), "patch_stride is " + s + "; Perennial's CLAP takes one "
                + "stride for both axes, such as [4, 4]");
        return s.get(0).asInt();
    }

    private static List<Integer> list(ConfigReader r, String key, List<Integer> fallback) {
        JsonNode v = r.json().get(key);
        if (v == null || v.isNull()) {
            return fallback;
        }
        List<Integer> out = new ArrayList<>();
        boolean ok = v.isArray() && !v.isEmpty() && v.size() <= 16;
        for (JsonNode e : v) {
            ok &= e.isIntegralNumber() && e.asInt() > 0;
            out.add(e.asInt());
        }
        r.require(ok, key + " is " + v + ", not a list of 1 to 16 whole numbers above 0");
        return List.copyOf(out);
    }

    private static int positive(ConfigReader r, String key, int fallback) {
        int v = r.integer(key, fallback);
        r.require(v > 0, key + " is " + v + ", not a whole number above 0");
        return v;
    }
}

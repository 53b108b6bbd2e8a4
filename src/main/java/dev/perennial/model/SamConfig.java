package dev.perennial.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A SAM config.json (model_type "sam", transformers' SamConfig): the ViT image encoder, the prompt encoder and the
 * mask decoder, each a sub-config; missing keys take configuration_sam.py's defaults. The vision encoder's
 * {@code mlp_dim} overrides {@code hidden_size * mlp_ratio}: Zigeng/SlimSAM-uniform-77, SAM pruned, has
 * hidden_size 168 and mlp_dim 696 in every layer.
 */
public record SamConfig(Vision vision, Prompt prompt, Decoder decoder) {

    public static final String MODEL_TYPE = "sam";

    /**
     * SamVisionConfig.
     *
     * @param globalLayers the layers that attend over the whole grid (global_attn_indexes); the others attend within
     *                     windows of {@code windowSize}
     * @param posFeats     num_pos_feats: the random Fourier features shared with the prompt encoder (2 x this wide)
     */
    public record Vision(int hidden, int outputChannels, int layers, int heads, int channels, int imageSize,
                         int patchSize, double layerNormEps, boolean qkvBias, int mlpDim, int windowSize,
                         List<Integer> globalLayers, int posFeats) {

        /** The patches per side, image_size // patch_size. */
        public int grid() {
            return imageSize / patchSize;
        }

        public int headDim() {
            return hidden / heads;
        }

        /** The attention window of layer {@code i}: the whole grid for a global layer, else window_size. */
        public int window(int i) {
            return globalLayers.contains(i) ? 0 : windowSize;
        }
    }

    /** SamPromptEncoderConfig. */
    public record Prompt(int hidden, int imageSize, int patchSize, int maskInputChannels, int pointEmbeddings,
                         double layerNormEps) {

        /** image_embedding_size: the grid the image embeddings have. */
        public int embeddingSize() {
            return imageSize / patchSize;
        }
    }

    /** SamMaskDecoderConfig. */
    public record Decoder(int hidden, int mlpDim, int layers, int heads, int downsampleRate, int multimaskOutputs,
                          int iouHeadDepth, int iouHeadHidden, double layerNormEps) {

        /** The mask tokens: one per multimask output and the single-mask one. */
        public int maskTokens() {
            return multimaskOutputs + 1;
        }
    }

    public static SamConfig read(Path file) {
        Path json = Files.isDirectory(file) ? file.resolve("config.json") : file;
        return parse(ModelConfigs.readJson(json), json.toString());
    }

    public static SamConfig parse(ObjectNode json, String source) {
        ConfigReader r = new ConfigReader(json, source);
        String type = r.text("model_type", null);
        r.require(MODEL_TYPE.equals(type), "model_type is " + (type == null ? "missing" : "'" + type + "'")
                + "; Perennial's SAM reads model_type '" + MODEL_TYPE + "'");
        Vision vision = vision(r.object("vision_config"));
        Prompt prompt = prompt(r.object("prompt_encoder_config"));
        Decoder decoder = decoder(r.object("mask_decoder_config"));
        r.require(vision.imageSize() == prompt.imageSize() && vision.grid() == prompt.embeddingSize(),
                "vision_config's image_size/patch_size (" + vision.imageSize() + "/" + vision.patchSize()
                        + ") differ from prompt_encoder_config's (" + prompt.imageSize() + "/" + prompt.patchSize()
                        + "); the prompts are placed on the image encoder's grid");
        r.require(vision.outputChannels() == prompt.hidden() && prompt.hidden() == decoder.hidden()
                        && 2 * vision.posFeats() == decoder.hidden(),
                "the widths disagree: vision_config output_channels " + vision.outputChannels() + ", 2 x num_pos_feats "
                        + 2 * vision.posFeats() + ", prompt_encoder_config hidden_size " + prompt.hidden()
                        + " and mask_decoder_config hidden_size " + decoder.hidden() + " must be equal");
        return new SamConfig(vision, prompt, decoder);
    }

    private static Vision vision(ConfigReader r) {
        int hidden = r.positive("hidden_size", 768);
        int heads = r.heads("num_attention_heads", 12, hidden);
        r.require("gelu".equals(r.text("hidden_act", "gelu")), "hidden_act is '" + r.text("hidden_act", "")
                + "'; SAM's image encoder uses gelu");
        r.require(r.bool("use_abs_pos", true) && r.bool("use_rel_pos", true), "use_abs_pos and use_rel_pos must be "
                + "true (SAM's and SlimSAM's image encoders use both)");
        double ratio = r.number("mlp_ratio", 4.0);
        JsonNode mlp = r.json().get("mlp_dim");
        int mlpDim = mlp == null || mlp.isNull() ? (int) (hidden * ratio) : r.positive("mlp_dim", 0);
        int layers = r.layers("num_hidden_layers", 12);
        int imageSize = r.positive("image_size", 1024);
        int patch = r.positive("patch_size", 16);
        r.require(imageSize % patch == 0, "image_size " + imageSize + " is not a multiple of patch_size " + patch);
        return new Vision(hidden, r.positive("output_channels", 256), layers, heads, r.positive("num_channels", 3),
                imageSize, patch, r.number("layer_norm_eps", 1e-6), r.bool("qkv_bias", true), mlpDim,
                r.positive("window_size", 14), globalLayers(r, layers), r.positive("num_pos_feats", 128));
    }

    private static List<Integer> globalLayers(ConfigReader r, int layers) {
        JsonNode v = r.json().get("global_attn_indexes");
        if (v == null || v.isNull()) {
            return List.of(2, 5, 8, 11);
        }
        r.require(v.isArray(), "global_attn_indexes is " + v + ", not a list of layer numbers");
        List<Integer> out = new ArrayList<>();
        for (JsonNode n : v) {
            r.require(n.isIntegralNumber() && n.asInt() >= 0 && n.asInt() < layers, "global_attn_indexes is " + v
                    + "; each is a layer number from 0 to " + (layers - 1));
            out.add(n.asInt());
        }
        return List.copyOf(out);
    }

    private static Prompt prompt(ConfigReader r) {
        int channels = r.positive("mask_input_channels", 16);
        r.require(channels % 4 == 0, "mask_input_channels is " + channels + ", not a multiple of 4");
        r.require("gelu".equals(r.text("hidden_act", "gelu")), "hidden_act is '" + r.text("hidden_act", "")
                + "'; SAM's mask embedding (mask prompts) uses gelu");
        int points = r.positive("num_point_embeddings", 4);
        r.require(points == 4, "num_point_embeddings is " + points + "; SAM embeds 4 kinds of point (negative, "
                + "positive, box corners)");
        return new Prompt(r.positive("hidden_size", 256), r.positive("image_size", 1024), r.positive("patch_size", 16),
                channels, points, r.number("layer_norm_eps", 1e-6));
    }

    private static Decoder decoder(ConfigReader r) {
        int hidden = r.positive("hidden_size", 256);
        r.require(hidden % 8 == 0, "hidden_size is " + hidden + ", not a multiple of 8 (the mask upscaling divides "
                + "it by 4 and 8)");
        r.require("relu".equals(r.text("hidden_act", "relu")), "hidden_act is '" + r.text("hidden_act", "")
                + "'; SAM's mask decoder uses relu");
        int heads = r.positive("num_attention_heads", 8);
        int rate = r.positive("attention_downsample_rate", 2);
        r.require(hidden % rate == 0 && (hidden / rate) % heads == 0, "num_attention_heads " + heads + " does not "
                + "divide hidden_size / attention_downsample_rate = " + hidden + " / " + rate);
        int depth = r.positive("iou_head_depth", 3);
        r.require(depth >= 2, "iou_head_depth is " + depth + "; the IoU head has at least its in and out layers");
        return new Decoder(hidden, r.positive("mlp_dim", 2048), r.layers("num_hidden_layers", 2), heads, rate,
                r.positive("num_multimask_outputs", 3), depth, r.positive("iou_head_hidden_dim", 256),
                r.number("layer_norm_eps", 1e-6));
    }
}

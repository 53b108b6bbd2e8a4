package dev.perennial.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A CLIP config.json (model_type "clip", transformers' CLIPConfig): a text tower, a vision tower and the width of
 * the space both project into. Every key a tower leaves out takes CLIPTextConfig's or CLIPVisionConfig's default,
 * and, as CLIPConfig.__init__ does for older openai configs, a {@code text_config_dict} or {@code vision_config_dict}
 * (completed with those defaults) overrides its {@code text_config} or {@code vision_config} entirely. Only the whole
 * model is supported: a lone {@code clip_text_model} or {@code clip_vision_model} config is refused.
 *
 * @param text          the text tower
 * @param vision        the vision tower
 * @param projectionDim the width of image and text embeddings (projection_dim, default 512)
 * @param logitScaleInit logit_scale_init_value (the checkpoint's logit_scale is what the model uses)
 */
public record ClipConfig(Text text, Vision vision, int projectionDim, double logitScaleInit) {

    /** The only model_type this family reads. */
    public static final String MODEL_TYPE = "clip";

    /**
     * CLIPTextConfig: a causal pre-LayerNorm transformer over learned positions.
     *
     * @param eosTokenId where the text is pooled: openai's configs say 2, which transformers reads as "pool at the
     *                   largest id" (see {@link #legacyEosPooling()})
     */
    public record Text(int vocabSize, int hiddenSize, int intermediateSize, int layers, int heads, int maxPositions,
                       Activation activation, double layerNormEps, int bosTokenId, int eosTokenId, int padTokenId) {

        public int headDim() {
            return hiddenSize / heads;
        }

        /**
         * Whether the text is pooled at argmax(input_ids) rather than at the first eos_token_id: transformers does so
         * for configs with eos_token_id 2 (modeling_clip.py, CLIPTextTransformer.forward, PR #24773), which openai's
         * configs carry; their real eos, 49407, is the largest id of the vocabulary, so both rules agree there.
         */
        public boolean legacyEosPooling() {
            return eosTokenId == 2;
        }
    }

    /** CLIPVisionConfig: a ViT with a class token, a pre-LayerNorm before the encoder and one after it. */
    public record Vision(int hiddenSize, int intermediateSize, int layers, int heads, int numChannels, int imageSize,
                         int patchSize, Activation activation, double layerNormEps) {

        public int headDim() {
            return hiddenSize / heads;
        }

        /** Patches along each side of the image. */
        public int grid() {
            return imageSize / patchSize;
        }

        /** The class token plus one position per patch. */
        public int positions() {
            return grid() * grid() + 1;
        }
    }

    /** The side of the square images the vision tower takes, in pixels. */
    public int imageSize() {
        return vision.imageSize();
    }

    /** The most tokens (bos and eos included) the text tower takes. */
    public int textMaxPositions() {
        return text.maxPositions();
    }

    /** Reads {@code file} (a config.json, or a folder holding one). */
    public static ClipConfig read(Path file) {
        Path json = Files.isDirectory(file) ? file.resolve("config.json") : file;
        return parse(ModelConfigs.readJson(json), json.toString());
    }

    /** Parses a config.json's content; {@code source} names it in errors. */
    public static ClipConfig parse(ObjectNode json, String source) {
        ConfigReader top = new ConfigReader(json, source);
        String type = top.text("model_type", null);
        top.require(type != null, "model_type is missing; Perennial's CLIP reads model_type '" + MODEL_TYPE + "'");
        top.require(type.equals(MODEL_TYPE), "model_type '" + type + "' is not supported here; Perennial's CLIP "
                + "reads model_type '" + MODEL_TYPE + "' (the whole CLIPModel; a lone clip_text_model or "
                + "clip_vision_model is not supported)");
        Text text = text(tower(json, "text", source));
        Vision vision = vision(tower(json, "vision", source));
        int projection = positive(top, "projection_dim", 512);
        return new ClipConfig(text, vision, projection, top.number("logit_scale_init_value", 2.6592));
    }

    /** {name}_config, or {name}_config_dict when present (CLIPConfig.__init__), as a reader naming the key. */
    private static ConfigReader tower(ObjectNode json, String name, String source) {
        String key = name + "_config";
        JsonNode legacy = json.get(key + "_dict");
        if (legacy != null && !legacy.isNull()) {
            key += "_dict";
        }
        return new ConfigReader(json, source).object(key);
    }

    private static Text text(ConfigReader r) {
        int hidden = positive(r, "hidden_size", 512);
        int heads = positive(r, "num_attention_heads", 8);
        r.require(hidden % heads == 0, "hidden_size " + hidden + " is not a multiple of num_attention_heads " + heads);
        int vocab = positive(r, "vocab_size", 49408);
        int eos = r.integer("eos_token_id", 49407);
        r.require(eos == 2 || (eos >= 0 && eos < vocab), "eos_token_id " + eos + " is not an id of the "
                + vocab + "-token vocabulary");
        return new Text(vocab, hidden, positive(r, "intermediate_size", 2048), layers(r),
                heads, positive(r, "max_position_embeddings", 77), r.activation("quick_gelu"),
                epsilon(r), r.integer("bos_token_id", 49406), eos, r.integer("pad_token_id", 1));
    }

    private static Vision vision(ConfigReader r) {
        int hidden = positive(r, "hidden_size", 768);
        int heads = positive(r, "num_attention_heads", 12);
        r.require(hidden % heads == 0, "hidden_size " + hidden + " is not a multiple of num_attention_heads " + heads);
        int image = positive(r, "image_size", 224);
        int patch = positive(r, "patch_size", 32);
        r.require(patch <= image, "patch_size " + patch + " is larger than image_size " + image);
        return new Vision(hidden, positive(r, "intermediate_size", 3072), layers(r), heads,
                positive(r, "num_channels", 3), image, patch, r.activation("quick_gelu"), epsilon(r));
    }

    private static int positive(ConfigReader r, String key, int fallback) {
        int v = r.integer(key, fallback);
        r.require(v > 0, key + " is " + v + ", not a whole number above 0");
        return v;
    }

    private static int layers(ConfigReader r) {
        int layers = positive(r, "num_hidden_layers", 12);
        r.require(layers <= ModelConfigs.MAX_LAYERS, "num_hidden_layers is " + layers + ", more than "
                + ModelConfigs.MAX_LAYERS + "; published models have at most a few hundred layers");
        return layers;
    }

    private static double epsilon(ConfigReader r) {
        double eps = r.number("layer_norm_eps", 1e-5);
        r.require(eps > 0 && eps < 1, "layer_norm_eps is " + eps + ", not a small positive number");
        return eps;
    }
}

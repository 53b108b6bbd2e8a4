package dev.perennial.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A BLIP config.json (model_type "blip", transformers' BlipConfig): a ViT ({@code vision_config}, read into
 * {@link ClipConfig.Vision}, CLIP's tower shape), a BERT-style text model with cross-attention in every layer
 * ({@code text_config}, BlipTextConfig; is_decoder is true in every published checkpoint) and the head the checkpoint
 * was saved with ({@code architectures}). Keys left out take BlipTextConfig's and BlipVisionConfig's defaults
 * (configuration_blip.py), which are Salesforce/blip-*-base's.
 *
 * @param head                the model class ({@link Head})
 * @param imageTextHiddenSize the width of BlipForImageTextRetrieval's vision_proj and text_proj (default 256)
 * @param textConfig          text_config as written: its generation keys (max_length, num_beams, …) are how the
 *                            text decoder generates (GenerationConfig.from_model_config; max_length as
 *                            {@link #maxLength} reads it)
 */
public record BlipConfig(Head head, Text text, ClipConfig.Vision vision, int imageTextHiddenSize,
                         ObjectNode textConfig) {

    public static final String MODEL_TYPE = "blip";

    /** GenerationConfig's max_length when nothing sets it (generation/configuration_utils.py). */
    static final int DEFAULT_MAX_LENGTH = 20;

    /** The checkpoint's class: which parts it holds besides the vision model. */
    public enum Head {
        /** Image captioning: text_decoder (BlipTextLMHeadModel) cross-attending the image. */
        CONDITIONAL_GENERATION("BlipForConditionalGeneration"),
        /** Visual question answering: text_encoder over the question and the image, text_decoder over the question. */
        QUESTION_ANSWERING("BlipForQuestionAnswering"),
        /** Image-text matching: text_encoder, itm_head, vision_proj and text_proj. */
        IMAGE_TEXT_RETRIEVAL("BlipForImageTextRetrieval");

        private final String className;

        Head(String className) {
            this.className = className;
        }

        public String className() {
            return className;
        }

        boolean hasTextEncoder() {
            return this != CONDITIONAL_GENERATION;
        }

        boolean hasTextDecoder() {
            return this != IMAGE_TEXT_RETRIEVAL;
        }
    }

    /**
     * BlipTextConfig.
     *
     * @param encoderHiddenSize the width of what cross-attention reads (the vision model's hidden_size)
     * @param bosTokenId        [DEC], where every decoded sequence starts
     * @param sepTokenId        [SEP], where decoding stops (generate's eos_token_id)
     */
    public record Text(int vocabSize, int hiddenSize, int encoderHiddenSize, int intermediateSize, int layers,
                       int heads, int maxPositions, Activation activation, double layerNormEps, int bosTokenId,
                       int padTokenId, int sepTokenId) {

        public int headDim() {
            return hiddenSize / heads;
        }
    }

    /**
     * The text decoder's generation settings as BLIP's generate passes them (BlipForConditionalGeneration.generate,
     * BlipForQuestionAnswering.generate): text_config's generation keys (max_length, num_beams, …), decoding from
     * bos_token_id ([DEC]) and stopping at sep_token_id, padding with pad_token_id.
     */
    public ObjectNode generationSettings() {
        ObjectNode settings = textConfig.deepCopy();
        settings.put("decoder_start_token_id", text.bosTokenId());
        settings.put("eos_token_id", text.sepTokenId());
        settings.put("pad_token_id", text.padTokenId());
        return settings;
    }

    /**
     * The most tokens a decoded sequence holds after a prompt of {@code promptLength} tokens ([DEC] included), as
     * transformers 5 generates: text_config's max_length 20 (or none) is GenerationConfig's default, which the text
     * decoder's generation config does not keep, so GenerationMixin._prepare_generated_length (generation/utils.py,
     * "by default let's always generate 20 new tokens") allows 20 tokens after the prompt, within
     * max_position_embeddings; any other max_length counts the prompt's tokens.
     */
    public int maxLength(int promptLength) {
        JsonNode set = textConfig.get("max_length");
        if (set != null && set.isIntegralNumber() && set.asInt() != DEFAULT_MAX_LENGTH) {
            return set.asInt();
        }
        return Math.min(DEFAULT_MAX_LENGTH + promptLength, text.maxPositions());
    }

    /** Reads {@code file} (a config.json, or a folder holding one). */
    public static BlipConfig read(Path file) {
        Path json = Files.isDirectory(file) ? file.resolve("config.json") : file;
        return parse(ModelConfigs.readJson(json), json.toString());
    }

    /** Parses a config.json's content; {@code source} names it in errors. */
    public static BlipConfig parse(ObjectNode json, String source) {
        ConfigReader top = new ConfigReader(json, source);
        String type = top.text("model_type", null);
        top.require(MODEL_TYPE.equals(type), "model_type " + (type == null ? "is missing" : "'" + type + "' is not "
                + "BLIP's") + "; Perennial's BLIP reads model_type '" + MODEL_TYPE + "' (BlipForConditionalGeneration, "
                + "BlipForQuestionAnswering, BlipForImageTextRetrieval)");
        Head head = head(json, top);
        ConfigReader visionReader = top.object("vision_config");
        ClipConfig.Vision vision = vision(visionReader);
        ConfigReader textReader = top.object("text_config");
        Text text = text(textReader, vision.hiddenSize());
        return new BlipConfig(head, text, vision, top.positive("image_text_hidden_size", 256), textReader.json());
    }

    private static Head head(ObjectNode json, ConfigReader top) {
        JsonNode architectures = json.get("architectures");
        String name = architectures != null && architectures.isArray() && !architectures.isEmpty()
                ? architectures.get(0).asText() : null;
        for (Head h : Head.values()) {
            if (h.className.equals(name)) {
                return h;
            }
        }
        List<String> known = java.util.Arrays.stream(Head.values()).map(Head::className).toList();
        top.require(false, "architectures " + (name == null ? "is missing" : "names " + name) + "; Perennial's BLIP "
                + "runs " + String.join(", ", known) + " (set architectures to the class the weights were saved "
                + "from)");
        return null;
    }

    private static ClipConfig.Vision vision(ConfigReader r) {
        int hidden = r.positive("hidden_size", 768);
        int heads = r.heads("num_attention_heads", 12, hidden);
        int image = r.positive("image_size", 384);
        int patch = r.positive("patch_size", 16);
        r.require(patch <= image, "patch_size " + patch + " is larger than image_size " + image);
        return new ClipConfig.Vision(hidden, r.positive("intermediate_size", 3072), r.layers("num_hidden_layers", 12),
                heads, r.positive("num_channels", 3), image, patch, r.activation("gelu"),
                r.number("layer_norm_eps", 1e-5));
    }

    private static Text text(ConfigReader r, int visionWidth) {
        int vocab = r.positive("vocab_size", 30524);
        int hidden = r.positive("hidden_size", 768);
        int heads = r.heads("num_attention_heads", 8, hidden);
        r.require(r.bool("is_decoder", true), "is_decoder is false; BLIP's text models have a cross-attention "
                + "block in every layer only when it is true, as every published checkpoint has it");
        return new Text(vocab, hidden, r.positive("encoder_hidden_size", visionWidth),
                r.positive("intermediate_size", 3072), r.layers("num_hidden_layers", 12), heads,
                r.positive("max_position_embeddings", 512), r.activation("gelu"), r.number("layer_norm_eps", 1e-12),
                r.token("bos_token_id", 30522, vocab), r.token("pad_token_id", 0, vocab),
                r.token("sep_token_id", 102, vocab));
    }
}

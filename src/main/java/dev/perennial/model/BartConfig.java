package dev.perennial.model;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A BART config.json (model_type "bart", transformers' BartConfig, as BartForConditionalGeneration checkpoints such
 * as facebook/bart-large-cnn carry it). Keys left out take BartConfig's defaults (configuration_bart.py). The mBART
 * variants' pre-LN layers (normalize_before, add_final_layer_norm) are refused: modeling_bart.py has none.
 *
 * @param embedScale sqrt(d_model) when scale_embedding, else 1 (BartEncoder / BartDecoder)
 * @param prefix     what the text-to-text pipelines put before every input (config.json's prefix, " " for
 *                   facebook/bart-large-cnn; pipelines/text2text_generation.py _parse_and_tokenize)
 */
public record BartConfig(int vocabSize, int dModel, int encoderLayers, int encoderHeads, int encoderFfnDim,
                         int decoderLayers, int decoderHeads, int decoderFfnDim, int maxPositions,
                         Activation activation, double embedScale, int padTokenId, int eosTokenId,
                         int decoderStartTokenId, String prefix) {

    public static final String MODEL_TYPE = "bart";

    /** BartLearnedPositionalEmbedding's offset: position p reads row p + 2. */
    static final int POSITION_OFFSET = 2;

    /** nn.LayerNorm's default: BART's layer norms never set another. */
    static final double LAYER_NORM_EPS = 1e-5;

    /** Reads {@code file} (a config.json, or a folder holding one). */
    public static BartConfig read(Path file) {
        Path json = Files.isDirectory(file) ? file.resolve("config.json") : file;
        return parse(ModelConfigs.readJson(json), json.toString());
    }

    /** Parses a config.json's content; {@code source} names it in errors. */
    public static BartConfig parse(ObjectNode json, String source) {
        ConfigReader r = new ConfigReader(json, source);
        String type = r.text("model_type", null);
        r.require(MODEL_TYPE.equals(type), (type == null ? "model_type is missing" : "model_type is '" + type + "'")
                + "; Perennial's BART reads model_type '" + MODEL_TYPE + "'");
        r.require(!r.bool("normalize_before", false) && !r.bool("add_final_layer_norm", false),
                "normalize_before / add_final_layer_norm is true (mBART's pre-LN layers); BART's layers are post-LN");
        int vocab = r.positive("vocab_size", 50265);
        int d = r.positive("d_model", 1024);
        int encoderLayers = r.layers("encoder_layers", 12);
        int decoderLayers = r.layers("decoder_layers", 12);
        double scale = r.bool("scale_embedding", false) ? Math.sqrt(d) : 1.0;
        return new BartConfig(vocab, d, encoderLayers, r.heads("encoder_attention_heads", 16, d),
                r.positive("encoder_ffn_dim", 4096), decoderLayers, r.heads("decoder_attention_heads", 16, d),
                r.positive("decoder_ffn_dim", 4096), r.positive("max_position_embeddings", 1024),
                r.activation("activation_function", "gelu"), scale, r.token("pad_token_id", 1, vocab),
                r.token("eos_token_id", 2, vocab), r.token("decoder_start_token_id", 2, vocab), r.text("prefix", ""));
    }
}

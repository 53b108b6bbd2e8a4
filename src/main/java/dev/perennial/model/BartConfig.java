package dev.perennial.model;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The config.json of a BART-like encoder-decoder: model_type "bart" (BartConfig, as facebook/bart-large-cnn carries
 * it), "m2m_100" (M2M100Config: facebook/m2m100_418M and NLLB's facebook/nllb-200-*) or "blenderbot"
 * (BlenderbotConfig: facebook/blenderbot-400M-distill). Keys left out take the family's config class defaults. For
 * BART the mBART variants' pre-LN layers (normalize_before, add_final_layer_norm) are refused: modeling_bart.py has
 * none. The word embeddings must be tied to the head, as in every checkpoint of these families.
 *
 * @param family     which of the three families, and so where its layer norms sit and how it embeds positions
 * @param embedScale sqrt(d_model) when scale_embedding, else 1 (BartEncoder / BartDecoder)
 * @param prefix     what the text-to-text pipelines put before every input (config.json's prefix, " " for
 *                   facebook/bart-large-cnn; pipelines/text2text_generation.py _parse_and_tokenize)
 */
public record BartConfig(Seq2SeqFamily family, int vocabSize, int dModel, int encoderLayers, int encoderHeads,
                         int encoderFfnDim, int decoderLayers, int decoderHeads, int decoderFfnDim, int maxPositions,
                         Activation activation, double embedScale, int padTokenId, int eosTokenId,
                         int decoderStartTokenId, String prefix) {

    public static final String MODEL_TYPE = "bart";

    /** nn.LayerNorm's default: none of the three families' layer norms sets another. */
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
        Seq2SeqFamily family = Seq2SeqFamily.byModelType(type);
        r.require(family != null, (type == null ? "model_type is missing" : "model_type is '" + type + "'")
                + "; Perennial's encoder-decoders read model_type 'bart', 'm2m_100' or 'blenderbot'");
        r.require(family != Seq2SeqFamily.BART || !r.bool("normalize_before", false)
                && !r.bool("add_final_layer_norm", false),
                "normalize_before / add_final_layer_norm is true (mBART's pre-LN layers); BART's layers are post-LN");
        r.require(r.bool("tie_word_embeddings", true), "tie_word_embeddings is false; Perennial's "
                + family.displayName() + " reads checkpoints whose lm_head is model.shared");
        Seq2SeqFamily.Defaults f = family.defaults();
        int vocab = r.positive("vocab_size", f.vocabSize());
        int d = r.positive("d_model", f.dModel());
        int encoderLayers = r.layers("encoder_layers", f.encoderLayers());
        int decoderLayers = r.layers("decoder_layers", f.decoderLayers());
        double scale = r.bool("scale_embedding", f.scaleEmbedding()) ? Math.sqrt(d) : 1.0;
        return new BartConfig(family, vocab, d, encoderLayers, r.heads("encoder_attention_heads", f.heads(), d),
                r.positive("encoder_ffn_dim", f.ffnDim()), decoderLayers, r.heads("decoder_attention_heads", f.heads(),
                d), r.positive("decoder_ffn_dim", f.ffnDim()), r.positive("max_position_embeddings",
                f.maxPositions()), r.activation("activation_function", f.activation()), scale,
                r.token("pad_token_id", f.padTokenId(), vocab), r.token("eos_token_id", f.eosTokenId(), vocab),
                r.token("decoder_start_token_id", f.decoderStartTokenId(), vocab), r.text("prefix", ""));
    }
}

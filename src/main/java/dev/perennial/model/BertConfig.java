package dev.perennial.model;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Path;
import java.util.List;

/**
 * A BERT-style text encoder's config.json (transformers' BertConfig and RobertaConfig): post-LN layers with learned
 * absolute positions. {@code model_type} bert counts positions 0…T-1; roberta and xlm-roberta count them as
 * transformers' {@code create_position_ids_from_input_ids} does, from {@code pad_token_id + 1}, with padding at
 * {@code pad_token_id}.
 *
 * @param maxPositionEmbeddings the position table's rows (config.json's max_position_embeddings); {@link
 *                              #maxPositions()} is how many tokens a sequence may have
 */
public record BertConfig(String modelType, int vocabSize, int hiddenSize, int layers, int heads,
                         int intermediateSize, int maxPositionEmbeddings, int typeVocabSize, double layerNormEps,
                         Activation activation, int padTokenId, ObjectNode raw) {

    /** The config.json model_types this encoder runs. */
    public static final List<String> MODEL_TYPES = List.of("bert", "roberta", "xlm-roberta");

    public static BertConfig read(Path file) {
        return parse(ModelConfigs.readJson(file), file.toString());
    }

    /** Reads and checks {@code json}; every problem names {@code source} and the key. */
    public static BertConfig parse(ObjectNode json, String source) {
        ConfigReader r = new ConfigReader(json, source);
        String type = r.text("model_type", null);
        r.require(type != null && MODEL_TYPES.contains(type), "model_type " + (type == null ? "is missing"
                : "'" + type + "' is not a BERT-style encoder") + "; Perennial's text encoder runs "
                + String.join(", ", MODEL_TYPES));
        return fields(r, type);
    }

    /**
     * CLAP's text model (ClapTextConfig, model_type clap_text_model): RoBERTa, read from {@code reader}, whose
     * JSON already holds ClapTextConfig's defaults for the keys the file leaves out.
     */
    static BertConfig clapText(ConfigReader reader) {
        return fields(reader, "clap_text_model");
    }

    private static BertConfig fields(ConfigReader r, String type) {
        ObjectNode json = r.json();
        boolean roberta = !type.equals("bert");
        String positions = r.text("position_embedding_type", "absolute");
        r.require(positions.equals("absolute"), "position_embedding_type '" + positions + "' is not supported; "
                + "Perennial's text encoder has absolute positions only (not relative_key or relative_key_query)");
        r.require(!r.bool("is_decoder", false), "is_decoder is true: a decoder (causal) BERT is not supported; "
                + "Perennial's text encoder is bidirectional");
        r.require(!r.bool("add_cross_attention", false), "add_cross_attention is true: cross-attention layers are "
                + "not supported by Perennial's text encoder");
        int hidden = r.positive("hidden_size");
        int heads = r.positive("num_attention_heads");
        r.require(hidden % heads == 0, "hidden_size " + hidden + " is not divisible by num_attention_heads " + heads);
        int layers = r.layers();
        int vocab = r.positive("vocab_size");
        int intermediate = r.positive("intermediate_size");
        int maxPositions = r.positive("max_position_embeddings");
        int typeVocab = r.integer("type_vocab_size", 2);
        r.require(typeVocab > 0, "type_vocab_size is " + typeVocab + ", not a whole number above 0");
        double eps = r.number("layer_norm_eps", 1e-12);
        r.require(eps > 0, "layer_norm_eps is " + eps + ", not above 0");
        // BertConfig's default pad_token_id is 0; RobertaConfig's is 1
        int pad = r.integer("pad_token_id", roberta ? 1 : 0);
        r.require(pad >= 0 && pad < vocab, "pad_token_id " + pad + " is not a token of the vocabulary (vocab_size "
                + vocab + ")");
        if (roberta) {
            r.require(maxPositions > pad + 1, "max_position_embeddings " + maxPositions + " leaves no positions: "
                    + type + " numbers positions from pad_token_id + 1 = " + (pad + 1));
        }
        return new BertConfig(type, vocab, hidden, layers, heads, intermediate, maxPositions, typeVocab, eps,
                r.activation("gelu"), pad, json);
    }

    /** Whether positions are counted RoBERTa's way (from pad_token_id + 1, skipping padding). */
    public boolean robertaPositions() {
        return !modelType.equals("bert");
    }

    /**
     * The most tokens one sequence may have (special tokens included): max_position_embeddings for BERT, and
     * max_position_embeddings - pad_token_id - 1 for RoBERTa (514 - 1 - 1 = 512 for roberta-base).
     */
    public int maxPositions() {
        return robertaPositions() ? maxPositionEmbeddings - padTokenId - 1 : maxPositionEmbeddings;
    }

    public int headDim() {
        return hiddenSize / heads;
    }
}

package dev.perennial.model;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A Whisper config.json (model_type "whisper", transformers' WhisperConfig, as WhisperForConditionalGeneration
 * checkpoints such as openai/whisper-tiny and distil-whisper/distil-small.en carry it). Keys left out take
 * WhisperConfig's defaults (configuration_whisper.py). {@code scale_embedding} is read but changes nothing:
 * modeling_whisper.py defines embed_scale and never applies it.
 *
 * @param frames the log-mel frames the encoder takes: 2 · max_source_positions (conv2 has stride 2)
 */
public record WhisperConfig(int vocabSize, int numMelBins, int dModel, int encoderLayers, int encoderHeads,
                            int encoderFfnDim, int decoderLayers, int decoderHeads, int decoderFfnDim,
                            int maxSourcePositions, int maxTargetPositions, Activation activation,
                            boolean scaleEmbedding, boolean tieWordEmbeddings, int decoderStartTokenId,
                            int eosTokenId, int padTokenId, int frames) {

    public static final String MODEL_TYPE = "whisper";

    /** nn.LayerNorm's default: Whisper's layer norms never set another. */
    static final double LAYER_NORM_EPS = 1e-5;

    /** Reads {@code file} (a config.json, or a folder holding one). */
    public static WhisperConfig read(Path file) {
        Path json = Files.isDirectory(file) ? file.resolve("config.json") : file;
        return parse(ModelConfigs.readJson(json), json.toString());
    }

    /** Parses a config.json's content; {@code source} names it in errors. */
    public static WhisperConfig parse(ObjectNode json, String source) {
        ConfigReader r = new ConfigReader(json, source);
        String type = r.text("model_type", null);
        r.require(MODEL_TYPE.equals(type), (type == null ? "model_type is missing" : "model_type is '" + type + "'")
                + "; Perennial's Whisper reads model_type '" + MODEL_TYPE + "'");
        int vocab = positive(r, "vocab_size", 51865);
        int mels = positive(r, "num_mel_bins", 80);
        r.require(mels == 80 || mels == 128, "num_mel_bins is " + mels + "; Whisper's feature extractor gives 80 "
                + "(or, for large-v3, 128) mel bins");
        int d = positive(r, "d_model", 384);
        int encoderLayers = layers(r, "encoder_layers", 4);
        int encoderHeads = heads(r, "encoder_attention_heads", d);
        int decoderLayers = layers(r, "decoder_layers", 4);
        int decoderHeads = heads(r, "decoder_attention_heads", d);
        int sources = positive(r, "max_source_positions", 1500);
        int targets = positive(r, "max_target_positions", 448);
        int start = token(r, "decoder_start_token_id", 50257, vocab);
        int eos = token(r, "eos_token_id", 50256, vocab);
        int pad = token(r, "pad_token_id", 50256, vocab);
        return new WhisperConfig(vocab, mels, d, encoderLayers, encoderHeads, positive(r, "encoder_ffn_dim", 1536),
                decoderLayers, decoderHeads, positive(r, "decoder_ffn_dim", 1536), sources, targets,
                r.activation("activation_function", "gelu"), r.bool("scale_embedding", false),
                r.bool("tie_word_embeddings", true), start, eos, pad, 2 * sources);
    }

    private static int positive(ConfigReader r, String key, int fallback) {
        int v = r.integer(key, fallback);
        r.require(v > 0, key + " is " + v + ", not a whole number above 0");
        return v;
    }

    private static int layers(ConfigReader r, String key, int fallback) {
        int layers = positive(r, key, fallback);
        r.require(layers <= ModelConfigs.MAX_LAYERS, key + " is " + layers + ", more than " + ModelConfigs.MAX_LAYERS
                + "; published models have at most a few hundred layers");
        return layers;
    }

    private static int heads(ConfigReader r, String key, int d) {
        int heads = positive(r, key, 6);
        r.require(d % heads == 0, "d_model " + d + " is not a multiple of " + key + " " + heads);
        return heads;
    }

    private static int token(ConfigReader r, String key, int fallback, int vocab) {
        int id = r.integer(key, fallback);
        r.require(id >= 0 && id < vocab, key + " is " + id + ", not an id of the " + vocab + "-token vocabulary "
                + "(vocab_size)");
        return id;
    }
}

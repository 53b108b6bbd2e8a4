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
        int vocab = r.positive("vocab_size", 51865);
        int mels = r.positive("num_mel_bins", 80);
        r.require(mels == 80 || mels == 128, "num_mel_bins is " + mels + "; Whisper's feature extractor gives 80 "
                + "(or, for large-v3, 128) mel bins");
        int d = r.positive("d_model", 384);
        int encoderLayers = r.layers("encoder_layers", 4);
        int encoderHeads = r.heads("encoder_attention_heads", 6, d);
        int decoderLayers = r.layers("decoder_layers", 4);
        int decoderHeads = r.heads("decoder_attention_heads", 6, d);
        int sources = r.positive("max_source_positions", 1500);
        int targets = r.positive("max_target_positions", 448);
        int start = r.token("decoder_start_token_id", 50257, vocab);
        int eos = r.token("eos_token_id", 50256, vocab);
        int pad = r.token("pad_token_id", 50256, vocab);
        return new WhisperConfig(vocab, mels, d, encoderLayers, encoderHeads, r.positive("encoder_ffn_dim", 1536),
                decoderLayers, decoderHeads, r.positive("decoder_ffn_dim", 1536), sources, targets,
                r.activation("activation_function", "gelu"), r.bool("scale_embedding", false),
                r.bool("tie_word_embeddings", true), start, eos, pad, 2 * sources);
    }
}

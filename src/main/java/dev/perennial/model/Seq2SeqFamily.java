package dev.perennial.model;

/**
 * The encoder-decoder families that {@link BartModel} computes, which differ only in where the layer norms sit, how
 * positions are embedded and whether the logits get a bias (modeling_bart.py, modeling_m2m_100.py,
 * modeling_blenderbot.py). Keys a config.json leaves out take the family's config class defaults.
 *
 * @param preLayerNorm   each sub-layer normalizes its input (pre-LN) and each stack ends with a final layer_norm;
 *                       else the residual sum is normalized (post-LN) after a layernorm_embedding
 * @param positionOffset the learned positions' row of position 0; -1 for sinusoidal positions
 * @param logitsBias     final_logits_bias is added to the logits
 */
public enum Seq2SeqFamily {
    /** BartForConditionalGeneration: post-LN, learned positions at offset 2 (BartLearnedPositionalEmbedding). */
    BART("bart", "BART", false, 2, true, new Defaults(50265, 1024, 12, 12, 4096, 16, 1024, "gelu", false, 1, 2, 2)),
    /**
     * M2M100ForConditionalGeneration, also NLLB's checkpoints: pre-LN, M2M100SinusoidalPositionalEmbedding, no
     * logits bias.
     */
    M2M_100("m2m_100", "M2M100", true, -1, false,
            new Defaults(128112, 1024, 12, 12, 4096, 16, 1024, "relu", true, 1, 2, 2)),
    /** BlenderbotForConditionalGeneration: pre-LN, learned positions without offset. */
    BLENDERBOT("blenderbot", "Blenderbot", true, 0, true,
            new Defaults(8008, 2560, 2, 24, 10240, 32, 128, "gelu", false, 0, 2, 1));

    /** The config class defaults (configuration_bart.py, configuration_m2m_100.py, configuration_blenderbot.py). */
    record Defaults(int vocabSize, int dModel, int encoderLayers, int decoderLayers, int ffnDim, int heads,
                    int maxPositions, String activation, boolean scaleEmbedding, int padTokenId, int eosTokenId,
                    int decoderStartTokenId) {
    }

    private final String modelType;
    private final String displayName;
    private final boolean preLayerNorm;
    private final int positionOffset;
    private final boolean logitsBias;
    private final Defaults defaults;

    Seq2SeqFamily(String modelType, String displayName, boolean preLayerNorm, int positionOffset, boolean logitsBias,
                  Defaults defaults) {
        this.modelType = modelType;
        this.displayName = displayName;
        this.preLayerNorm = preLayerNorm;
        this.positionOffset = positionOffset;
        this.logitsBias = logitsBias;
        this.defaults = defaults;
    }

    /** The family whose config.json says model_type {@code type}, or null. */
    static Seq2SeqFamily byModelType(String type) {
        for (Seq2SeqFamily f : values()) {
            if (f.modelType.equals(type)) {
                return f;
            }
        }
        return null;
    }

    public String modelType() {
        return modelType;
    }

    public String displayName() {
        return displayName;
    }

    boolean preLayerNorm() {
        return preLayerNorm;
    }

    boolean sinusoidalPositions() {
        return positionOffset < 0;
    }

    int positionOffset() {
        return Math.max(positionOffset, 0);
    }

    boolean logitsBias() {
        return logitsBias;
    }

    Defaults defaults() {
        return defaults;
    }
}

package dev.perennial.model;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** GPT-NeoX / Pythia (the paper's architecture): partial rotary, parallel residual, LayerNorm, untied output. */
public record GptNeoXConfig(int vocabSize, int hiddenSize, int layers, int heads, int intermediateSize,
                            int maxPositions, double layerNormEps, boolean parallelResidual, boolean attentionBias,
                            Activation activation, boolean tiedEmbeddings, double initializerRange, Rope rope,
                            ObjectNode raw) implements ModelConfig {

    @Override
    public String modelType() {
        return "gpt_neox";
    }

    @Override
    public int kvHeads() {
        return heads;
    }

    @Override
    public int headDim() {
        return hiddenSize / heads;
    }
}

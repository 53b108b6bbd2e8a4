package dev.perennial.model;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The Llama family (Llama 2 and 3, Mistral, Qwen2, SmolLM, TinyLlama): RMSNorm, SwiGLU, grouped-query attention,
 * rotary embeddings with optional Llama 3 scaling, tied or untied embeddings, optional q/k/v biases (Qwen2).
 */
public record LlamaConfig(String modelType, int vocabSize, int hiddenSize, int layers, int heads, int kvHeads,
                          int headDim, int intermediateSize, int maxPositions, double rmsNormEps, boolean qkvBias,
                          boolean outputBias, boolean mlpBias, Activation activation, boolean tiedEmbeddings,
                          double initializerRange, Rope rope, ObjectNode raw) implements ModelConfig {
}

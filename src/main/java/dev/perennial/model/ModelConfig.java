package dev.perennial.model;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An architecture's settings as read from a Hugging Face {@code config.json}. {@code raw} keeps the file's own
 * object so that saving writes back every key, including those Perennial does not use.
 */
public sealed interface ModelConfig permits GptNeoXConfig, LlamaConfig {

    String modelType();

    int vocabSize();

    int hiddenSize();

    int layers();

    int heads();

    int kvHeads();

    int headDim();

    int intermediateSize();

    int maxPositions();

    boolean tiedEmbeddings();

    double initializerRange();

    Rope rope();

    ObjectNode raw();
}

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

    Activation activation();

    Rope rope();

    ObjectNode raw();

    /**
     * Learned parameters, counted from the family's declaration without allocating a model or keeping its shapes
     * (Long.MAX_VALUE when more than a long holds).
     */
    default long parameterCount() {
        return Architecture.of(this).parameterCount();
    }

    /**
     * FLOPs of a training step (forward and backward) per token at sequence length {@code seqLen}: 6 per parameter
     * (Kaplan et al. 2020, §2.1) plus attention's 12·layers·hidden·seqLen (PaLM, Chowdhery et al. 2022,
     * Appendix B), as nanoGPT's estimate_mfu counts them.
     */
    default double trainingFlopsPerToken(long seqLen) {
        return 6.0 * parameterCount() + 12.0 * layers() * hiddenSize() * seqLen;
    }
}

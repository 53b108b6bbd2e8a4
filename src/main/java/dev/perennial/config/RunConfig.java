package dev.perennial.config;

import java.util.List;

/**
 * A run configuration file, as written. {@code seq_len × global_batch} is the number of tokens one optimizer
 * step reads; it converts stage lengths given in tokens into steps.
 */
public record RunConfig(Long seqLen, Long globalBatch, List<StageConfig> stages) {
}

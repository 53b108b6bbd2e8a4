package dev.perennial.config;

import java.util.List;
import java.util.Map;

/**
 * A run configuration file, as written. {@code seq_len × global_batch} is the number of tokens one optimizer
 * step reads; it converts stage lengths given in tokens into steps. {@code corpora} names the prepared corpus
 * folders that stages draw from; {@code seed} fixes the data order.
 */
public record RunConfig(Long seed, Long seqLen, Long globalBatch, Map<String, String> corpora,
                        List<StageConfig> stages) {
}

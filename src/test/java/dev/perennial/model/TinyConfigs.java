package dev.perennial.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Tiny configurations of each supported architecture, as config.json would give them. */
final class TinyConfigs {

    private TinyConfigs() {
    }

    static ObjectNode json(String text) {
        try {
            return (ObjectNode) new ObjectMapper().readTree(text);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static ModelConfig gptNeoX(boolean parallel) {
        return ModelConfigs.parse(json("""
                {"model_type": "gpt_neox", "vocab_size": 37, "hidden_size": 16, "num_hidden_layers": 2,
                 "num_attention_heads": 2, "intermediate_size": 32, "rotary_pct": 0.5,
                 "max_position_embeddings": 64, "use_parallel_residual": %s, "tie_word_embeddings": false}
                """.formatted(parallel)), "tiny-neox");
    }

    static ModelConfig llama(int kvHeads, boolean tied, boolean llama3) {
        String rope = llama3 ? """
                , "rope_theta": 500000.0, "rope_scaling": {"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0,
                   "high_freq_factor": 4.0, "original_max_position_embeddings": 16}""" : "";
        return ModelConfigs.parse(json("""
                {"model_type": "llama", "vocab_size": 37, "hidden_size": 16, "num_hidden_layers": 2,
                 "num_attention_heads": 4, "num_key_value_heads": %d, "intermediate_size": 24,
                 "max_position_embeddings": 64, "tie_word_embeddings": %s %s}
                """.formatted(kvHeads, tied, rope)), "tiny-llama");
    }

    static ModelConfig qwen2() {
        return ModelConfigs.parse(json("""
                {"model_type": "qwen2", "vocab_size": 37, "hidden_size": 16, "num_hidden_layers": 2,
                 "num_attention_heads": 4, "num_key_value_heads": 2, "intermediate_size": 24,
                 "max_position_embeddings": 64, "tie_word_embeddings": false}
                """), "tiny-qwen2");
    }
}

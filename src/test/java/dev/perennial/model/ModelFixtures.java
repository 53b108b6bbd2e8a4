package dev.perennial.model;

import org.bytedeco.pytorch.global.torch;

/** Public access to the tiny configurations for tests in other packages. */
public final class ModelFixtures {

    private ModelFixtures() {
    }

    public static Model tinyNeoX(long seed) {
        return Model.initialise(TinyConfigs.gptNeoX(true), seed, torch.ScalarType.Float);
    }

    public static Model tinyLlama(long seed) {
        return Model.initialise(TinyConfigs.llama(2, false, false), seed, torch.ScalarType.Float);
    }

    public static Model tinyLlamaTied(long seed) {
        return Model.initialise(TinyConfigs.llama(1, true, true), seed, torch.ScalarType.Float);
    }

    /** A model whose vocabulary holds the byte tokenizer's 257 ids. */
    public static Model byteLlama(long seed) {
        return Model.initialise(ModelConfigs.parse(TinyConfigs.json("""
                {"model_type": "llama", "vocab_size": 257, "hidden_size": 32, "num_hidden_layers": 2,
                 "num_attention_heads": 4, "num_key_value_heads": 2, "intermediate_size": 64,
                 "max_position_embeddings": 128, "initializer_range": 0.2}
                """), "byte-llama"), seed, torch.ScalarType.Float);
    }

    public static Model byteNeoX(long seed) {
        return Model.initialise(ModelConfigs.parse(TinyConfigs.json("""
                {"model_type": "gpt_neox", "vocab_size": 257, "hidden_size": 32, "num_hidden_layers": 2,
                 "num_attention_heads": 4, "intermediate_size": 64, "rotary_pct": 0.25,
                 "max_position_embeddings": 128}
                """), "byte-neox"), seed, torch.ScalarType.Float);
    }
}

package dev.perennial.model;

import dev.perennial.UserError;
import dev.perennial.checkpoint.ModelFolder;
import dev.perennial.tensor.DType;
import dev.perennial.tensor.Safetensors;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The parameters a family declares once are the ones a checkpoint must hold: a renamed or missing tensor (a bias
 * that the config says exists included) is refused, naming each, and the counts that bench and the experiment report
 * take from the config agree with an allocated model.
 */
class TypedWeightsTest {

    @TempDir
    Path dir;

    @Test
    void aModelFolderWithARenamedAndAMissingParameterIsRefusedInOneLineNamingBoth() {
        // Qwen2's config implies q/k/v biases: a checkpoint without one must not load as a model "without bias"
        ModelConfig qwen2 = ModelConfigs.parse(TinyConfigs.json("""
                {"model_type": "qwen2", "vocab_size": 257, "hidden_size": 16, "num_hidden_layers": 2,
                 "num_attention_heads": 4, "num_key_value_heads": 2, "intermediate_size": 24,
                 "max_position_embeddings": 64}
                """), "tiny-qwen2");
        try (Model model = Model.initialise(qwen2, 3, torch.ScalarType.Float)) {
            ModelFolder.save(model, "byte", dir, ModelFolder.DEFAULT_SHARD_BYTES, "");
            Map<String, Tensor> tensors = new LinkedHashMap<>(model.parameters());
            tensors.remove("model.layers.0.self_attn.k_proj.bias");
            tensors.put("model.layers.1.self_attn.out_proj.weight",
                    tensors.remove("model.layers.1.self_attn.o_proj.weight"));
            Safetensors.write(dir.resolve("model.safetensors"), tensors);
        }
        assertThatThrownBy(() -> ModelFolder.load(dir, DType.F32))
                .isInstanceOf(UserError.class)
                .hasMessageStartingWith(dir + ": the tensors do not match config.json (qwen2): missing "
                        + "model.layers.0.self_attn.k_proj.bias, model.layers.1.self_attn.o_proj.weight; "
                        + "not parameters model.layers.1.self_attn.out_proj.weight")
                .satisfies(e -> assertThat(((UserError) e).problems()).contains(
                        dir + ": tensor model.layers.0.self_attn.k_proj.bias is missing",
                        dir + ": tensor model.layers.1.self_attn.o_proj.weight is missing",
                        dir + ": tensor model.layers.1.self_attn.out_proj.weight is not a parameter of qwen2 "
                                + "with this config.json"));
    }

    @Test
    void biasesExistExactlyWhereTheConfigSaysSo() {
        assertThat(TinyConfigs.qwen2().parameterCount()).isEqualTo(paramsWithBiases(true));
        assertThat(TinyConfigs.llama(2, false, false).parameterCount()).isEqualTo(paramsWithBiases(false));
        assertThat(Architecture.of(TinyConfigs.qwen2()).shapes()).containsKeys("model.layers.1.self_attn.v_proj.bias")
                .doesNotContainKey("model.layers.1.self_attn.o_proj.bias");
    }

    /** Llama with d=16, 4 heads of 4, 2 KV heads, ff=24, 2 layers, vocab 37, untied; q/k/v biases when asked. */
    private static long paramsWithBiases(boolean qkvBias) {
        long d = 16;
        long kv = 2 * 4;
        long ff = 24;
        long attention = d * d + 2 * kv * d + d * d + (qkvBias ? d + 2 * kv : 0);
        long layer = d + attention + d + 3 * ff * d;
        return 37 * d + 2 * layer + d + 37 * d;
    }

    @Test
    void parameterCountFromShapesEqualsTheAllocatedModelsForEveryFamily() {
        for (ModelConfig config : List.of(TinyConfigs.gptNeoX(true), TinyConfigs.llama(2, true, false),
                TinyConfigs.llama(4, false, true), TinyConfigs.qwen2())) {
            try (Model model = Model.initialise(config, 0, torch.ScalarType.Float)) {
                assertThat(config.parameterCount()).as(config.modelType()).isEqualTo(model.parameterCount());
            }
        }
    }

    @Test
    void trainingFlopsPerTokenAreSixPerParameterPlusAttention() {
        ModelConfig neox = TinyConfigs.gptNeoX(true);
        // 6N (Kaplan et al. 2020) + 12·L·d·T (PaLM, Appendix B) with L = 2, d = 16, T = 8
        assertThat(neox.trainingFlopsPerToken(8)).isEqualTo(6.0 * neox.parameterCount() + 12.0 * 2 * 16 * 8);
    }
}

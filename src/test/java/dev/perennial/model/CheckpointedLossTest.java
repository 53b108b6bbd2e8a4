package dev.perennial.model;

import dev.perennial.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Activation checkpointing changes where the activations come from, not what is computed: the loss and every
 * parameter's gradient equal those of the plain forward and backward pass, for both families.
 */
class CheckpointedLossTest {

    /** Gradients may differ by at most this much, absolutely, in float32 (they are O(0.01–1) here). */
    private static final double TOLERANCE = 1e-6;

    static Stream<ModelConfig> configs() {
        return Stream.of(TinyConfigs.gptNeoX(true), TinyConfigs.gptNeoX(false), tiedNeoX(),
                TinyConfigs.llama(2, false, false), TinyConfigs.llama(1, true, true));
    }

    /** GPT-NeoX with tie_word_embeddings: the head's and the embedding's gradients land in one tensor. */
    private static ModelConfig tiedNeoX() {
        return ModelConfigs.parse(TinyConfigs.json("""
                {"model_type": "gpt_neox", "vocab_size": 37, "hidden_size": 16, "num_hidden_layers": 3,
                 "num_attention_heads": 2, "intermediate_size": 32, "rotary_pct": 0.25,
                 "max_position_embeddings": 64, "tie_word_embeddings": true}
                """), "tiny-neox-tied");
    }

    @ParameterizedTest
    @MethodSource("configs")
    void lossAndGradientsEqualThoseWithoutCheckpointing(ModelConfig config) {
        try (Model model = Model.initialise(config, 5, torch.ScalarType.Float);
             PointerScope scope = new PointerScope()) {
            Tensor batch = Tensors.fromLongs(new SplittableRandom(7).longs(3 * 9, 0, config.vocabSize()).toArray(),
                    3, 9);
            Tensor plainLoss = model.loss(batch);
            plainLoss.div(new Scalar(2.0)).backward();
            double plain = plainLoss.item_double();
            Map<String, double[]> plainGrads = gradients(model);
            model.parameters().values().forEach(p -> p.grad().zero_());

            double checkpointed = CheckpointedLoss.lossAndBackward(model, batch, 2.0);

            assertThat(checkpointed).isEqualTo(plain);
            gradients(model).forEach((name, grad) -> {
                double[] expected = plainGrads.get(name);
                assertThat(Arrays.stream(expected).map(Math::abs).max().orElse(0)).as("%s is trained", name)
                        .isGreaterThan(0);
                for (int i = 0; i < grad.length; i++) {
                    assertThat(grad[i]).as("%s[%d] of %s", name, i, config.modelType())
                            .isCloseTo(expected[i], org.assertj.core.api.Assertions.within(TOLERANCE));
                }
            });
        }
    }

    private static Map<String, double[]> gradients(Model model) {
        Map<String, double[]> grads = new LinkedHashMap<>();
        model.parameters().forEach((name, p) -> grads.put(name, Tensors.toDoubles(p.grad())));
        return grads;
    }
}

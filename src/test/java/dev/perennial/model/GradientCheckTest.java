package dev.perennial.model;

import dev.perennial.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Autograd's gradients of the loss agree with central finite differences, in float64, for every architecture. */
class GradientCheckTest {

    static Stream<ModelConfig> configs() {
        return Stream.of(TinyConfigs.gptNeoX(true), TinyConfigs.gptNeoX(false), TinyConfigs.llama(2, false, false),
                TinyConfigs.llama(1, true, true), TinyConfigs.qwen2());
    }

    @ParameterizedTest
    @MethodSource("configs")
    void gradientsMatchFiniteDifferences(ModelConfig config) {
        try (Model model = Model.initialise(config, 3, torch.ScalarType.Double);
             PointerScope scope = new PointerScope()) {
            SplittableRandom random = new SplittableRandom(11);
            long[] tokens = random.longs(2 * 7, 0, config.vocabSize()).toArray();
            Tensor batch = Tensors.fromLongs(tokens, 2, 7);
            model.loss(batch).backward();
            for (Map.Entry<String, Tensor> p : model.parameters().entrySet()) {
                Tensor param = p.getValue();
                double[] grad = Tensors.toDoubles(param.grad());
                for (int probe = 0; probe < 3; probe++) {
                    int i = random.nextInt((int) param.numel());
                    double numeric = finiteDifference(model, batch, param, i);
                    assertThat(grad[i]).as("%s[%d] of %s", p.getKey(), i, config.modelType())
                            .isCloseTo(numeric, org.assertj.core.api.Assertions.within(1e-7 + 1e-5 * Math.abs(numeric)));
                }
            }
        }
    }

    private static double finiteDifference(Model model, Tensor batch, Tensor param, int index) {
        double h = 1e-6;
        try (NoGradGuard guard = new NoGradGuard()) {
            Tensor flat = param.view(-1);
            double original = flat.select(0, index).item_double();
            flat.select(0, index).fill_(new org.bytedeco.pytorch.Scalar(original + h));
            double plus = model.loss(batch).item_double();
            flat.select(0, index).fill_(new org.bytedeco.pytorch.Scalar(original - h));
            double minus = model.loss(batch).item_double();
            flat.select(0, index).fill_(new org.bytedeco.pytorch.Scalar(original));
            return (plus - minus) / (2 * h);
        }
    }
}

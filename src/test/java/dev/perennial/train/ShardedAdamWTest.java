package dev.perennial.train;

import dev.perennial.model.Model;
import dev.perennial.model.ModelFixtures;
import dev.perennial.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * AdamW over the flat parameters against PyTorch's algorithm, and ZeRO-1 on real Gloo groups of 2 and 3 ranks
 * (threads of this JVM) against one process.
 */
class ShardedAdamWTest {

    private static final TrainStep.Settings SETTINGS = new TrainStep.Settings(0.9, 0.95, 1e-8, 0.1, 1.0);
    private static final int ROWS = 6;
    private static final int COLUMNS = 17;

    @TempDir
    Path dir;

    /** A matrix, a vector and another matrix, the same on every call. */
    private static Map<String, Tensor> parameters() {
        Map<String, Tensor> p = new LinkedHashMap<>();
        torch.manual_seed(11);
        p.put("w", torch.randn(new long[] {7, 5}, new TensorOptions(torch.ScalarType.Float)).requires_grad_(true));
        p.put("b", torch.randn(new long[] {5}, new TensorOptions(torch.ScalarType.Float)).requires_grad_(true));
        p.put("e", torch.randn(new long[] {3, 4}, new TensorOptions(torch.ScalarType.Float)).requires_grad_(true));
        return p;
    }

    /** Step s's gradients: backward of Σ p·G_s gives G_s (a fixed draw, some elements tiny). */
    private static void backward(Map<String, Tensor> parameters, int s) {
        torch.manual_seed(100 + s);
        Tensor loss = null;
        for (Tensor p : parameters.values()) {
            Tensor g = torch.randn(p.sizes().vec().get(), new TensorOptions(torch.ScalarType.Float));
            Tensor term = p.mul(g).sum();
            loss = loss == null ? term : loss.add(term);
        }
        loss.backward();
    }

    /**
     * PyTorch's AdamW algorithm as its documentation states it (torch.optim.AdamW), in float64, element by element:
     * decay first, then the moments, then the bias-corrected step.
     */
    private static double[] referenceAdamW(double[] p, List<double[]> grads, boolean decays, double lr) {
        double[] x = p.clone();
        double[] m = new double[x.length];
        double[] v = new double[x.length];
        for (int t = 1; t <= grads.size(); t++) {
            double[] g = grads.get(t - 1);
            for (int i = 0; i < x.length; i++) {
                if (decays) {
                    x[i] *= 1 - lr * SETTINGS.weightDecay();
                }
                m[i] = SETTINGS.beta1() * m[i] + (1 - SETTINGS.beta1()) * g[i];
                v[i] = SETTINGS.beta2() * v[i] + (1 - SETTINGS.beta2()) * g[i] * g[i];
                double mHat = m[i] / (1 - Math.pow(SETTINGS.beta1(), t));
                double vHat = v[i] / (1 - Math.pow(SETTINGS.beta2(), t));
                x[i] -= lr * mHat / (Math.sqrt(vHat) + SETTINGS.eps());
            }
        }
        return x;
    }

    /**
     * 20 steps of the flat AdamW from fixed gradients end where PyTorch's AdamW algorithm, computed independently in
     * float64, ends (to float32 rounding), with decay on the matrices only. (libtorch 2.10's C++ AdamW, which
     * TrainStep used before, does not: from the second step on it moves parameters by a visibly different amount,
     * while torch.optim.AdamW in Python gives this class's numbers; see the README.)
     */
    @Test
    void flatAdamWComputesPyTorchsAdamW() {
        TrainStep.Settings noClip = new TrainStep.Settings(SETTINGS.beta1(), SETTINGS.beta2(), SETTINGS.eps(),
                SETTINGS.weightDecay(), 1e9);
        Map<String, Tensor> parameters = parameters();
        Map<String, double[]> start = new LinkedHashMap<>();
        Map<String, List<double[]>> grads = new LinkedHashMap<>();
        parameters.forEach((name, p) -> {
            start.put(name, Tensors.toDoubles(p));
            grads.put(name, new ArrayList<>());
        });
        try (ParameterUpdate update = new ReplicatedAdamW(parameters, 1e-2, noClip, Distributed.single(), null)) {
            for (int s = 0; s < 20; s++) {
                try (PointerScope scope = new PointerScope()) {
                    update.zeroGrad();
                    backward(parameters, s);
                    parameters.forEach((name, p) -> grads.get(name).add(Tensors.toDoubles(p.grad())));
                    update.apply(0);
                }
            }
        }
        parameters.forEach((name, p) -> {
            double[] expected = referenceAdamW(start.get(name), grads.get(name), p.dim() >= 2, 1e-2);
            double[] actual = Tensors.toDoubles(p);
            for (int i = 0; i < expected.length; i++) {
                assertThat(actual[i]).as("%s[%d]", name, i).isCloseTo(expected[i], within(1e-5));
                assertThat(actual[i]).as("%s[%d] moved", name, i).isNotEqualTo(start.get(name)[i]);
            }
        });
    }

    /** Losses of {@code steps} steps on rank r's rows of each batch, and the final weights, flat. */
    private record Run(double[] losses, float[] weights, long stateElements, long parameters) {
    }

    private static Run train(Distributed group, TrainPlan.Compute compute, int steps, Path save) {
        try (Model model = ModelFixtures.byteNeoX(3);
             TrainStep step = new TrainStep(model, 3e-3, SETTINGS, group, compute)) {
            double[] losses = new double[steps];
            int rows = ROWS / group.worldSize();
            for (int s = 0; s < steps; s++) {
                try (PointerScope scope = new PointerScope()) {
                    long[] all = TrainStepTest.batch(s, ROWS, COLUMNS);
                    long[] mine = Arrays.copyOfRange(all, group.rank() * rows * COLUMNS,
                            (group.rank() + 1) * rows * COLUMNS);
                    losses[s] = step.step(Tensors.fromLongs(mine, rows, COLUMNS)).loss();
                }
            }
            if (save != null) {
                try (PointerScope scope = new PointerScope()) {
                    OptimizerState state = step.state();
                    if (group.leads()) {
                        state.write(save);
                    }
                }
            }
            try (PointerScope scope = new PointerScope()) {
                Tensor flat = torch.cat(new TensorVector(model.parameters().values().stream()
                        .map(p -> p.reshape(-1)).toArray(Tensor[]::new)));
                return new Run(losses, Tensors.toFloats(flat), step.stateElements(), model.parameterCount());
            }
        }
    }

    private static TrainPlan.Compute sharded() {
        TrainPlan.Compute d = TrainPlan.Compute.DEFAULT;
        return new TrainPlan.Compute(d.precision(), d.device(), false, true, false, d.bucketBytes());
    }

    @Test
    void twoAndThreeShardedRanksTrainLikeOneProcessWithAThirdOfTheState() throws Exception {
        Run one = train(Distributed.single(), TrainPlan.Compute.DEFAULT, 30, null);
        for (int world : new int[] {2, 3}) {
            List<Run> ranks = LoopbackRanks.run(world, 29650 + world, g -> train(g, sharded(), 30, null));
            for (Run r : ranks) {
                for (int s = 0; s < 30; s++) {
                    assertThat(r.losses()[s]).as("%d ranks, step %d", world, s + 1)
                            .isCloseTo(one.losses()[s], within(1e-5 * Math.abs(one.losses()[s])));
                }
                assertThat(r.weights()).as("every rank holds all the parameters").containsExactly(
                        ranks.getFirst().weights());
                // each rank keeps its part of the flat parameters, padded to a multiple of the ranks
                assertThat(r.stateElements()).isEqualTo((r.parameters() + world - 1) / world);
            }
        }
        assertThat(one.stateElements()).isEqualTo(one.parameters());
    }

    @Test
    void stateSavedByTwoShardedRanksResumesOnThreeOrOnOneUnsharded() throws Exception {
        Path saved = dir.resolve("optimizer.safetensors");
        LoopbackRanks.run(2, 29661, g -> train(g, sharded(), 4, saved));
        Path again = dir.resolve("again.safetensors");
        try (Model model = ModelFixtures.byteNeoX(3); TrainStep whole = new TrainStep(model, 3e-3, SETTINGS)) {
            whole.load(saved);
            try (PointerScope scope = new PointerScope()) {
                whole.state().write(again);
            }
        }
        Path third = dir.resolve("third.safetensors");
        LoopbackRanks.run(3, 29663, g -> {
            try (Model model = ModelFixtures.byteNeoX(3);
                 TrainStep step = new TrainStep(model, 3e-3, SETTINGS, g, sharded());
                 PointerScope scope = new PointerScope()) {
                step.load(saved);
                OptimizerState state = step.state();
                if (g.leads()) {
                    state.write(third);
                }
                return null;
            }
        });
        var original = dev.perennial.tensor.Safetensors.read(saved, null);
        for (Path copy : List.of(again, third)) {
            var read = dev.perennial.tensor.Safetensors.read(copy, null);
            assertThat(read.keySet()).isEqualTo(original.keySet());
            assertThat(original.get(OptimizerState.STEP).item_long()).isEqualTo(4);
            for (String name : original.keySet()) {
                assertThat(torch.equal(read.get(name), original.get(name))).as("%s in %s", name, copy).isTrue();
            }
        }
    }

    @Test
    void aStepWithAnInfiniteGradientChangesNothingOnAnyRank() throws Exception {
        List<Boolean> unchanged = LoopbackRanks.run(2, 29667, g -> {
            try (Model model = ModelFixtures.byteNeoX(3);
                 TrainStep step = new TrainStep(model, 3e-3, SETTINGS, g, sharded());
                 PointerScope scope = new PointerScope()) {
                Tensor first = model.parameters().values().iterator().next();
                Tensor before = first.clone();
                Tensor batch = Tensors.fromLongs(TrainStepTest.batch(g.rank(), 3, COLUMNS), 3, COLUMNS);
                if (g.rank() == 1) { // one rank's loss is NaN: the averaged loss and the global norm are everywhere
                    try (NoGradGuard guard = new NoGradGuard()) {
                        first.fill_(new Scalar(Double.NaN));
                    }
                }
                TrainStep.Result r = step.step(batch);
                return !r.applied() && (g.rank() == 1 || torch.equal(before, first));
            }
        });
        assertThat(unchanged).containsOnly(true);
    }
}

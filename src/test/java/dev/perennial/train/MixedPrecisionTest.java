package dev.perennial.train;

import dev.perennial.model.Model;
import dev.perennial.model.ModelFixtures;
import dev.perennial.tensor.DType;
import dev.perennial.tensor.Tensors;
import org.assertj.core.data.Offset;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;


import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** precision: bf16-mixed: it learns as fp32 does, keeps fp32 masters and AdamW state, and resumes exactly. */
class MixedPrecisionTest {

    static final TrainStep.Settings SETTINGS = new TrainStep.Settings(TrainStep.BETA1, TrainStep.BETA2, TrainStep.EPS,
            TrainStep.WEIGHT_DECAY, TrainStep.CLIP);

    @TempDir
    Path dir;

    @BeforeAll
    static void prepareCorpora() throws Exception {
        TrainerTest.prepareCorpora();
    }

    /**
     * Per-step losses of a tiny Llama (grouped-query attention, RMSNorm, SwiGLU) over {@code steps} steps on
     * TrainStepTest's counting pattern, each step two micro-batches of 2 rows, on one thread (a tiny step spends
     * most of its time waiting for a second one on a shared machine).
     */
    static double[] losses(Precision precision, int steps) {
        int threads = torch.get_num_threads();
        torch.set_num_threads(1);
        double[] losses = new double[steps];
        try (Model model = ModelFixtures.byteLlama(11); TrainStep step = new TrainStep(model, 3e-3, SETTINGS,
                Distributed.single(), TrainPlan.Compute.single(precision, false))) {
            for (int s = 0; s < steps; s++) {
                try (PointerScope scope = new PointerScope()) {
                    Tensor batch = Tensors.fromLongs(TrainStepTest.batch(s, 4, 17), 4, 17);
                    losses[s] = step.step(List.of(batch.narrow(0, 0, 2), batch.narrow(0, 2, 2))).loss();
                }
            }
        } finally {
            torch.set_num_threads(threads);
        }
        return losses;
    }

    /** Mean of the losses in window w of {@code size} steps. */
    static double window(double[] losses, int w, int size) {
        double sum = 0;
        for (int i = w * size; i < (w + 1) * size; i++) {
            sum += losses[i];
        }
        return sum / size;
    }

    /**
     * The tolerance, 0.02 on the mean loss of every 30 steps, is about 20 times the largest gap measured between
     * the two curves (0.0011, on the 8-row version of this run, where single steps differed by up to 0.017): bf16's
     * 8-bit mantissa moves each step a little, and the windows average that out. A step that lost its gradients
     * (not cast into the masters) or applied them twice would leave the curve by far more.
     */
    @Test
    void theLossCurveFollowsFp32Over300Steps() {
        double[] fp32 = losses(Precision.FP32, 300);
        double[] bf16 = losses(Precision.BF16_MIXED, 300);
        for (int w = 0; w < 10; w++) {
            assertThat(window(bf16, w, 30)).as("steps %d to %d", w * 30, w * 30 + 29)
                    .isCloseTo(window(fp32, w, 30), Offset.offset(0.02));
        }
        assertThat(window(bf16, 9, 30)).isLessThan(window(bf16, 0, 30) / 10); // it learned, as fp32 did
        assertThat(bf16).isNotEqualTo(fp32); // and it did compute in bf16
    }

    /**
     * The masters stay fp32 and take updates far below bf16's resolution: with a learning rate of 1e-6, AdamW's
     * first step moves each weight by about 1e-6, while a bf16 weight of size 0.01 to 1 can only move by 4e-5 to
     * 4e-3. AdamW's moments are as large as fp32 moments: the same model's optimizer state file is as long after a
     * bf16-mixed step as after an fp32 step, 8 bytes a parameter and more.
     */
    @Test
    void masterWeightsAndAdamWMomentsStayFp32() throws Exception {
        long[] stateBytes = new long[2];
        for (Precision precision : List.of(Precision.FP32, Precision.BF16_MIXED)) {
            try (Model model = ModelFixtures.byteNeoX(5); TrainStep step = new TrainStep(model, 1e-6, SETTINGS,
                    Distributed.single(), TrainPlan.Compute.single(precision, false))) {
                float[] before;
                try (PointerScope scope = new PointerScope()) {
                    before = Tensors.toFloats(model.parameters().get("embed_out.weight"));
                    step.step(Tensors.fromLongs(TrainStepTest.batch(0, 4, 17), 4, 17));
                }
                try (PointerScope scope = new PointerScope()) {
                    model.parameters().forEach((name, p) -> {
                        assertThat(DType.of(p.scalar_type())).as(name).isEqualTo(DType.F32);
                        assertThat(DType.of(p.grad().scalar_type())).as(name + "'s gradient").isEqualTo(DType.F32);
                    });
                    float[] after = Tensors.toFloats(model.parameters().get("embed_out.weight"));
                    int moved = 0;
                    for (int i = 0; i < after.length; i++) {
                        double change = Math.abs(after[i] - before[i]);
                        assertThat(change).isLessThan(1e-5);
                        moved += change > 0 ? 1 : 0;
                    }
                    assertThat(moved).isGreaterThan(after.length / 2);
                }
                Path file = dir.resolve(precision.id() + ".pt");
                step.save(file);
                stateBytes[precision.ordinal()] = Files.size(file);
                assertThat(stateBytes[precision.ordinal()]).isGreaterThan(8 * model.parameterCount());
            }
        }
        assertThat(stateBytes[1]).isEqualTo(stateBytes[0]);
    }

    /** TrainerTest's kill -9 test, in bf16-mixed: the checkpoint (fp32 masters and AdamW) is all a step needs. */
    @Test
    void aBf16RunKilledAndResumedEndsBitIdenticalToAnUninterruptedOne() throws Exception {
        String bf16 = "precision: bf16-mixed";
        Path straight = dir.resolve("straight.yaml");
        Files.writeString(straight, TrainerTest.config(dir, "straight", 15, 15, bf16));
        TrainerTest.train(straight);
        Path killed = dir.resolve("killed.yaml");
        Files.writeString(killed, TrainerTest.config(dir, "killed", 15, 15, bf16));
        Process process = TrainerTest.launch(killed);
        TrainerTest.waitForSteps(dir.resolve("killed"), 18, process); // past the checkpoint at 15
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        assertThat(Files.exists(dir.resolve("killed/final"))).isFalse();
        assertThat(TrainerTest.train(killed).completed()).isTrue();
        assertThat(TrainerTest.weights(dir.resolve("killed"))).isEqualTo(TrainerTest.weights(dir.resolve("straight")));
        assertThat(TrainerTest.metrics(dir.resolve("killed"))).isEqualTo(TrainerTest.metrics(dir.resolve("straight")));
    }
}

package dev.perennial.train;

import dev.perennial.model.Model;
import dev.perennial.model.ModelFixtures;
import dev.perennial.tensor.Devices;
import dev.perennial.tensor.Safetensors;
import dev.perennial.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.function.LongFunction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The numbers on the test device against the CPU's: the device is PERENNIAL_TEST_DEVICE (cpu unless set;
 * tools/gpu_check.sh sets cuda on a GPU machine with the -Pcuda build). On the CPU both sides are the CPU, and the
 * tests check that moving a model, its batches and its saved weights through the device path changes nothing.
 */
class DeviceParityTest {

    /** The device under test. */
    static final String DEVICE = System.getenv().getOrDefault("PERENNIAL_TEST_DEVICE", "cpu");

    /**
     * fp32 on a GPU sums in other orders than the CPU (and cuBLAS may pick other kernels): logits agree to about
     * 1e-6 on these tiny models; 1e-4 leaves room without hiding a wrong layer, which moves them by 1e-2 or more.
     */
    private static final double LOGITS_TOLERANCE = 1e-4;

    @TempDir
    Path dir;

    private static Device device() {
        return Devices.open(DEVICE, 0, "PERENNIAL_TEST_DEVICE");
    }

    @Test
    void logitsOnTheDeviceMatchTheCpu() {
        for (LongFunction<Model> family : new LongFunction[] {ModelFixtures::tinyLlama, ModelFixtures::tinyNeoX}) {
            try (Model cpu = family.apply(3); Model moved = family.apply(3).to(device());
                 NoGradGuard guard = new NoGradGuard(); PointerScope scope = new PointerScope()) {
                assertThat(moved.device().str().getString()).startsWith(DEVICE.startsWith("cuda") ? "cuda" : "cpu");
                Tensor ids = Tensors.fromLongs(new Random(1).longs(2 * 12, 0, 37).toArray(), 2, 12);
                float[] expected = Tensors.toFloats(cpu.logits(ids));
                float[] actual = Tensors.toFloats(moved.logits(Devices.transfer(ids, moved.device())));
                assertThat(actual).hasSameSizeAs(expected);
                for (int i = 0; i < expected.length; i++) {
                    assertThat(actual[i]).as("logit %d", i).isCloseTo(expected[i], within((float) LOGITS_TOLERANCE));
                }
            }
        }
    }

    /**
     * Twenty AdamW steps on one batch (so that the loss must fall): the losses stay within 1e-4 of the CPU's, and the
     * saved weights read back alike.
     */
    @Test
    void trainingOnTheDeviceFollowsTheCpuAndSavesTheSameFile() throws Exception {
        double[][] losses = new double[2][20];
        Path[] saved = {dir.resolve("cpu.safetensors"), dir.resolve("device.safetensors")};
        for (int side = 0; side < 2; side++) {
            Device target = side == 0 ? Devices.open("cpu", 0, "cpu") : device();
            long[] tokens = new Random(5).longs(4 * 13, 0, 37).toArray();
            try (Model model = ModelFixtures.tinyLlama(7).to(target); TrainStep step = new TrainStep(model, 1e-2, 0.1,
                    1.0)) {
                for (int s = 0; s < losses[side].length; s++) {
                    try (PointerScope scope = new PointerScope()) {
                        Tensor batch = Tensors.fromLongs(tokens, 4, 13);
                        losses[side][s] = step.step(Devices.transfer(batch, target)).loss();
                    }
                }
                try (PointerScope scope = new PointerScope()) {
                    Safetensors.write(saved[side], model.parameters());
                }
            }
        }
        for (int s = 0; s < losses[0].length; s++) {
            assertThat(losses[1][s]).as("loss at step %d", s).isCloseTo(losses[0][s], within(1e-4));
        }
        assertThat(losses[0][19]).isLessThan(losses[0][0]); // it trained
        if (DEVICE.equals("cpu")) {
            assertThat(Files.readAllBytes(saved[1])).isEqualTo(Files.readAllBytes(saved[0]));
        }
        try (PointerScope scope = new PointerScope()) {
            Map<String, Tensor> cpu = Safetensors.read(saved[0], torch.ScalarType.Float);
            Map<String, Tensor> gpu = Safetensors.read(saved[1], torch.ScalarType.Float);
            assertThat(gpu.keySet()).isEqualTo(cpu.keySet());
            for (Map.Entry<String, Tensor> t : cpu.entrySet()) {
                float[] a = Tensors.toFloats(t.getValue());
                float[] b = Tensors.toFloats(gpu.get(t.getKey()));
                for (int i = 0; i < a.length; i++) {
                    assertThat(b[i]).as(t.getKey()).isCloseTo(a[i], within(1e-3f));
                }
            }
        }
    }
}

package dev.perennial.train;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.io.Json;
import dev.perennial.model.Model;
import dev.perennial.model.ModelConfig;
import dev.perennial.model.ModelConfigs;
import dev.perennial.model.ModelFixtures;
import dev.perennial.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Measures, in a process of its own (so that no earlier test's freed memory is reused), how far the resident set
 * rises while a model is created and trained for two fp32 AdamW steps per setting: prints "baselineKb peakKb" per
 * setting, each peak since the one baseline (the allocator reuses what an earlier setting freed, so give the settings
 * in increasing need). Arguments: the config.json text, the sequence length, then settings "MICROxCOUNT" (a
 * micro-batch of MICRO sequences, COUNT of them per step).
 */
public final class StepMemoryProbe {

    private StepMemoryProbe() {
    }

    public static void main(String[] args) throws IOException {
        ModelConfig config = ModelConfigs.parse((ObjectNode) Json.MAPPER.readTree(args[0]), "probe");
        int seq = Integer.parseInt(args[1]);
        warmUp();
        System.gc();
        long baseline = statusKb("VmRSS:");
        Files.writeString(Path.of("/proc/self/clear_refs"), "5"); // VmHWM := VmRSS (proc(5), clear_refs)
        Random random = new Random(0);
        try (Model model = Model.initialise(config, 0, torch.ScalarType.Float)) {
            for (int i = 2; i < args.length; i++) {
                String[] setting = args[i].split("x");
                int micro = Integer.parseInt(setting[0]);
                int microBatches = Integer.parseInt(setting[1]);
                try (TrainStep step = new TrainStep(model, 1e-3, 0.1, 1.0)) {
                    for (int s = 0; s < 2; s++) {
                        try (PointerScope scope = new PointerScope()) {
                            List<Tensor> batches = new ArrayList<>();
                            for (int m = 0; m < microBatches; m++) {
                                long[] ids = random.longs((long) micro * (seq + 1), 0, config.vocabSize()).toArray();
                                batches.add(Tensors.fromLongs(ids, micro, seq + 1));
                            }
                            step.step(batches);
                        }
                    }
                }
                System.out.println(baseline + " " + statusKb("VmHWM:"));
            }
        }
    }

    /**
     * A step of each family on tiny models and a large matmul first, so that what the kernels allocate once (BLAS's
     * buffers, the thread pool's stacks) is in the baseline.
     */
    private static void warmUp() {
        for (Model tiny : List.of(ModelFixtures.byteLlama(0), ModelFixtures.byteNeoX(0))) {
            try (tiny; TrainStep step = new TrainStep(tiny, 1e-3, 0.1, 1.0);
                 PointerScope scope = new PointerScope()) {
                step.step(Tensors.fromLongs(new long[4 * 65], 4, 65));
                torch.randn(512, 512).matmul(torch.randn(512, 512)).sum().item_double();
            }
        }
    }

    private static long statusKb(String field) throws IOException {
        return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith(field))
                .mapToLong(l -> Long.parseLong(l.replaceAll("\\D", ""))).findFirst().orElseThrow();
    }
}

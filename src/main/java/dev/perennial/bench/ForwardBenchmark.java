package dev.perennial.bench;

import dev.perennial.model.DetrModel;
import dev.perennial.pipeline.Inputs;
import dev.perennial.pipeline.Outputs;
import dev.perennial.pipeline.Pipeline;
import dev.perennial.pipeline.Task;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Times the convolutional pipelines' models in one process, after warm-up, on a model folder (the real checkpoints'
 * shapes with random weights: {@code tools/reference/vits.py --random-checkpoint vits-ljs DIR}, {@code
 * tools/reference/detr.py --real DIR}): text-to-speech synthesises a text as the pipeline does (sentence by sentence,
 * seed 555), object-detection runs DETR's forward on random pixels of a given size. Each round reports its wall time
 * and the CPU time of the whole process, which other work on a shared machine inflates much less than the wall time.
 * {@code vits.py --time} and {@code detr.py --bench} time the same work in PyTorch eager.
 */
public final class ForwardBenchmark {

    /**
     * One round: wall and process CPU milliseconds; for speech the seconds of audio made and the real-time factor
     * (audio seconds per wall second), null for detection.
     */
    public record Round(int round, boolean warmup, double wallMs, double cpuMs, Double audioSeconds,
                        Double realTimeFactor) {
    }

    private ForwardBenchmark() {
    }

    /** libtorch's intra-op threads, set to {@code requested} first unless it is null. */
    public static int libtorchThreads(Integer requested) {
        if (requested != null) {
            torch.set_num_threads(requested);
        }
        return torch.get_num_threads();
    }

    /** {@code warmup} untimed and {@code rounds} timed syntheses of {@code text} by the VITS model in {@code model}. */
    public static List<Round> speech(Path model, String text, int warmup, int rounds, Consumer<Round> report) {
        try (Pipeline<Inputs.Speech, Outputs.Speech> tts = Pipeline.forTask(Task.TEXT_TO_SPEECH, model.toString())) {
            Inputs.Speech input = new Inputs.Speech(text, 1.0, Inputs.Speech.DEFAULT_SEED);
            return repeat(warmup, rounds, report, () -> tts.run(input).seconds());
        }
    }

    /** {@code warmup} untimed and {@code rounds} timed DETR forwards on random pixels [1, 3, height, width]. */
    public static List<Round> detection(Path model, int height, int width, int warmup, int rounds,
                                        Consumer<Round> report) {
        try (DetrModel detr = DetrModel.load(model, torch.ScalarType.Float);
             PointerScope scope = new PointerScope()) {
            Tensor pixels = torch.randn(new long[] {1, 3, height, width},
                    new GeneratorOptional(torch.createCPUGenerator(0)), new TensorOptions(torch.ScalarType.Float));
            return repeat(warmup, rounds, report, () -> {
                try (PointerScope step = new PointerScope()) {
                    detr.forward(pixels, null).logits().sum().item_double();
                    return null;
                }
            });
        }
    }

    /** Work that returns the seconds of audio it made, or null. */
    private interface Work {
        Double run();
    }

    private static List<Round> repeat(int warmup, int rounds, Consumer<Round> report, Work work) {
        List<Round> timed = new ArrayList<>();
        for (int r = 0; r < warmup + rounds; r++) {
            double cpu0 = processCpuMs();
            long wall0 = System.nanoTime();
            Double audio = work.run();
            double wallMs = (System.nanoTime() - wall0) / 1e6;
            Round round = new Round(r, r < warmup, wallMs, processCpuMs() - cpu0, audio,
                    audio == null ? null : audio / (wallMs / 1000));
            report.accept(round);
            if (!round.warmup()) {
                timed.add(round);
            }
        }
        return timed;
    }

    private static double processCpuMs() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime() / 1e6;
    }
}

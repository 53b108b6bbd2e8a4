package dev.perennial.bench;

import dev.perennial.checkpoint.ModelFolder;
import dev.perennial.io.AtomicFiles;
import dev.perennial.model.Model;
import dev.perennial.tensor.Safetensors;
import dev.perennial.tensor.Tensors;
import dev.perennial.train.TrainStep;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.global.torch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/** Checkpoint cost: writing and reading a model folder and AdamW's state, after one real step, repeated. */
public final class CheckpointBenchmark {

    /** Seconds to save and load the weights and the optimizer's state, over the repeats; bytes on disk. */
    public record Result(long parameters, Spread saveSeconds, Spread optimizerSaveSeconds, Spread loadSeconds,
                         Spread optimizerLoadSeconds, long bytes) {
    }

    private CheckpointBenchmark() {
    }

    public static Result run(TrainBenchmark.Shape shape, int repeats) throws IOException {
        Path dir = Files.createTempDirectory("perennial-checkpoint");
        try (Model model = Model.initialise(TrainBenchmark.config(shape), 0, torch.ScalarType.Float);
             TrainStep step = new TrainStep(model, 1e-4, 0.1, 1.0)) {
            try (PointerScope scope = new PointerScope()) {
                long[] tokens = new SplittableRandom(0).longs(2L * 9, 0, shape.vocab()).toArray();
                step.step(Tensors.fromLongs(tokens, 2, 9));
            }
            double[] save = new double[repeats];
            double[] optimizerSave = new double[repeats];
            double[] load = new double[repeats];
            double[] optimizerLoad = new double[repeats];
            BenchProgress progress = BenchProgress.console("checkpoint", "saves and loads", repeats);
            for (int r = 0; r < repeats; r++) {
                long start = System.nanoTime();
                ModelFolder.save(model, "byte", dir, ModelFolder.DEFAULT_SHARD_BYTES, "");
                save[r] = seconds(start);
                start = System.nanoTime();
                step.save(dir.resolve("optimizer.safetensors"));
                optimizerSave[r] = seconds(start);
                start = System.nanoTime();
                Model loaded = Model.fromTensors(model.config(),
                        Safetensors.readFolder(dir, torch.ScalarType.Float), torch.ScalarType.Float,
                        dir.toString());
                load[r] = seconds(start);
                start = System.nanoTime();
                try (TrainStep restored = new TrainStep(loaded, 1e-4, 0.1, 1.0)) {
                    restored.load(dir.resolve("optimizer.safetensors"));
                }
                optimizerLoad[r] = seconds(start);
                loaded.close();
                progress.done();
            }
            progress.finish();
            long bytes;
            try (Stream<Path> files = Files.list(dir)) {
                bytes = files.mapToLong(f -> f.toFile().length()).sum();
            }
            return new Result(model.parameterCount(), Spread.of(save), Spread.of(optimizerSave), Spread.of(load),
                    Spread.of(optimizerLoad), bytes);
        } finally {
            AtomicFiles.deleteTree(dir);
        }
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }
}

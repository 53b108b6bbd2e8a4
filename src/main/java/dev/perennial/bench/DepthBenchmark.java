package dev.perennial.bench;

import dev.perennial.image.ImageFiles;
import dev.perennial.image.RgbImage;
import dev.perennial.pipeline.Inputs;
import dev.perennial.pipeline.Outputs;
import dev.perennial.pipeline.Pipeline;
import dev.perennial.pipeline.Task;

import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Times the depth-estimation pipeline on a DPT model folder (for the speed goal, Intel/dpt-hybrid-midas's shape with
 * random weights, written by {@code tools/reference/dpt.py --real DIR}): per image, the processor, the model, the
 * depth resized back to the image and its picture, as {@code tools/reference/dpt.py --time DIR IMAGE N} times them in
 * PyTorch eager.
 */
public final class DepthBenchmark {

    /** The timed images: milliseconds each, and images per second at the median. */
    public record Result(String model, int width, int height, int warmup, Spread ms, double imagesPerSecond) {
    }

    private DepthBenchmark() {
    }

    /**
     * {@code iterations} timed images after {@code warmup} untimed ones; {@code image} null: a synthetic 640×480
     * JPEG. Each time is reported to {@code each} as it is measured.
     */
    public static Result run(Path model, Path image, int warmup, int iterations, Consumer<Double> each) {
        RgbImage picture = image != null ? ImageFiles.read(image)
                : ImageFiles.read(PipelineBenchmark.syntheticJpeg(640, 480), "synthetic.jpg");
        Inputs.Image input = new Inputs.Image(picture);
        double[] ms = new double[iterations];
        try (Pipeline<Inputs.Image, Outputs.Depth> pipeline = Pipeline.forTask(Task.DEPTH_ESTIMATION,
                model.toString())) {
            for (int i = 0; i < warmup; i++) {
                pipeline.run(input);
            }
            for (int i = 0; i < iterations; i++) {
                long start = System.nanoTime();
                pipeline.run(input);
                ms[i] = (System.nanoTime() - start) / 1e6;
                each.accept(ms[i]);
            }
        }
        Spread spread = Spread.of(ms);
        return new Result(model.toString(), picture.width(), picture.height(), warmup, spread,
                1000 / spread.median());
    }
}

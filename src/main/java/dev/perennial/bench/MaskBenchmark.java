package dev.perennial.bench;

import dev.perennial.image.ImageFiles;
import dev.perennial.image.RgbImage;
import dev.perennial.image.SamImageProcessor;
import dev.perennial.model.SamModel;
import dev.perennial.pipeline.Inputs;
import dev.perennial.pipeline.Pipeline;
import dev.perennial.pipeline.Task;
import dev.perennial.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * Times SAM on a model folder (tools/reference/sam.py --real DIR writes Zigeng/SlimSAM-uniform-77's shapes with random
 * weights): the model alone (the image embedding of a padded 1024² input; one point prompt through the prompt encoder
 * and mask decoder, as tools/reference/sam.py --time times them) and the mask-generation pipeline on a 640×480 photo
 * (the first click, which embeds the image, and the next clicks on the same image, which reuse the embedding);
 * or automatic mask generation ({@link #runAutomatic}) on that photo, as tools/reference/sam.py --time-automatic
 * times it.
 */
public final class MaskBenchmark {

    /**
     * One round on a fresh image: model times (embedding, median prompt) and pipeline times (first click, median of
     * the following clicks), in ms, with images/s and prompts/s of the model and the second click's share of the
     * first's time.
     */
    public record Round(int round, double embeddingMs, double promptMs, double imagesPerSecond, double promptsPerSecond,
                        double firstClickMs, double nextClickMs, double nextOverFirst, int threads) {
    }

    /**
     * One round of automatic mask generation on a fresh image: the pipeline call (embedding and grid) and a second
     * call on the same image (the grid alone, the embedding cached), in ms, with the clicks and the masks kept.
     */
    public record AutomaticRound(int round, double imageMs, double gridMs, double imagesPerSecond, int clicks,
                                 int masks, int threads) {
    }

    private MaskBenchmark() {
    }

    /**
     * {@code rounds} rounds of automatic mask generation with {@code grid} on the 640×480 photo, each timed after one
     * untimed warm-up round.
     */
    public static void runAutomatic(Path dir, Inputs.MaskGrid grid, int rounds, Consumer<AutomaticRound> each) {
        RgbImage photo = ImageFiles.read(PipelineBenchmark.syntheticJpeg(640, 480), "synthetic.jpg");
        BenchProgress progress = BenchProgress.console("mask-generation", "rounds", rounds + 1);
        try (Pipeline<Inputs.MaskPrompt, dev.perennial.pipeline.Outputs.Masks> pipeline =
                     Pipeline.forTask(Task.MASK_GENERATION, dir.toString())) {
            for (int round = 0; round <= rounds; round++) {
                Inputs.MaskPrompt prompt = Inputs.MaskPrompt.automatic(variant(photo, round), grid);
                long start = System.nanoTime();
                int masks = pipeline.run(prompt).masks().size();
                double imageMs = (System.nanoTime() - start) / 1e6;
                start = System.nanoTime();
                pipeline.run(prompt);
                double gridMs = (System.nanoTime() - start) / 1e6;
                progress.done();
                if (round > 0) {
                    each.accept(new AutomaticRound(round, imageMs, gridMs, 1000 / imageMs,
                            grid.pointsPerCrop() * grid.pointsPerCrop(), masks, torch.get_num_threads()));
                }
            }
        }
        progress.finish();
    }

    /** {@code rounds} rounds, each timed after one untimed warm-up round, with {@code prompts} prompts per round. */
    public static void run(Path dir, int prompts, int rounds, Consumer<Round> each) {
        RgbImage photo = ImageFiles.read(PipelineBenchmark.syntheticJpeg(640, 480), "synthetic.jpg");
        SamImageProcessor processor = SamImageProcessor.read(dir.resolve("preprocessor_config.json"));
        BenchProgress progress = BenchProgress.console("mask-generation", "rounds", rounds + 1);
        try (SamModel model = SamModel.load(dir, torch.ScalarType.Float);
             Pipeline<Inputs.MaskPrompt, dev.perennial.pipeline.Outputs.Masks> pipeline = Pipeline.forTask(Task.MASK_GENERATION, dir.toString())) {
            SamImageProcessor.Input input = processor.process(photo);
            for (int round = 0; round <= rounds; round++) {
                double[] modelMs = modelTimes(model, processor, input, prompts);
                RgbImage image = variant(photo, round);
                long start = System.nanoTime();
                pipeline.run(click(image, 0));
                double firstMs = (System.nanoTime() - start) / 1e6;
                double[] next = new double[prompts];
                for (int i = 0; i < prompts; i++) {
                    long t = System.nanoTime();
                    pipeline.run(click(image, i + 1));
                    next[i] = (System.nanoTime() - t) / 1e6;
                }
                double nextMs = Spread.of(next).median();
                progress.done();
                if (round > 0) {
                    each.accept(new Round(round, modelMs[0], modelMs[1], 1000 / modelMs[0], 1000 / modelMs[1], firstMs,
                            nextMs, nextMs / firstMs, torch.get_num_threads()));
                }
            }
        }
        progress.finish();
    }

    /** The embedding's ms and the median ms of {@code prompts} one-point prompts against it. */
    private static double[] modelTimes(SamModel model, SamImageProcessor processor, SamImageProcessor.Input input,
                                       int prompts) {
        try (PointerScope scope = new PointerScope()) {
            Tensor pixels = Tensors.fromFloats(input.pixels(), 1, 3, processor.padHeight(), processor.padWidth());
            long start = System.nanoTime();
            Tensor embeddings = model.embed(pixels);
            double embedMs = (System.nanoTime() - start) / 1e6;
            double[] ms = new double[prompts];
            for (int i = 0; i < prompts; i++) {
                try (PointerScope step = new PointerScope()) {
                    Tensor points = Tensors.fromDoubles(new double[] {100.0 + 50 * i, 400.0}, torch.ScalarType.Double,
                            1, 1, 2);
                    Tensor labels = Tensors.fromLongs(new long[] {1}, 1, 1);
                    long t = System.nanoTime();
                    SamModel.Output out = model.decode(embeddings, points, labels, null, null, true);
                    Tensors.toFloats(out.iouScores());
                    ms[i] = (System.nanoTime() - t) / 1e6;
                }
            }
            return new double[] {embedMs, Spread.of(ms).median()};
        }
    }

    /** A click on the photo, moved a little each time. */
    private static Inputs.MaskPrompt click(RgbImage image, int i) {
        return new Inputs.MaskPrompt(image, List.of(new Inputs.Point(100 + 17 * (i % 30), 200 + 5 * (i % 40), 1)));
    }

    /** The photo with its first pixel changed, so that each round's first click misses the embedding cache. */
    private static RgbImage variant(RgbImage photo, int round) {
        byte[] rgb = photo.rgb().clone();
        rgb[0] = (byte) round;
        return new RgbImage(photo.width(), photo.height(), rgb);
    }
}

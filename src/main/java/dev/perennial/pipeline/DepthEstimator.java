package dev.perennial.pipeline;

import dev.perennial.UserError;
import dev.perennial.image.DepthPicture;
import dev.perennial.image.DptImageProcessor;
import dev.perennial.image.ImageProcessor;
import dev.perennial.model.DepthPostProcess;
import dev.perennial.model.DptModel;
import dev.perennial.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * DPT-Hybrid with DPTImageProcessor, as transformers' DepthEstimationPipeline runs it: one image at a time, the
 * predicted depth resized bicubically to the image's size (post_process_depth_estimation) and drawn as
 * uint8((d - min) / (max - min) · 255).
 */
final class DepthEstimator implements Encoder {

    private final Path dir;
    private final DptModel model;
    private final DptImageProcessor processor;

    private DepthEstimator(Path dir, DptModel model, DptImageProcessor processor) {
        this.dir = dir;
        this.model = model;
        this.processor = processor;
    }

    static DepthEstimator load(Path dir, PipelineOptions options) {
        Path processorConfig = dir.resolve("preprocessor_config.json");
        if (!Files.isRegularFile(processorConfig)) {
            throw new UserError(dir + ": no preprocessor_config.json; DPT's image processor settings are in it "
                    + "(download it with the model)");
        }
        DptImageProcessor processor = DptImageProcessor.read(processorConfig);
        return Resources.builtOver(DptModel.load(dir, options.dtype().scalarType()),
                model -> new DepthEstimator(dir, model, checked(processor, processorConfig, model)));
    }

    /** A processor whose fixed output size the model cannot take is refused before any image is read. */
    private static DptImageProcessor checked(DptImageProcessor processor, Path file, DptModel model) {
        int patch = model.config().patchSize();
        boolean fixed = processor.doResize() && !processor.keepAspectRatio() && processor.ensureMultipleOf() == 1;
        if (fixed && (processor.height() % patch != 0 || processor.width() % patch != 0)) {
            throw new UserError(file + ": size is " + processor.height() + "×" + processor.width() + ", but the "
                    + "model takes sides that are multiples of " + patch + " (its patch_size); fix size or set "
                    + "ensure_multiple_of to " + patch);
        }
        return processor;
    }

    @Override
    public Path dir() {
        return dir;
    }

    @Override
    public String modelType() {
        return "dpt";
    }

    Outputs.Depth estimate(Inputs.Image input) {
        ImageProcessor.PixelValues pixels = processor.process(input.image());
        int patch = model.config().patchSize();
        if (pixels.height() % patch != 0 || pixels.width() % patch != 0) {
            throw new PipelineInputError("the image is resized to " + pixels.width() + "×" + pixels.height()
                    + ", which the model cannot take (sides must be multiples of " + patch + "); " + dir
                    + "/preprocessor_config.json should set ensure_multiple_of to " + patch);
        }
        int height = input.image().height();
        int width = input.image().width();
        float[] depth;
        List<Integer> predicted;
        try (PointerScope scope = new PointerScope()) {
            Tensor batch = Tensors.fromFloats(pixels.values(), 1, 3, pixels.height(), pixels.width());
            Tensor out = model.forward(batch).predictedDepth().select(0, 0);
            predicted = List.of((int) out.size(0), (int) out.size(1));
            depth = DepthPostProcess.resized(out, height, width);
        }
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (float d : depth) {
            min = Math.min(min, d);
            max = Math.max(max, d);
        }
        return new Outputs.Depth(width, height, min, max, predicted, depth, DepthPicture.of(depth, width, height));
    }

    @Override
    public void close() {
        model.close();
    }
}

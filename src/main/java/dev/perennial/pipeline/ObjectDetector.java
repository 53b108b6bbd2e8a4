package dev.perennial.pipeline;

import dev.perennial.UserError;
import dev.perennial.image.DetrImageProcessor;
import dev.perennial.image.ImageProcessor;
import dev.perennial.model.DetrModel;
import dev.perennial.model.DetrPostProcess;
import dev.perennial.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * DETR with DetrImageProcessor, as transformers' ObjectDetectionPipeline runs it: one image at a time (no padding),
 * post_process_object_detection at the image's own size, each label named by id2label and each box truncated to
 * whole pixels (ObjectDetectionPipeline._get_bounding_box).
 */
final class ObjectDetector implements Encoder {

    private final Path dir;
    private final DetrModel model;
    private final DetrImageProcessor processor;

    private ObjectDetector(Path dir, DetrModel model, DetrImageProcessor processor) {
        this.dir = dir;
        this.model = model;
        this.processor = processor;
    }

    static ObjectDetector load(Path dir, PipelineOptions options) {
        Path processorConfig = dir.resolve("preprocessor_config.json");
        if (!Files.isRegularFile(processorConfig)) {
            throw new UserError(dir + ": no preprocessor_config.json; DETR's image processor settings are in it "
                    + "(download it with the model)");
        }
        DetrImageProcessor processor = DetrImageProcessor.read(processorConfig);
        return new ObjectDetector(dir, DetrModel.load(dir, options.dtype().scalarType()), processor);
    }

    @Override
    public Path dir() {
        return dir;
    }

    @Override
    public String modelType() {
        return "detr";
    }

    Outputs.Detections detect(Inputs.DetectionImage input) {
        ImageProcessor.PixelValues pixels = processor.process(input.image());
        List<DetrPostProcess.Detection> found;
        try (PointerScope scope = new PointerScope()) {
            Tensor batch = Tensors.fromFloats(pixels.values(), 1, 3, pixels.height(), pixels.width());
            DetrModel.Output out = model.forward(batch, null);
            found = DetrPostProcess.detections(out, input.threshold(),
                    List.of(new int[] {input.image().height(), input.image().width()})).getFirst();
        }
        List<String> labels = model.config().labels();
        return new Outputs.Detections(found.stream().map(d -> new Outputs.Detection(d.score(), labels.get(d.label()),
                new Outputs.Box((int) d.xmin(), (int) d.ymin(), (int) d.xmax(), (int) d.ymax()))).toList());
    }

    @Override
    public void close() {
        model.close();
    }
}

package dev.perennial.pipeline;

import dev.perennial.image.ImageProcessor;
import dev.perennial.image.RgbImage;
import dev.perennial.model.ClipModel;
import dev.perennial.tensor.Tensors;
import dev.perennial.tokenizer.EncoderTokenizer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.nio.file.Path;
import java.util.List;

/**
 * CLIP with its processors: the BPE tokenizer truncating to the text tower's positions, and the image processor
 * of preprocessor_config.json. Embeddings come out L2-normalised, as CLIPModel normalises them before the logits.
 */
final class ClipEncoder implements Encoder, ImageTextEmbedder {

    private final Path dir;
    private final ClipModel model;
    private final EncoderTokenizer tokenizer;
    private final ImageProcessor images;
    private final int batchSize;
    private final torch.ScalarType dtype;

    private ClipEncoder(Path dir, ClipModel model, EncoderTokenizer tokenizer, ImageProcessor images, int batchSize,
                        torch.ScalarType dtype) {
        this.dir = dir;
        this.model = model;
        this.tokenizer = tokenizer;
        this.images = images;
        this.batchSize = batchSize;
        this.dtype = dtype;
    }

    static ClipEncoder load(Path dir, PipelineOptions options) {
        ImageProcessor images = ImageProcessor.load(ModelFolders.preprocessorConfig(dir, "CLIP"));
        ClipModel model = ClipModel.load(dir, options.dtype().scalarType());
        return Resources.builtOver(model, m -> new ClipEncoder(dir, m, EncoderTokenizer.load(dir,
                m.config().textMaxPositions()), images, options.batchSize(), options.dtype().scalarType()));
    }

    @Override
    public Path dir() {
        return dir;
    }

    @Override
    public String modelType() {
        return "clip";
    }

    @Override
    public int dimension() {
        return model.config().projectionDim();
    }

    /** Normalised text embeddings [texts.size()][dimension], {@code batchSize} texts at a time. */
    @Override
    public float[][] textEmbeddings(List<String> texts) {
        float[][] out = new float[texts.size()][];
        for (int from = 0; from < texts.size(); from += batchSize) {
            List<String> chunk = texts.subList(from, Math.min(texts.size(), from + batchSize));
            EncoderTokenizer.Batch batch = tokenizer.encode(chunk);
            try (PointerScope scope = new PointerScope()) {
                Tensor ids = Tensors.fromLongs(batch.ids(), batch.size(), batch.length());
                Tensor mask = Tensors.fromLongs(batch.mask(), batch.size(), batch.length());
                Vectors.copyRows(Vectors.normalize(model.textEmbeds(ids, mask).to(torch.ScalarType.Float)), out, from);
            }
        }
        return out;
    }

    /** Normalised image embeddings [images.size()][dimension], {@code batchSize} images at a time. */
    @Override
    public float[][] imageEmbeddings(List<RgbImage> pictures) {
        float[][] out = new float[pictures.size()][];
        int h = images.height();
        int w = images.width();
        for (int from = 0; from < pictures.size(); from += batchSize) {
            List<RgbImage> chunk = pictures.subList(from, Math.min(pictures.size(), from + batchSize));
            float[] pixels = new float[chunk.size() * 3 * h * w];
            for (int i = 0; i < chunk.size(); i++) {
                System.arraycopy(images.pixelValues(chunk.get(i)), 0, pixels, i * 3 * h * w, 3 * h * w);
            }
            try (PointerScope scope = new PointerScope()) {
                Tensor batch = Tensors.fromFloats(pixels, chunk.size(), 3, h, w);
                Vectors.copyRows(Vectors.normalize(model.imageEmbeds(batch.to(dtype)).to(torch.ScalarType.Float)), out,
                        from);
            }
        }
        return out;
    }

    /**
     * transformers' ZeroShotImageClassificationPipeline: logits_per_image = exp(logit_scale) · cos(image, text) for
     * each hypothesis, softmax over the labels, sorted by score (best first).
     */
    Outputs.Labels classify(Inputs.LabelledImage input) {
        float[] image = imageEmbeddings(List.of(input.image()))[0];
        float[][] texts = textEmbeddings(input.hypotheses());
        double scale = model.logitScale();
        double[] logits = new double[texts.length];
        for (int i = 0; i < texts.length; i++) {
            logits[i] = scale * Vectors.dot(image, texts[i]);
        }
        return Outputs.Labels.ranked(input.candidateLabels(), logits);
    }

    @Override
    public void close() {
        tokenizer.close();
        model.close();
    }
}

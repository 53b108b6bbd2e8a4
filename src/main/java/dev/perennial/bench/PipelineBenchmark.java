package dev.perennial.bench;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.UserError;
import dev.perennial.image.ImageFiles;
import dev.perennial.image.ImageProcessor;
import dev.perennial.image.ImageProcessorConfig;
import dev.perennial.image.RgbImage;
import dev.perennial.io.Json;
import dev.perennial.model.BertEncoder;
import dev.perennial.model.ClipModel;
import dev.perennial.model.PretrainedWeights;
import dev.perennial.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Times the pipelines' encoders at the real checkpoints' shapes with random weights (written into a temporary model
 * folder from the family's declared shapes, so nothing is downloaded): feature-extraction (sentences/s: BERT forward,
 * mean pooling and normalisation of random ids) and image embedding (images/s: CLIP's image tower and projection,
 * normalised, as zero-shot-image-classification and image search compute it for each image). For images it also
 * times the preprocessing of a synthetic 640×480 JPEG (decoding and CLIP's pixel values) and reports its share of
 * the time per image. {@code bench/pipeline_reference.py} does the same in PyTorch eager.
 */
public final class PipelineBenchmark {

    /** The real checkpoints' config.json, by the name {@code --model-shape} takes. */
    public enum ModelShape {
        MINILM_L6("minilm-l6", "sentence-transformers/all-MiniLM-L6-v2", """
                {"model_type": "bert", "architectures": ["BertModel"], "vocab_size": 30522, "hidden_size": 384,
                 "num_hidden_layers": 6, "num_attention_heads": 12, "intermediate_size": 1536, "hidden_act": "gelu",
                 "max_position_embeddings": 512, "type_vocab_size": 2, "layer_norm_eps": 1e-12, "pad_token_id": 0,
                 "position_embedding_type": "absolute"}"""),
        CLIP_B32("clip-b32", "openai/clip-vit-base-patch32", clip(512, 2048, 8, 768, 3072, 12, 12, 32, 512)),
        CLIP_L14("clip-l14", "openai/clip-vit-large-patch14", clip(768, 3072, 12, 1024, 4096, 24, 16, 14, 768));

        private final String commandName;
        private final String checkpoint;
        private final String config;

        ModelShape(String commandName, String checkpoint, String config) {
            this.commandName = commandName;
            this.checkpoint = checkpoint;
            this.config = config;
        }

        public String commandName() {
            return commandName;
        }

        /** The checkpoint whose config.json this is. */
        public String checkpoint() {
            return checkpoint;
        }

        public boolean isClip() {
            return this != MINILM_L6;
        }

        public static ModelShape of(String name) {
            return Arrays.stream(values()).filter(s -> s.commandName.equals(name)).findFirst()
                    .orElseThrow(() -> new UserError("--model-shape " + name + " is not one of " + names()));
        }

        public static String names() {
            return String.join(", ", Arrays.stream(values()).map(ModelShape::commandName).toList());
        }

        private static String clip(int textHidden, int textInter, int textHeads, int visionHidden, int visionInter,
                                   int visionLayers, int visionHeads, int patch, int projection) {
            return """
                    {"model_type": "clip", "architectures": ["CLIPModel"], "projection_dim": %d,
                     "logit_scale_init_value": 2.6592,
                     "text_config": {"vocab_size": 49408, "hidden_size": %d, "intermediate_size": %d,
                      "num_hidden_layers": 12, "num_attention_heads": %d, "max_position_embeddings": 77,
                      "hidden_act": "quick_gelu", "layer_norm_eps": 1e-5, "bos_token_id": 0, "eos_token_id": 2,
                      "pad_token_id": 1},
                     "vision_config": {"hidden_size": %d, "intermediate_size": %d, "num_hidden_layers": %d,
                      "num_attention_heads": %d, "num_channels": 3, "image_size": 224, "patch_size": %d,
                      "hidden_act": "quick_gelu", "layer_norm_eps": 1e-5}}""".formatted(projection, textHidden,
                    textInter, textHeads, visionHidden, visionInter, visionLayers, visionHeads, patch);
        }
    }

    /** What is timed: the pipeline tasks' model work. */
    public enum BenchTask {
        FEATURE_EXTRACTION("feature-extraction", "sentences"),
        ZERO_SHOT_IMAGE_CLASSIFICATION("zero-shot-image-classification", "images"),
        IMAGE_FEATURE_EXTRACTION("image-feature-extraction", "images");

        private final String commandName;
        private final String unit;

        BenchTask(String commandName, String unit) {
            this.commandName = commandName;
            this.unit = unit;
        }

        public String commandName() {
            return commandName;
        }

        public static BenchTask of(String name) {
            return Arrays.stream(values()).filter(t -> t.commandName.equals(name)).findFirst()
                    .orElseThrow(() -> new UserError("task '" + name + "' is not one 'bench pipeline' times; the "
                            + "tasks are " + String.join(", ", Arrays.stream(values()).map(BenchTask::commandName)
                            .toList())));
        }
    }

    /**
     * One batch size's timing: the spread of ms per batch over the timed iterations (JSON: ms_median, ms_p10, ...),
     * items per second at the median, and for images the share of preprocessing in the time per image
     * (preprocessing + model).
     */
    public record BatchResult(int batch, @JsonUnwrapped(prefix = "ms_") Spread ms, double itemsPerSecond,
                              Double preprocessShare) {
    }

    /**
     * A run: the task, the shape, per-batch results and, for images, preprocessing ms per image (median decode plus
     * median pixel values).
     */
    public record Result(String task, String modelShape, String checkpoint, String unit, Integer seq,
                         long parameters, int warmup, int iterations, int threads, Double preprocessMsPerImage,
                         Double decodeMsPerImage, Double pixelValuesMsPerImage, List<BatchResult> results, String blas,
                         String malloc) {
    }

    private PipelineBenchmark() {
    }

    /** Writes {@code shape}'s model folder with random weights, loads it and times the task at each batch size. */
    public static Result run(BenchTask task, ModelShape shape, List<Integer> batches, int seq, int warmup,
                             int iterations) {
        boolean images = task != BenchTask.FEATURE_EXTRACTION;
        if (images != shape.isClip()) {
            throw new UserError("task " + task.commandName() + " runs on " + (images ? "a CLIP shape (clip-b32, "
                    + "clip-l14)" : "a text encoder shape (minilm-l6)") + ", not " + shape.commandName());
        }
        if (batches.isEmpty() || batches.stream().anyMatch(b -> b < 1) || iterations < 1 || warmup < 0 || seq < 1) {
            throw new UserError("--batch sizes, --seq and --iterations must be at least 1 and --warmup at least 0");
        }
        Path dir = null;
        try {
            dir = Files.createTempDirectory("perennial-bench-pipeline-");
            ObjectNode config = (ObjectNode) Json.MAPPER.readTree(shape.config);
            Files.writeString(dir.resolve("config.json"), Json.MAPPER.writeValueAsString(config));
            PretrainedWeights.writeRandom(dir, 0);
            List<BatchResult> results = new ArrayList<>();
            long parameters;
            Double preprocess = null;
            Preprocess split = null;
            BenchProgress progress = BenchProgress.console("pipeline", "batches",
                    batches.size() * (warmup + iterations));
            if (images) {
                split = preprocess(Math.max(20, iterations));
                preprocess = split.totalMs();
                try (ClipModel model = ClipModel.load(dir, torch.ScalarType.Float)) {
                    parameters = parameters(dir);
                    for (int b : batches) {
                        float[] values = new float[b * 3 * 224 * 224];
                        SplittableRandom random = new SplittableRandom(b);
                        for (int i = 0; i < values.length; i++) {
                            values[i] = (float) (random.nextDouble() * 4 - 2);
                        }
                        Tensor pixels = Tensors.fromFloats(values, b, 3, 224, 224);
                        BatchResult r = time(b, warmup, iterations, preprocess, progress, () -> {
                            Tensor embeds = normalize(model.imageEmbeds(pixels));
                            Tensors.toFloats(embeds);
                        });
                        pixels.close();
                        results.add(r);
                    }
                }
            } else {
                try (BertEncoder model = BertEncoder.load(dir, torch.ScalarType.Float)) {
                    parameters = parameters(dir);
                    if (seq > model.config().maxPositions()) {
                        throw new UserError("--seq " + seq + " is more than the " + model.config().maxPositions()
                                + " positions of " + shape.commandName());
                    }
                    SplittableRandom random = new SplittableRandom(0);
                    for (int b : batches) {
                        long[] idValues = random.longs((long) b * seq, 0, model.config().vocabSize()).toArray();
                        long[] ones = new long[b * seq];
                        Arrays.fill(ones, 1);
                        Tensor ids = Tensors.fromLongs(idValues, b, seq);
                        Tensor types = Tensors.fromLongs(new long[b * seq], b, seq);
                        Tensor mask = Tensors.fromLongs(ones, b, seq);
                        BatchResult r = time(b, warmup, iterations, null, progress, () -> {
                            Tensor hidden = model.lastHiddenState(ids, types, mask);
                            Tensors.toFloats(normalize(meanPool(hidden, mask)));
                        });
                        ids.close();
                        types.close();
                        mask.close();
                        results.add(r);
                    }
                }
            }
            progress.finish();
            return new Result(task.commandName(), shape.commandName(), shape.checkpoint(), task.unit,
                    images ? null : seq, parameters, warmup, iterations, torch.get_num_threads(), preprocess,
                    split == null ? null : split.decodeMs(), split == null ? null : split.pixelValuesMs(),
                    List.copyOf(results), TrainBenchmark.blasInUse(), TrainBenchmark.mallocInUse());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (dir != null) {
                deleteQuietly(dir);
            }
        }
    }

    /** Warm-up, then {@code iterations} timed runs of {@code body}, each in its own PointerScope. */
    static BatchResult time(int batch, int warmup, int iterations, Double preprocessMs, BenchProgress progress,
                                    Runnable body) {
        for (int i = 0; i < warmup; i++) {
            try (PointerScope scope = new PointerScope()) {
                body.run();
            }
            progress.done();
        }
        double[] ms = new double[iterations];
        for (int i = 0; i < iterations; i++) {
            long start = System.nanoTime();
            try (PointerScope scope = new PointerScope()) {
                body.run();
            }
            ms[i] = (System.nanoTime() - start) / 1e6;
            progress.done();
        }
        Spread spread = Spread.of(ms);
        double median = spread.median();
        Double share = preprocessMs == null ? null : preprocessMs / (preprocessMs + median / batch);
        return new BatchResult(batch, spread, batch / (median / 1000), share);
    }

    /** Median ms per image: decoding the JPEG, then CLIP's pixel values of the decoded image; their sum. */
    record Preprocess(double decodeMs, double pixelValuesMs) {
        double totalMs() {
            return decodeMs + pixelValuesMs;
        }
    }

    /**
     * The median ms to turn a synthetic 640×480 JPEG's bytes into CLIP's pixel values (openai's preprocessor
     * config: shortest edge 224 bicubic, centre crop 224, rescale, normalise), after 20 untimed runs (the JIT
     * compiles the decoder and the resampler in the first few; a pipeline that sees many images runs warm).
     */
    static Preprocess preprocess(int repeats) {
        byte[] jpeg = syntheticJpeg(640, 480);
        ImageProcessor processor = new ImageProcessor(ImageProcessorConfig.clipDefaults());
        double[] decode = new double[repeats];
        double[] pixelValues = new double[repeats];
        for (int i = -20; i < repeats; i++) {
            long start = System.nanoTime();
            RgbImage image = ImageFiles.read(jpeg, "synthetic.jpg");
            long decoded = System.nanoTime();
            float[] pixels = processor.pixelValues(image);
            long done = System.nanoTime();
            if (pixels.length != 3 * 224 * 224) {
                throw new IllegalStateException("pixel values of " + pixels.length + " floats");
            }
            if (i >= 0) {
                decode[i] = (decoded - start) / 1e6;
                pixelValues[i] = (done - decoded) / 1e6;
            }
        }
        return new Preprocess(Spread.of(decode).median(), Spread.of(pixelValues).median());
    }

    /** A photo-like JPEG (smooth gradients with noise) made in memory with ImageIO. */
    static byte[] syntheticJpeg(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        SplittableRandom random = new SplittableRandom(1);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int r = clamp(255 * x / width + random.nextInt(-12, 13));
                int g = clamp(255 * y / height + random.nextInt(-12, 13));
                int b = clamp(128 + (int) (100 * Math.sin((x + y) / 37.0)) + random.nextInt(-12, 13));
                image.setRGB(x, y, r << 16 | g << 8 | b);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, "jpg", out)) {
                throw new IllegalStateException("ImageIO has no JPEG writer");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static int clamp(int v) {
        return Math.max(0, Math.min(255, v));
    }

    /** sentence-transformers' mean pooling over the tokens the mask keeps. */
    private static Tensor meanPool(Tensor hidden, Tensor mask) {
        Tensor m = mask.to(torch.ScalarType.Float).unsqueeze(-1);
        Tensor counts = m.sum(new long[] {1}, false, new ScalarTypeOptional()).clamp_min(new Scalar(1e-9));
        return hidden.mul(m).sum(new long[] {1}, false, new ScalarTypeOptional()).div(counts);
    }

    /** F.normalize(x, p=2, dim=-1). */
    private static Tensor normalize(Tensor x) {
        Tensor norms = torch.linalg_vector_norm(x, new Scalar(2), new long[] {-1}, true, new ScalarTypeOptional());
        return x.div(norms.clamp_min(new Scalar(1e-12)));
    }

    static long parameters(Path dir) {
        return dev.perennial.tensor.Safetensors.header(dir.resolve("model.safetensors")).values().stream()
                .mapToLong(dev.perennial.tensor.Safetensors.Entry::numel).sum();
    }

    static void deleteQuietly(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary folder left behind is harmless
        }
    }
}

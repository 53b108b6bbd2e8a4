package dev.perennial.pipeline;

import dev.perennial.UserError;
import dev.perennial.image.RgbImage;
import dev.perennial.image.SamImageProcessor;
import dev.perennial.io.Hashing;
import dev.perennial.model.SamModel;
import dev.perennial.model.SamPostProcess;
import dev.perennial.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * SAM with SamProcessor, as transformers' documentation runs it for point and box prompts: the image embedded once
 * (SamModel.get_image_embeddings) and kept in a small cache keyed by the image's pixels, so that further clicks on the
 * same image only run the prompt encoder and the mask decoder; the masks post-processed to the original size and
 * thresholded (post_process_masks).
 */
final class MaskGenerator implements Encoder {

    /** The images whose embeddings are kept, least recently used dropped first. */
    static final int CACHED_IMAGES = 4;

    /** An image's embeddings (owned by the cache) and its sizes in the processor. */
    private record Embedded(Tensor embeddings, int[] resized, int[] original) {
    }

    private final Path dir;
    private final SamModel model;
    private final SamImageProcessor processor;
    private final Map<String, Embedded> cache = new LinkedHashMap<>(8, 0.75f, true);

    private MaskGenerator(Path dir, SamModel model, SamImageProcessor processor) {
        this.dir = dir;
        this.model = model;
        this.processor = processor;
    }

    static MaskGenerator load(Path dir, PipelineOptions options) {
        Path processorConfig = dir.resolve("preprocessor_config.json");
        if (!Files.isRegularFile(processorConfig)) {
            throw new UserError(dir + ": no preprocessor_config.json; SAM's image processor settings are in it "
                    + "(download it with the model)");
        }
        SamImageProcessor processor = SamImageProcessor.read(processorConfig);
        SamModel model = SamModel.load(dir, options.dtype().scalarType());
        int size = model.config().vision().imageSize();
        if (!processor.doPad() || processor.padHeight() != size || processor.padWidth() != size) {
            model.close();
            throw new UserError(processorConfig + ": pad_size must be " + size + "x" + size + " with do_pad true, the "
                    + "image size the model's config.json gives (vision_config.image_size)");
        }
        return new MaskGenerator(dir, model, processor);
    }

    @Override
    public Path dir() {
        return dir;
    }

    @Override
    public String modelType() {
        return "sam";
    }

    /**
     * The masks for one prompt, or of the whole image for a prompt without points and box (automatic mask
     * generation); the image is embedded unless it was one of the last {@link #CACHED_IMAGES}.
     */
    synchronized Outputs.Masks segment(Inputs.MaskPrompt prompt) {
        Embedded image = embedded(prompt.image());
        if (prompt.isAutomatic()) {
            return AutomaticMasks.generate(model, processor, image.embeddings(), image.resized(), image.original(),
                    prompt.grid());
        }
        try (PointerScope scope = new PointerScope()) {
            Tensor points = null;
            Tensor labels = null;
            if (!prompt.points().isEmpty()) {
                int n = prompt.points().size();
                double[] xy = new double[2 * n];
                long[] kinds = new long[n];
                for (int i = 0; i < n; i++) {
                    xy[2 * i] = prompt.points().get(i).x();
                    xy[2 * i + 1] = prompt.points().get(i).y();
                    kinds[i] = prompt.points().get(i).label();
                }
                points = Tensors.fromDoubles(processor.moveCoordinates(xy, image.original()), torch.ScalarType.Double,
                        1, n, 2);
                labels = Tensors.fromLongs(kinds, 1, n);
            }
            Tensor box = null;
            if (prompt.box() != null) {
                Inputs.PromptBox b = prompt.box();
                box = Tensors.fromDoubles(processor.moveCoordinates(new double[] {b.x0(), b.y0(), b.x1(), b.y1()},
                        image.original()), torch.ScalarType.Double, 1, 4);
            }
            SamModel.Output out = model.decode(image.embeddings(), points, labels, box, maskInput(prompt.maskInput()),
                    prompt.multimask());
            Tensor logits = SamPostProcess.logits(out.masks().select(0, 0), processor.padHeight(),
                    processor.padWidth(), image.resized(), image.original());
            byte[] on = Tensors.toBytes(SamPostProcess.binarize(logits));
            double[] scores = Tensors.toDoubles(out.iouScores());
            Outputs.Masks found = masks(on, scores, image.original()[0], image.original()[1]);
            float[] low = Tensors.toFloats(out.masks());
            int plane = model.maskSize() * model.maskSize();
            List<Outputs.Mask> withLogits = new ArrayList<>();
            for (int m = 0; m < found.masks().size(); m++) {
                Outputs.Mask k = found.masks().get(m);
                withLogits.add(new Outputs.Mask(k.score(), k.area(), k.box(), k.pixels(),
                        Arrays.copyOfRange(low, m * plane, (m + 1) * plane)));
            }
            return new Outputs.Masks(found.width(), found.height(), List.copyOf(withLogits));
        }
    }

    /** transformers' input_masks [1, 1, 4g, 4g] of a prompt's mask input, or null without one. */
    private Tensor maskInput(float[] logits) {
        if (logits == null) {
            return null;
        }
        int side = model.maskSize();
        if (logits.length != side * side) {
            throw new PipelineInputError("the mask input has " + logits.length + " values; SAM takes the "
                    + "low-resolution mask logits of a previous prediction, " + side + " x " + side);
        }
        return Tensors.fromFloats(logits, 1, 1, side, side);
    }

    /** The binary masks [count, height, width] as records with their area and bounding box. */
    static Outputs.Masks masks(byte[] on, double[] scores, int height, int width) {
        List<Outputs.Mask> masks = new ArrayList<>();
        int plane = height * width;
        for (int m = 0; m < scores.length; m++) {
            BitSet pixels = new BitSet(plane);
            int xmin = width;
            int ymin = height;
            int xmax = -1;
            int ymax = -1;
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    if (on[m * plane + y * width + x] != 0) {
                        pixels.set(y * width + x);
                        xmin = Math.min(xmin, x);
                        xmax = Math.max(xmax, x);
                        ymin = Math.min(ymin, y);
                        ymax = Math.max(ymax, y);
                    }
                }
            }
            Outputs.Box box = xmax < 0 ? null : new Outputs.Box(xmin, ymin, xmax, ymax);
            masks.add(new Outputs.Mask(scores[m], pixels.cardinality(), box, pixels));
        }
        return new Outputs.Masks(width, height, List.copyOf(masks));
    }

    /** The image's embeddings from the cache, or computed and cached. */
    private Embedded embedded(RgbImage image) {
        String key = key(image);
        Embedded hit = cache.get(key);
        if (hit != null) {
            return hit;
        }
        SamImageProcessor.Input in = processor.process(image);
        Tensor embeddings;
        try (PointerScope scope = new PointerScope()) {
            embeddings = model.embed(Tensors.fromFloats(in.pixels(), 1, 3, processor.padHeight(), processor.padWidth()));
            embeddings.retainReference();
        }
        Embedded made = new Embedded(embeddings, in.resized(), in.original());
        cache.put(key, made);
        if (cache.size() > CACHED_IMAGES) {
            var eldest = cache.entrySet().iterator().next();
            eldest.getValue().embeddings().close();
            cache.remove(eldest.getKey());
        }
        return made;
    }

    /** SHA-256 of the image's size and pixels. */
    private static String key(RgbImage image) {
        MessageDigest digest = Hashing.sha256();
        digest.update(ByteBuffer.allocate(8).putInt(image.width()).putInt(image.height()).array());
        digest.update(image.rgb());
        return Hashing.hex(digest);
    }

    /** How many images' embeddings are cached (for tests). */
    synchronized int cachedImages() {
        return cache.size();
    }

    @Override
    public synchronized void close() {
        cache.values().forEach(e -> e.embeddings().close());
        cache.clear();
        model.close();
    }
}

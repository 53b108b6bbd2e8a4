package dev.perennial.image;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.UserError;
import dev.perennial.io.Json;

import java.nio.file.Path;
import java.util.List;

/**
 * transformers' slow DetrImageProcessor (image_processing_detr.py) for inference: resize so that the shortest edge is
 * {@code shortest_edge} unless the longest would pass {@code longest_edge} (get_size_with_aspect_ratio), with PIL's
 * bilinear filter; rescale, normalize; pad a batch at the bottom and right with zeros to its largest height and width,
 * with a pixel mask (1 for image, 0 for padding).
 *
 * @param longestEdge the cap on the long side, or 0 for none
 */
public record DetrImageProcessor(boolean doResize, int shortestEdge, int longestEdge, Resample resample,
                                 boolean doRescale, double rescaleFactor, boolean doNormalize, double[] imageMean,
                                 double[] imageStd) {

    /** transformers.image_utils IMAGENET_DEFAULT_MEAN and IMAGENET_DEFAULT_STD. */
    static final double[] IMAGENET_MEAN = {0.485, 0.456, 0.406};
    static final double[] IMAGENET_STD = {0.229, 0.224, 0.225};
    private static final List<String> TYPES = List.of("DetrImageProcessor", "DetrFeatureExtractor",
            "DetrImageProcessorFast");

    /**
     * A padded batch: {@code pixels} (batch, 3, height, width) float32 values channels first, {@code mask} (batch,
     * height, width), and each image's size after resizing (before padding).
     */
    public record Batch(int batch, int height, int width, float[] pixels, long[] mask, List<int[]> sizes) {
    }

    /**
     * Reads preprocessor_config.json: the legacy {@code "size": 800, "max_size": 1333} of facebook/detr-resnet-50
     * or {@code "size": {"shortest_edge": 800, "longest_edge": 1333}}.
     */
    public static DetrImageProcessor read(Path file) {
        JsonNode root = Json.readModelFile(file, "no such preprocessor config; a DETR model folder holds "
                + "preprocessor_config.json");
        String where = file.toString();
        String type = root.path("image_processor_type").asText(root.path("feature_extractor_type").asText(""));
        if (!TYPES.contains(type)) {
            throw new UserError(where + ": image_processor_type is '" + type + "'; a DETR folder's processor is "
                    + "one of " + String.join(", ", TYPES));
        }
        JsonNode size = root.get("size");
        int shortest;
        int longest;
        if (size != null && size.isObject()) {
            shortest = size.path("shortest_edge").asInt(0);
            longest = size.path("longest_edge").asInt(0);
        } else {
            shortest = size == null || size.isNull() ? 800 : size.asInt(0);
            longest = root.has("max_size") ? root.get("max_size").asInt(0) : size == null ? 1333 : 0;
        }
        if (shortest <= 0 || longest < 0) {
            throw new UserError(where + ": size is " + size + "; DETR resizes to {\"shortest_edge\": N, "
                    + "\"longest_edge\": M} (or \"size\": N with \"max_size\": M)");
        }
        Resample resample = root.has("resample") ? Resample.fromPil(root.get("resample").asInt(), where)
                : Resample.BILINEAR;
        return new DetrImageProcessor(root.path("do_resize").asBoolean(true), shortest, longest, resample,
                root.path("do_rescale").asBoolean(true), root.path("rescale_factor").asDouble(1.0 / 255),
                root.path("do_normalize").asBoolean(true), channels(root, "image_mean", IMAGENET_MEAN, where),
                channels(root, "image_std", IMAGENET_STD, where));
    }

    /** Three numbers (R, G, B) at {@code key}, or {@code fallback} when absent. */
    static double[] channels(JsonNode root, String key, double[] fallback, String where) {
        JsonNode n = root.get(key);
        if (n == null || n.isNull()) {
            return fallback.clone();
        }
        if (!n.isArray() || n.size() != 3) {
            throw new UserError(where + ": " + key + " is " + n + ", not three numbers (R, G, B)");
        }
        return new double[] {n.get(0).asDouble(), n.get(1).asDouble(), n.get(2).asDouble()};
    }

    /**
     * get_size_with_aspect_ratio: {height, width} after resizing. With a cap, the size becomes
     * round(longest · short / long) (Python's round, half to even) and the long side is derived from that raw
     * (unrounded) size; int() truncates.
     */
    public static int[] resizedSize(int height, int width, int size, int maxSize) {
        double rawSize = Double.NaN;
        if (maxSize > 0) {
            double lo = Math.min(height, width);
            double hi = Math.max(height, width);
            if (hi / lo * size > maxSize) {
                rawSize = maxSize * lo / hi;
                size = (int) Math.rint(rawSize);
            }
        }
        if ((height <= width && height == size) || (width <= height && width == size)) {
            return new int[] {height, width};
        }
        boolean capped = !Double.isNaN(rawSize);
        if (width < height) {
            int oh = capped ? (int) (rawSize * height / width) : (int) ((double) size * height / width);
            return new int[] {oh, size};
        }
        int ow = capped ? (int) (rawSize * width / height) : (int) ((double) size * width / height);
        return new int[] {size, ow};
    }

    /** One image resized, rescaled and normalized: (3, h, w) values with their size. */
    public ImageProcessor.PixelValues process(RgbImage image) {
        RgbImage im = image;
        if (doResize) {
            int[] hw = resizedSize(im.height(), im.width(), shortestEdge, longestEdge);
            im = resample.resize(im, hw[1], hw[0]);
        }
        return new ImageProcessor.PixelValues(im.height(), im.width(),
                ImageTransforms.toChannelsFirst(im, doRescale, rescaleFactor, doNormalize, imageMean, imageStd));
    }

    /** The images processed and padded to the batch's largest height and width (pad at bottom and right). */
    public Batch batch(List<RgbImage> images) {
        List<ImageProcessor.PixelValues> each = images.stream().map(this::process).toList();
        int h = each.stream().mapToInt(ImageProcessor.PixelValues::height).max().orElseThrow();
        int w = each.stream().mapToInt(ImageProcessor.PixelValues::width).max().orElseThrow();
        int n = each.size();
        float[] pixels = new float[n * 3 * h * w];
        long[] mask = new long[n * h * w];
        for (int i = 0; i < n; i++) {
            ImageProcessor.PixelValues p = each.get(i);
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < p.height(); y++) {
                    System.arraycopy(p.values(), (c * p.height() + y) * p.width(), pixels,
                            ((i * 3 + c) * h + y) * w, p.width());
                }
            }
            for (int y = 0; y < p.height(); y++) {
                java.util.Arrays.fill(mask, (i * h + y) * w, (i * h + y) * w + p.width(), 1L);
            }
        }
        return new Batch(n, h, w, pixels, mask, each.stream().map(p -> new int[] {p.height(), p.width()}).toList());
    }
}

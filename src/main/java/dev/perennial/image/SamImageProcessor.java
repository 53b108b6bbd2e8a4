package dev.perennial.image;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.UserError;
import dev.perennial.io.Json;

import java.nio.file.Path;
import java.util.List;

/**
 * transformers' slow SamImageProcessor (image_processing_sam.py) for inference, with SamProcessor's point handling
 * (processing_sam.py): resize so that the longest side is {@code longest_edge} (_get_preprocess_shape) with PIL's
 * filter, rescale, normalize, pad at the bottom and right with zeros to {@code pad_size}; point and box coordinates
 * moved from the original image into the resized one (_normalize_coordinates).
 */
public record SamImageProcessor(boolean doResize, int longestEdge, Resample resample, boolean doRescale,
                                double rescaleFactor, boolean doNormalize, double[] imageMean, double[] imageStd,
                                boolean doPad, int padHeight, int padWidth) {

    private static final List<String> TYPES = List.of("SamImageProcessor", "SamImageProcessorFast");

    /**
     * One image's model input: {@code pixels} (3, padHeight, padWidth) float32 values channels first, the image's
     * size in it after resizing ({@code resized}) and before ({@code original}), each {height, width}.
     */
    public record Input(float[] pixels, int[] resized, int[] original) {
    }

    /** Reads preprocessor_config.json as SamImageProcessor.save_pretrained writes it; absent keys take its defaults. */
    public static SamImageProcessor read(Path file) {
        JsonNode root = Json.readModelFile(file, "no such preprocessor config; a SAM model folder holds "
                + "preprocessor_config.json");
        String where = file.toString();
        String type = root.path("image_processor_type").asText("");
        if (!TYPES.contains(type)) {
            throw new UserError(where + ": image_processor_type is '" + type + "'; a SAM folder's processor is "
                    + String.join(" or ", TYPES));
        }
        int longest = root.path("size").path("longest_edge").asInt(root.has("size") ? 0 : 1024);
        if (longest <= 0) {
            throw new UserError(where + ": size is " + root.get("size") + "; SAM resizes to {\"longest_edge\": N}");
        }
        JsonNode pad = root.path("pad_size");
        int padHeight = pad.path("height").asInt(root.has("pad_size") ? 0 : 1024);
        int padWidth = pad.path("width").asInt(root.has("pad_size") ? 0 : 1024);
        if (padHeight < longest || padWidth < longest) {
            throw new UserError(where + ": pad_size is " + pad + "; it holds the resized image, so height and width "
                    + "are at least size.longest_edge " + longest);
        }
        Resample resample = root.has("resample") ? Resample.fromPil(root.get("resample").asInt(), where)
                : Resample.BILINEAR;
        return new SamImageProcessor(root.path("do_resize").asBoolean(true), longest, resample,
                root.path("do_rescale").asBoolean(true), root.path("rescale_factor").asDouble(1.0 / 255),
                root.path("do_normalize").asBoolean(true),
                DetrImageProcessor.channels(root, "image_mean", DetrImageProcessor.IMAGENET_MEAN, where),
                DetrImageProcessor.channels(root, "image_std", DetrImageProcessor.IMAGENET_STD, where),
                root.path("do_pad").asBoolean(true), padHeight, padWidth);
    }

    /**
     * _get_preprocess_shape: {height, width} with the longest side {@code longest}, each side
     * {@code int(side * longest / max + 0.5)}.
     */
    public static int[] resizedSize(int height, int width, int longest) {
        double scale = longest * 1.0 / Math.max(height, width);
        return new int[] {(int) (height * scale + 0.5), (int) (width * scale + 0.5)};
    }

    /** The image resized, rescaled, normalized and padded. */
    public Input process(RgbImage image) {
        int[] original = {image.height(), image.width()};
        RgbImage im = image;
        if (doResize) {
            int[] hw = resizedSize(im.height(), im.width(), longestEdge);
            im = resample.resize(im, hw[1], hw[0]);
        }
        int h = im.height();
        int w = im.width();
        float[] values = ImageTransforms.toChannelsFirst(im, doRescale, rescaleFactor, doNormalize, imageMean, imageStd);
        if (!doPad) {
            return new Input(values, new int[] {h, w}, original);
        }
        if (h > padHeight || w > padWidth) {
            throw new UserError("the image resized to " + w + "x" + h + " does not fit pad_size " + padWidth + "x"
                    + padHeight);
        }
        float[] pixels = new float[3 * padHeight * padWidth];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < h; y++) {
                System.arraycopy(values, (c * h + y) * w, pixels, (c * padHeight + y) * padWidth, w);
            }
        }
        return new Input(pixels, new int[] {h, w}, original);
    }

    /**
     * The clicks of automatic mask generation for the whole-image crop (image_processing_sam.py's
     * _generate_crop_boxes with crop_n_layers 0): _build_point_grid's {@code perSide} x {@code perSide} points
     * (np.linspace from 1 / (2 perSide) to 1 - 1 / (2 perSide), x fastest) scaled by the image's width and height,
     * then moved into the resized image as x, y pairs.
     */
    public double[] gridPoints(int perSide, int[] original) {
        double offset = 1.0 / (2 * perSide);
        double[] side = linspace(offset, 1 - offset, perSide);
        double[] xy = new double[2 * perSide * perSide];
        for (int row = 0; row < perSide; row++) {
            for (int col = 0; col < perSide; col++) {
                xy[2 * (row * perSide + col)] = side[col] * original[1];
                xy[2 * (row * perSide + col) + 1] = side[row] * original[0];
            }
        }
        return moveCoordinates(xy, original);
    }

    /** np.linspace(start, stop, n): start + i * step, the last value exactly stop. */
    private static double[] linspace(double start, double stop, int n) {
        double[] out = new double[n];
        double step = n > 1 ? (stop - start) / (n - 1) : 0;
        for (int i = 0; i < n; i++) {
            out[i] = i * step + start;
        }
        if (n > 1) {
            out[n - 1] = stop;
        }
        return out;
    }

    /**
     * SamProcessor._normalize_coordinates: (x, y) pairs in an image of {@code original} {height, width} moved into
     * the resized image, x by new_w / old_w and y by new_h / old_h.
     */
    public double[] moveCoordinates(double[] xy, int[] original) {
        int[] resized = resizedSize(original[0], original[1], longestEdge);
        double sx = (double) resized[1] / original[1];
        double sy = (double) resized[0] / original[0];
        double[] out = new double[xy.length];
        for (int i = 0; i < xy.length; i += 2) {
            out[i] = xy[i] * sx;
            out[i + 1] = xy[i + 1] * sy;
        }
        return out;
    }
}

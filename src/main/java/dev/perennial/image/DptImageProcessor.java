package dev.perennial.image;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.UserError;
import dev.perennial.io.Json;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * transformers' slow DPTImageProcessor (image_processing_dpt.py) for inference: resize to {@code height} by
 * {@code width} (get_resize_output_image_size: with {@code keep_aspect_ratio} both sides scale by whichever factor is
 * nearer 1; each side rounded to a multiple of {@code ensure_multiple_of}) with PIL's filter (bicubic by default),
 * rescale, normalize. Center padding ({@code do_pad}, for DINOv2 backbones) is refused.
 */
public record DptImageProcessor(boolean doResize, int height, int width, boolean keepAspectRatio, int ensureMultipleOf,
                                Resample resample, boolean doRescale, double rescaleFactor, boolean doNormalize,
                                double[] imageMean, double[] imageStd) {

    /** transformers.image_utils IMAGENET_STANDARD_MEAN and IMAGENET_STANDARD_STD, DPTImageProcessor's defaults. */
    private static final double[] STANDARD = {0.5, 0.5, 0.5};
    private static final List<String> TYPES = List.of("DPTImageProcessor", "DPTFeatureExtractor",
            "DPTImageProcessorFast");

    /** Reads and checks preprocessor_config.json; every problem is reported at once, naming the file and field. */
    public static DptImageProcessor read(Path file) {
        JsonNode root = Json.readModelFile(file, "no such preprocessor config; a DPT model folder holds "
                + "preprocessor_config.json");
        String where = file.toString();
        List<String> problems = new ArrayList<>();
        if (!root.isObject()) {
            throw new UserError(where + ": a preprocessor config is a JSON object; fix the file");
        }
        String type = root.path("image_processor_type").asText(root.path("feature_extractor_type").asText(""));
        if (!TYPES.contains(type)) {
            problems.add(where + ": image_processor_type is '" + type + "'; a DPT folder's processor is one of "
                    + String.join(", ", TYPES));
        }
        int[] size = size(root.get("size"), where, problems);
        int multiple = root.path("ensure_multiple_of").asInt(1);
        if (root.has("ensure_multiple_of") && !(root.get("ensure_multiple_of").isIntegralNumber() && multiple > 0)) {
            problems.add(where + ": ensure_multiple_of is " + root.get("ensure_multiple_of") + ", not a whole number "
                    + "above 0");
        }
        if (root.path("do_pad").asBoolean(false)) {
            problems.add(where + ": do_pad is true; Perennial's DPT processor does not pad (a DINOv2 backbone's "
                    + "setting); set it to false");
        }
        double[] mean = channels(root, "image_mean", where, problems);
        double[] std = channels(root, "image_std", where, problems);
        for (double s : std) {
            if ((float) s == 0f) {
                problems.add(where + ": image_std holds 0; it divides, give non-zero values");
                break;
            }
        }
        Resample resample = Resample.BICUBIC;
        if (root.has("resample") && !root.get("resample").isNull()) {
            resample = Resample.fromPil(root.get("resample").asInt(-1), where);
        }
        if (!problems.isEmpty()) {
            throw new UserError(problems, null);
        }
        return new DptImageProcessor(root.path("do_resize").asBoolean(true), size[0], size[1],
                root.path("keep_aspect_ratio").asBoolean(false), multiple, resample,
                root.path("do_rescale").asBoolean(true), root.path("rescale_factor").asDouble(1.0 / 255),
                root.path("do_normalize").asBoolean(true), mean, std);
    }

    /** {"height": H, "width": W}, or get_size_dict's legacy integer (a square); DPTImageProcessor's 384 if absent. */
    private static int[] size(JsonNode n, String where, List<String> problems) {
        if (n == null || n.isNull()) {
            return new int[] {384, 384};
        }
        if (n.isIntegralNumber() && n.asInt() > 0) {
            return new int[] {n.asInt(), n.asInt()};
        }
        if (n.isObject() && n.path("height").isIntegralNumber() && n.path("width").isIntegralNumber()
                && n.get("height").asInt() > 0 && n.get("width").asInt() > 0) {
            return new int[] {n.get("height").asInt(), n.get("width").asInt()};
        }
        problems.add(where + ": size is " + n + "; DPT resizes to {\"height\": H, \"width\": W}");
        return new int[] {1, 1};
    }

    private static double[] channels(JsonNode root, String key, String where, List<String> problems) {
        JsonNode n = root.get(key);
        if (n == null || n.isNull()) {
            return STANDARD.clone();
        }
        if (n.isNumber()) {
            return new double[] {n.asDouble(), n.asDouble(), n.asDouble()};
        }
        if (!n.isArray() || n.size() != 3 || !n.get(0).isNumber() || !n.get(1).isNumber() || !n.get(2).isNumber()) {
            problems.add(where + ": " + key + " is " + n + ", not three numbers (R, G, B)");
            return STANDARD.clone();
        }
        return new double[] {n.get(0).asDouble(), n.get(1).asDouble(), n.get(2).asDouble()};
    }

    /**
     * get_resize_output_image_size: {new height, new width}. Each scale is out / in (true division); with
     * keep_aspect_ratio the factor nearer 1 is used for both sides; each side is round(scale · in / multiple) ·
     * multiple with Python's round (half to even).
     */
    public static int[] resizedSize(int height, int width, int outHeight, int outWidth, boolean keepAspectRatio,
                                    int multiple) {
        double scaleHeight = (double) outHeight / height;
        double scaleWidth = (double) outWidth / width;
        if (keepAspectRatio) {
            if (Math.abs(1 - scaleWidth) < Math.abs(1 - scaleHeight)) {
                scaleHeight = scaleWidth;
            } else {
                scaleWidth = scaleHeight;
            }
        }
        return new int[] {constrain(scaleHeight * height, multiple), constrain(scaleWidth * width, multiple)};
    }

    /** constrain_to_multiple_of as resize() calls it (min_val 0, no max_val). */
    private static int constrain(double value, int multiple) {
        return (int) Math.rint(value / multiple) * multiple;
    }

    /** One image resized, rescaled and normalized: (3, h, w) float32 values with their size. */
    public ImageProcessor.PixelValues process(RgbImage image) {
        RgbImage im = image;
        if (doResize) {
            int[] hw = resizedSize(im.height(), im.width(), height, width, keepAspectRatio, ensureMultipleOf);
            if (hw[0] <= 0 || hw[1] <= 0) {
                throw new UserError("the " + im.width() + "×" + im.height() + " image would be resized to " + hw[1]
                        + "×" + hw[0] + " pixels; give a larger image");
            }
            im = resample.resize(im, hw[1], hw[0]);
        }
        return new ImageProcessor.PixelValues(im.height(), im.width(),
                ImageTransforms.toChannelsFirst(im, doRescale, rescaleFactor, doNormalize, imageMean, imageStd));
    }
}

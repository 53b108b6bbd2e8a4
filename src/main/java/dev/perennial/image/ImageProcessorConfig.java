package dev.perennial.image;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.UserError;
import dev.perennial.io.Json;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A Hugging Face {@code preprocessor_config.json} for an image processor, with transformers' defaults filled in
 * ({@code CLIPImageProcessor.__init__}, {@code BlipImageProcessor.__init__}) and legacy forms normalised as
 * {@code get_size_dict} does: an integer {@code size} is a shortest edge for CLIP and a square for BLIP, an integer
 * {@code crop_size} a square. BlipImageProcessor resizes to size exactly and never crops
 * (image_processing_blip.py), so its {@code do_center_crop} is off whatever the file says.
 *
 * @param type the processor class ({@link #SUPPORTED_TYPES})
 * @param size the resize target: {@link ShortestEdge} or {@link HeightWidth}
 * @param cropHeight the center crop's height (used when {@code doCenterCrop})
 * @param imageMean per-channel mean (R, G, B), as the file gives it (a single number is used for all three)
 */
public record ImageProcessorConfig(
        String type,
        boolean doResize,
        Size size,
        Resample resample,
        boolean doCenterCrop,
        int cropHeight,
        int cropWidth,
        boolean doRescale,
        double rescaleFactor,
        boolean doNormalize,
        double[] imageMean,
        double[] imageStd,
        boolean doConvertRgb) {

    /** The image processor classes this package reproduces (the slow, PIL-based ones). */
    public static final List<String> SUPPORTED_TYPES = List.of("CLIPImageProcessor", "BlipImageProcessor");

    private static final String BLIP = "BlipImageProcessor";

    /** transformers.image_utils OPENAI_CLIP_MEAN and OPENAI_CLIP_STD. */
    public static final double[] OPENAI_CLIP_MEAN = {0.48145466, 0.4578275, 0.40821073};
    public static final double[] OPENAI_CLIP_STD = {0.26862954, 0.26130258, 0.27577711};

    /** How the image is resized before the crop. */
    public sealed interface Size permits ShortestEdge, HeightWidth {
    }

    /** Shortest edge to this length, the long side in proportion (transformers' {@code default_to_square=False}). */
    public record ShortestEdge(int shortestEdge) implements Size {
    }

    /** Exactly this size, aspect ratio not kept. */
    public record HeightWidth(int height, int width) implements Size {
    }

    /** CLIPImageProcessor's defaults: openai/clip-vit-base-patch32's preprocessing. */
    public static ImageProcessorConfig clipDefaults() {
        return new ImageProcessorConfig("CLIPImageProcessor", true, new ShortestEdge(224), Resample.BICUBIC, true,
                224, 224, true, 1.0 / 255, true, OPENAI_CLIP_MEAN.clone(), OPENAI_CLIP_STD.clone(), true);
    }

    /** BlipImageProcessor's defaults: Salesforce/blip-image-captioning-base's preprocessing, 384 × 384, no crop. */
    public static ImageProcessorConfig blipDefaults() {
        return new ImageProcessorConfig(BLIP, true, new HeightWidth(384, 384), Resample.BICUBIC, false, 384, 384, true,
                1.0 / 255, true, OPENAI_CLIP_MEAN.clone(), OPENAI_CLIP_STD.clone(), true);
    }

    /** Reads and checks a preprocessor_config.json; every problem is reported at once, naming file and field. */
    public static ImageProcessorConfig read(Path file) {
        JsonNode root = Json.readModelFile(file, "no such preprocessor config; a model for images needs "
                + "its preprocessor_config.json");
        return parse(root, file.toString());
    }

    /** Checks a parsed preprocessor_config.json; {@code where} names it in messages. */
    public static ImageProcessorConfig parse(JsonNode root, String where) {
        if (root == null || !root.isObject()) {
            throw new UserError(where + ": a preprocessor config is a JSON object; fix the file");
        }
        Reader r = new Reader(root, where);
        String type = r.type();
        boolean blip = type.equals(BLIP);
        ImageProcessorConfig d = blip ? blipDefaults() : clipDefaults();
        boolean doResize = r.bool("do_resize", d.doResize);
        Size size = r.size("size", d.size, blip);
        Resample resample = r.resample(d.resample);
        boolean doCenterCrop = !blip && r.bool("do_center_crop", d.doCenterCrop);
        int[] crop = r.crop(d.cropHeight, d.cropWidth);
        boolean doRescale = r.bool("do_rescale", d.doRescale);
        double rescaleFactor = r.number("rescale_factor", d.rescaleFactor);
        boolean doNormalize = r.bool("do_normalize", d.doNormalize);
        double[] mean = r.channels("image_mean", d.imageMean, false);
        double[] std = r.channels("image_std", d.imageStd, true);
        boolean doConvertRgb = r.bool("do_convert_rgb", d.doConvertRgb);
        if (!r.problems.isEmpty()) {
            throw new UserError(r.problems, null);
        }
        return new ImageProcessorConfig(type, doResize, size, resample, doCenterCrop, crop[0], crop[1], doRescale,
                rescaleFactor, doNormalize, mean, std, doConvertRgb);
    }

    /** Reads fields, collecting a problem per bad one. */
    private static final class Reader {
        final JsonNode root;
        final String where;
        final List<String> problems = new ArrayList<>();

        Reader(JsonNode root, String where) {
            this.root = root;
            this.where = where;
        }

        void problem(String field, String text) {
            problems.add(where + ": " + field + " " + text);
        }

        String type() {
            JsonNode t = root.get("image_processor_type");
            String field = "image_processor_type";
            if (t == null || t.isNull()) {
                t = root.get("feature_extractor_type");
                field = "feature_extractor_type";
            }
            if (t == null || t.isNull()) {
                problems.add(where + ": names no image_processor_type; add \"image_processor_type\": one of "
                        + SUPPORTED_TYPES);
                return "";
            }
            String name = t.asText();
            // the legacy feature-extractor and the fast variant name the same preprocessing (the slow one is
            // what this package computes)
            String canonical = switch (name) {
                case "CLIPFeatureExtractor", "CLIPImageProcessorFast" -> "CLIPImageProcessor";
                case "BlipImageProcessorFast" -> BLIP;
                default -> name;
            };
            if (!SUPPORTED_TYPES.contains(canonical)) {
                problem(field, "is " + name + ", which Perennial does not support yet; supported: "
                        + String.join(", ", SUPPORTED_TYPES));
            }
            return canonical;
        }

        boolean bool(String field, boolean fallback) {
            JsonNode n = root.get(field);
            if (n == null || n.isNull()) {
                return fallback;
            }
            if (!n.isBoolean()) {
                problem(field, "must be true or false, got " + n);
                return fallback;
            }
            return n.booleanValue();
        }

        double number(String field, double fallback) {
            JsonNode n = root.get(field);
            if (n == null || n.isNull()) {
                return fallback;
            }
            if (!n.isNumber() || !Double.isFinite(n.doubleValue())) {
                problem(field, "must be a number, got " + n);
                return fallback;
            }
            return n.doubleValue();
        }

        int positive(String field, JsonNode n) {
            if (n == null || !n.isIntegralNumber() || !n.canConvertToInt() || n.intValue() <= 0) {
                problem(field, "must be a positive whole number, got " + n);
                return 1;
            }
            return n.intValue();
        }

        Resample resample(Resample fallback) {
            JsonNode n = root.get("resample");
            if (n == null || n.isNull()) {
                return fallback;
            }
            if (!n.isIntegralNumber() || n.intValue() < 0 || n.intValue() > 5) {
                problem("resample", "must be a PIL filter number: 0 (nearest), 1 (lanczos), 2 (bilinear), "
                        + "3 (bicubic), 4 (box) or 5 (hamming); got " + n);
                return fallback;
            }
            return Resample.fromPil(n.intValue(), where);
        }

        Size size(String field, Size fallback, boolean square) {
            JsonNode n = root.get(field);
            if (n == null || n.isNull()) {
                return fallback;
            }
            if (n.isIntegralNumber() && square) {
                int side = positive(field, n); // get_size_dict(default_to_square=True)
                return new HeightWidth(side, side);
            }
            if (n.isIntegralNumber()) {
                return new ShortestEdge(positive(field, n)); // get_size_dict(default_to_square=False)
            }
            if (n.isArray() && n.size() == 2) {
                return new HeightWidth(positive(field + "[0]", n.get(0)), positive(field + "[1]", n.get(1)));
            }
            if (n.isObject() && n.has("shortest_edge")) {
                return new ShortestEdge(positive(field + ".shortest_edge", n.get("shortest_edge")));
            }
            if (n.isObject() && n.has("height") && n.has("width")) {
                return new HeightWidth(positive(field + ".height", n.get("height")),
                        positive(field + ".width", n.get("width")));
            }
            problem(field, "must be {\"shortest_edge\": N}, {\"height\": H, \"width\": W} or a whole number, got "
                    + n);
            return fallback;
        }

        int[] crop(int h, int w) {
            String field = "crop_size";
            JsonNode n = root.get(field);
            if (n == null || n.isNull()) {
                return new int[] {h, w};
            }
            if (n.isIntegralNumber()) {
                int s = positive(field, n); // get_size_dict(default_to_square=True)
                return new int[] {s, s};
            }
            if (n.isArray() && n.size() == 2) {
                return new int[] {positive(field + "[0]", n.get(0)), positive(field + "[1]", n.get(1))};
            }
            if (n.isObject() && n.has("height") && n.has("width")) {
                return new int[] {positive(field + ".height", n.get("height")),
                        positive(field + ".width", n.get("width"))};
            }
            problem(field, "must be {\"height\": H, \"width\": W} or a whole number, got " + n);
            return new int[] {h, w};
        }

        double[] channels(String field, double[] fallback, boolean nonZero) {
            JsonNode n = root.get(field);
            if (n == null || n.isNull()) {
                return fallback.clone();
            }
            double[] v;
            if (n.isNumber()) {
                v = new double[] {n.doubleValue(), n.doubleValue(), n.doubleValue()};
            } else if (n.isArray() && n.size() == 3) {
                v = new double[3];
                for (int i = 0; i < 3; i++) {
                    JsonNode e = n.get(i);
                    if (!e.isNumber()) {
                        problem(field, "must hold 3 numbers (R, G, B), got " + n);
                        return fallback.clone();
                    }
                    v[i] = e.doubleValue();
                }
            } else {
                problem(field, "must be 3 numbers (R, G, B) or one number, got " + n);
                return fallback.clone();
            }
            for (double x : v) {
                if (!Double.isFinite(x) || (nonZero && (float) x == 0f)) {
                    problem(field, "must be finite" + (nonZero ? " and non-zero (it divides)" : "") + ", got " + n);
                    return fallback.clone();
                }
            }
            return v;
        }
    }
}

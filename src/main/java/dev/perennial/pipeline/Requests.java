package dev.perennial.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.audio.Audio;
import dev.perennial.audio.Waveform;
import dev.perennial.image.ImageFiles;
import dev.perennial.image.RgbImage;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The JSON form of the tasks' inputs, shared by the CLI's {@code --input FILE.jsonl} lines and the HTTP API's
 * bodies (one owner for the format): the fields of the {@link Inputs} records in snake_case, as Hugging Face's
 * pipelines name them. An image or an audio file is a base64 string or a {@code data:} URL; where files may be read
 * (the CLI) it may also be a path.
 */
public final class Requests {

    /** How an {@code "image"} field becomes pixels. */
    @FunctionalInterface
    public interface Images {
        RgbImage read(String value);
    }

    /** Images given inline only (base64 or a data: URL): what a server accepts, never reading its own files. */
    public static final Images INLINE = value -> {
        byte[] bytes = inlineBytes(value);
        if (bytes == null) {
            throw new PipelineInputError("image is neither base64 nor a data: URL; send the image's bytes as "
                    + "base64 (or upload it as a multipart file)");
        }
        return ImageFiles.read(bytes, "the uploaded image");
    };

    /** Images as paths (relative to {@code base}) or inline: what the CLI accepts. */
    public static Images filesUnder(Path base) {
        return value -> {
            if (value.startsWith("data:")) {
                return INLINE.read(value);
            }
            return ImageFiles.read(base.resolve(value));
        };
    }

    /** How an {@code "audio"} field becomes samples (at {@link #AUDIO_RATE}). */
    @FunctionalInterface
    public interface Sounds {
        Waveform read(String value);
    }

    /**
     * The rate audio fields are decoded at: CLAP's 48 kHz, so that its pipeline need not resample again (a pipeline
     * resamples whatever rate it gets to its feature extractor's).
     */
    public static final int AUDIO_RATE = 48_000;

    /** The rate speech recognition's audio is decoded at: Whisper's 16 kHz, as transformers' ffmpeg_read does. */
    public static final int SPEECH_RATE = 16_000;

    /** The rate {@code task}'s audio fields are decoded at. */
    public static int audioRate(Task<?, ?> task) {
        return task == Task.AUTOMATIC_SPEECH_RECOGNITION ? SPEECH_RATE : AUDIO_RATE;
    }

    /** Audio given inline only (base64 or a data: URL), as a server accepts it. */
    public static final Sounds INLINE_AUDIO = inlineAudio(Double.POSITIVE_INFINITY);

    /** Inline audio of at most {@code maxSeconds}, longer recordings refused before they are resampled. */
    public static Sounds inlineAudio(double maxSeconds) {
        return inlineAudio(maxSeconds, AUDIO_RATE);
    }

    /** Inline audio of at most {@code maxSeconds}, decoded at {@code rate}. */
    public static Sounds inlineAudio(double maxSeconds, int rate) {
        return value -> {
            byte[] bytes = inlineBytes(value);
            if (bytes == null) {
                throw new PipelineInputError("audio is neither base64 nor a data: URL; send the audio file's bytes "
                        + "as base64 (or upload it as a multipart file)");
            }
            return Audio.decode(bytes, "the uploaded audio", rate, maxSeconds);
        };
    }

    /** Audio as paths (relative to {@code base}) or inline: what the CLI accepts. */
    public static Sounds audioFilesUnder(Path base) {
        return audioFilesUnder(base, AUDIO_RATE);
    }

    /** As {@link #audioFilesUnder(Path)}, decoded at {@code rate}. */
    public static Sounds audioFilesUnder(Path base, int rate) {
        Sounds inline = inlineAudio(Double.POSITIVE_INFINITY, rate);
        return value -> value.startsWith("data:") ? inline.read(value) : Audio.read(base.resolve(value), rate);
    }

    private Requests() {
    }

    /** The input of {@code task} that {@code json} describes, its audio inline only. */
    public static <I> I parse(Task<I, ?> task, JsonNode json, Images images) {
        return parse(task, json, images, INLINE_AUDIO);
    }

    /** The input of {@code task} that {@code json} describes; an error names the field that is wrong. */
    @SuppressWarnings("unchecked")
    public static <I> I parse(Task<I, ?> task, JsonNode json, Images images, Sounds sounds) {
        if (json == null || !json.isObject()) {
            throw new PipelineInputError("a " + task.name() + " input is a JSON object, not " + describe(json));
        }
        Object input;
        if (task == Task.FEATURE_EXTRACTION || task == Task.SUMMARIZATION) {
            only(json, Set.of("text"), task);
            input = new Inputs.Text(text(json, "text"));
        } else if (task == Task.TRANSLATION) {
            only(json, Set.of("text", "src_lang", "tgt_lang"), task);
            input = new Inputs.Translation(text(json, "text"), text(json, "src_lang"), text(json, "tgt_lang"));
        } else if (task == Task.SENTENCE_SIMILARITY) {
            only(json, Set.of("source_sentence", "sentences"), task);
            input = new Inputs.Sentences(text(json, "source_sentence"), texts(json, "sentences"));
        } else if (task == Task.ZERO_SHOT_IMAGE_CLASSIFICATION) {
            only(json, Set.of("image", "candidate_labels", "hypothesis_template"), task);
            List<String> labels = texts(json, "candidate_labels");
            String template = json.has("hypothesis_template") ? text(json, "hypothesis_template") : null;
            input = new Inputs.LabelledImage(images.read(text(json, "image")), labels, template);
        } else if (task == Task.ZERO_SHOT_AUDIO_CLASSIFICATION) {
            only(json, Set.of("audio", "candidate_labels", "hypothesis_template"), task);
            List<String> labels = texts(json, "candidate_labels");
            String template = json.has("hypothesis_template") ? text(json, "hypothesis_template") : null;
            input = new Inputs.LabelledAudio(sounds.read(text(json, "audio")), labels, template);
        } else if (task == Task.IMAGE_SEARCH) {
            only(json, Set.of("query", "top"), task);
            JsonNode top = json.path("top");
            if (!top.isMissingNode() && !top.canConvertToInt()) {
                throw new PipelineInputError("top is " + top + ", not a whole number");
            }
            input = new Inputs.Query(text(json, "query"), top.isMissingNode() ? 5 : top.asInt());
        } else if (task == Task.TEXT_TO_SPEECH) {
            only(json, Set.of("text", "speed", "seed"), task);
            JsonNode speed = json.path("speed");
            JsonNode seed = json.path("seed");
            if (!speed.isMissingNode() && !speed.isNumber()) {
                throw new PipelineInputError("speed is " + describe(speed) + ", not a number");
            }
            if (!seed.isMissingNode() && !seed.canConvertToLong()) {
                throw new PipelineInputError("seed is " + describe(seed) + ", not a whole number");
            }
            input = new Inputs.Speech(text(json, "text"), speed.isMissingNode() ? 1.0 : speed.asDouble(),
                    seed.isMissingNode() ? Inputs.Speech.DEFAULT_SEED : seed.asLong());
        } else if (task == Task.AUTOMATIC_SPEECH_RECOGNITION) {
            only(json, Set.of("audio", "return_timestamps", "language", "task", "chunk_length_s", "num_beams"), task);
            JsonNode timestamps = json.path("return_timestamps");
            if (!timestamps.isMissingNode() && !timestamps.isBoolean()) {
                throw new PipelineInputError("return_timestamps is " + describe(timestamps) + ", not true or false");
            }
            JsonNode chunk = json.path("chunk_length_s");
            if (!chunk.isMissingNode() && !chunk.isNumber()) {
                throw new PipelineInputError("chunk_length_s is " + describe(chunk) + ", not a number of seconds");
            }
            JsonNode beams = json.path("num_beams");
            if (!beams.isMissingNode() && !beams.canConvertToInt()) {
                throw new PipelineInputError("num_beams is " + describe(beams) + ", not a whole number");
            }
            input = new Inputs.Recording(sounds.read(text(json, "audio")), timestamps.asBoolean(false),
                    json.has("language") ? text(json, "language") : null, json.has("task") ? text(json, "task") : null,
                    chunk.asDouble(0), beams.asInt(0));
        } else if (task == Task.OBJECT_DETECTION) {
            only(json, Set.of("image", "threshold"), task);
            JsonNode threshold = json.path("threshold");
            if (!threshold.isMissingNode() && !threshold.isNumber()) {
                throw new PipelineInputError("threshold is " + describe(threshold) + ", not a number");
            }
            input = new Inputs.DetectionImage(images.read(text(json, "image")),
                    threshold.asDouble(Inputs.DetectionImage.DEFAULT_THRESHOLD));
        } else if (task == Task.CONVERSATIONAL) {
            only(json, Set.of("messages"), task);
            input = new Inputs.Conversation(messages(json.get("messages")));
        } else if (task == Task.MASK_GENERATION) {
            only(json, Set.of("image", "points", "box", "multimask_output", "points_per_batch", "points_per_crop",
                    "pred_iou_thresh", "stability_score_thresh", "stability_score_offset", "mask_threshold",
                    "crops_nms_thresh"), task);
            JsonNode multimask = json.path("multimask_output");
            if (!multimask.isMissingNode() && !multimask.isBoolean()) {
                throw new PipelineInputError("multimask_output is " + describe(multimask) + ", not true or false");
            }
            input = new Inputs.MaskPrompt(images.read(text(json, "image")), points(json.path("points")),
                    json.has("box") ? box(json.get("box")) : null, multimask.asBoolean(true), null, grid(json));
        } else if (task == Task.DEPTH_ESTIMATION) {
            only(json, Set.of("image"), task);
            input = new Inputs.Image(images.read(text(json, "image")));
        } else if (task == Task.IMAGE_TO_TEXT) {
            only(json, Set.of("image", "prompt"), task);
            input = new Inputs.CaptionImage(images.read(text(json, "image")),
                    json.hasNonNull("prompt") ? text(json, "prompt") : null);
        } else if (task == Task.VISUAL_QUESTION_ANSWERING) {
            only(json, Set.of("image", "question"), task);
            input = new Inputs.ImageQuestion(images.read(text(json, "image")), text(json, "question"));
        } else if (task == Task.IMAGE_TEXT_MATCHING) {
            only(json, Set.of("image", "text"), task);
            input = new Inputs.ImageText(images.read(text(json, "image")), text(json, "text"));
        } else {
            throw new IllegalArgumentException("no request format for " + task.name());
        }
        return (I) input;
    }

    /** mask-generation's "points": [[x, y], [x, y, label], ...]; the label is 1 (on the object) unless given. */
    private static List<Inputs.Point> points(JsonNode points) {
        if (points.isMissingNode()) {
            return List.of();
        }
        if (!points.isArray()) {
            throw new PipelineInputError("points is " + describe(points) + ", not a list of [x, y] or [x, y, label]");
        }
        List<Inputs.Point> out = new java.util.ArrayList<>();
        for (JsonNode p : points) {
            double[] v = numbers(p, "points[" + out.size() + "]", 2, 3);
            if (v.length == 3 && v[2] != Math.rint(v[2])) {
                throw new PipelineInputError("points[" + out.size() + "]'s label is " + v[2] + ", not 0 or 1");
            }
            out.add(new Inputs.Point(v[0], v[1], v.length == 3 ? (int) v[2] : 1));
        }
        return out;
    }

    /**
     * mask-generation's automatic settings, transformers' pipeline arguments: points_per_batch, points_per_crop,
     * pred_iou_thresh, stability_score_thresh, stability_score_offset, mask_threshold, crops_nms_thresh.
     */
    private static Inputs.MaskGrid grid(JsonNode json) {
        Inputs.MaskGrid d = Inputs.MaskGrid.DEFAULTS;
        return new Inputs.MaskGrid(whole(json, "points_per_batch", d.pointsPerBatch()),
                whole(json, "points_per_crop", d.pointsPerCrop()), number(json, "pred_iou_thresh", d.predIouThresh()),
                number(json, "stability_score_thresh", d.stabilityScoreThresh()),
                number(json, "stability_score_offset", d.stabilityScoreOffset()),
                number(json, "mask_threshold", d.maskThreshold()), number(json, "crops_nms_thresh", d.cropsNmsThresh()));
    }

    private static int whole(JsonNode json, String field, int fallback) {
        JsonNode v = json.path(field);
        if (v.isMissingNode()) {
            return fallback;
        }
        if (!v.canConvertToInt() || v.asDouble() != v.asInt()) {
            throw new PipelineInputError(field + " is " + describe(v) + ", not a whole number");
        }
        return v.asInt();
    }

    private static double number(JsonNode json, String field, double fallback) {
        JsonNode v = json.path(field);
        if (v.isMissingNode()) {
            return fallback;
        }
        if (!v.isNumber()) {
            throw new PipelineInputError(field + " is " + describe(v) + ", not a number");
        }
        return v.asDouble();
    }

    /** mask-generation's "box": [x0, y0, x1, y1]. */
    private static Inputs.PromptBox box(JsonNode box) {
        double[] v = numbers(box, "box", 4, 4);
        return new Inputs.PromptBox(v[0], v[1], v[2], v[3]);
    }

    /** A JSON list of {@code min} to {@code max} numbers, or an error naming {@code field}. */
    private static double[] numbers(JsonNode list, String field, int min, int max) {
        if (!list.isArray() || list.size() < min || list.size() > max) {
            throw new PipelineInputError(field + " is " + describe(list) + ", not a list of " + min
                    + (max > min ? " or " + max : "") + " numbers");
        }
        double[] out = new double[list.size()];
        for (int i = 0; i < out.length; i++) {
            if (!list.get(i).isNumber()) {
                throw new PipelineInputError(field + " is " + describe(list) + ", not a list of numbers");
            }
            out[i] = list.get(i).asDouble();
        }
        return out;
    }

    /** The bytes of a base64 string or data: URL, or null when it is neither. */
    public static byte[] inlineBytes(String value) {
        String data = value;
        if (value.startsWith("data:")) {
            int comma = value.indexOf(',');
            if (comma < 0 || !value.substring(0, comma).endsWith(";base64")) {
                return null;
            }
            data = value.substring(comma + 1);
        }
        try {
            byte[] bytes = Base64.getDecoder().decode(data.replaceAll("\\s", ""));
            return bytes.length == 0 ? null : bytes;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static void only(JsonNode json, Set<String> fields, Task<?, ?> task) {
        for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!fields.contains(name)) {
                throw new PipelineInputError("unknown field '" + name + "'; a " + task.name() + " input has "
                        + String.join(", ", fields.stream().sorted().toList()));
            }
        }
    }

    private static String text(JsonNode json, String field) {
        JsonNode v = json.get(field);
        if (v == null || v.isNull()) {
            throw new PipelineInputError(field + " is missing");
        }
        if (!v.isTextual()) {
            throw new PipelineInputError(field + " is " + describe(v) + ", not a string");
        }
        return v.asText();
    }

    private static List<String> texts(JsonNode json, String field) {
        JsonNode v = json.get(field);
        if (v == null || v.isNull()) {
            throw new PipelineInputError(field + " is missing");
        }
        if (!v.isArray()) {
            throw new PipelineInputError(field + " is " + describe(v) + ", not a list of strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode item : v) {
            if (!item.isTextual()) {
                throw new PipelineInputError(field + " holds " + describe(item) + ", not a string");
            }
            out.add(item.asText());
        }
        return out;
    }

    /** A list of {role, content} objects, as OpenAI's and transformers' chat messages are written. */
    private static List<Inputs.Message> messages(JsonNode list) {
        if (list == null || list.isNull()) {
            throw new PipelineInputError("messages is missing");
        }
        if (!list.isArray()) {
            throw new PipelineInputError("messages is " + describe(list) + ", not a list of {role, content}");
        }
        List<Inputs.Message> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode m = list.get(i);
            if (!m.isObject()) {
                throw new PipelineInputError("messages[" + i + "] is " + describe(m) + ", not a {role, content}");
            }
            try {
                for (Iterator<String> names = m.fieldNames(); names.hasNext(); ) {
                    String name = names.next();
                    if (!name.equals("role") && !name.equals("content")) {
                        throw new PipelineInputError("unknown field '" + name + "'; a message has role and content");
                    }
                }
                out.add(new Inputs.Message(text(m, "role"), text(m, "content")));
            } catch (PipelineInputError e) {
                throw new PipelineInputError("messages[" + i + "]: " + e.getMessage());
            }
        }
        return out;
    }

    private static String describe(JsonNode v) {
        if (v == null || v.isNull() || v.isMissingNode()) {
            return "null";
        }
        String text = v.toString();
        return text.length() > 40 ? text.substring(0, 40) + "…" : text;
    }
}

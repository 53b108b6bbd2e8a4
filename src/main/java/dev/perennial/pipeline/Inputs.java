package dev.perennial.pipeline;

import dev.perennial.audio.Waveform;
import dev.perennial.image.RgbImage;

import java.util.List;

/** The inputs of the tasks, one record per kind; the JSON of the CLI and HTTP API has the same fields. */
public final class Inputs {

    private Inputs() {
    }

    /** A text to embed. */
    public record Text(String text) {
        public Text {
            requireText(text, "text");
        }
    }

    /** A text to translate from language {@code srcLang} to {@code tgtLang} (the model's codes: eng_Latn, fra_Latn). */
    public record Translation(String text, String srcLang, String tgtLang) {
        public Translation {
            requireText(text, "text");
            requireText(srcLang, "src_lang");
            requireText(tgtLang, "tgt_lang");
        }
    }

    /** A source sentence and the sentences to compare it with (the Hub's sentence-similarity inputs). */
    public record Sentences(String sourceSentence, List<String> sentences) {
        public Sentences {
            requireText(sourceSentence, "source_sentence");
            sentences = nonEmpty(sentences, "sentences");
            sentences.forEach(s -> requireText(s, "sentences"));
        }
    }

    /**
     * An image and the labels to score for it; each label is put into {@code hypothesisTemplate} at "{}" (the
     * zero-shot-image-classification pipeline's default is "This is a photo of {}.").
     */
    public record LabelledImage(RgbImage image, List<String> candidateLabels, String hypothesisTemplate) {

        public static final String DEFAULT_TEMPLATE = "This is a photo of {}.";

        public LabelledImage {
            if (image == null) {
                throw new PipelineInputError("image is missing");
            }
            candidateLabels = labels(candidateLabels);
            hypothesisTemplate = template(hypothesisTemplate, DEFAULT_TEMPLATE);
        }

        public LabelledImage(RgbImage image, List<String> candidateLabels) {
            this(image, candidateLabels, DEFAULT_TEMPLATE);
        }

        /** The texts the model reads: the template with each label. */
        List<String> hypotheses() {
            return Inputs.hypotheses(candidateLabels, hypothesisTemplate);
        }
    }

    /**
     * A recording (at any rate: the pipeline resamples it to its feature extractor's) and the labels to score for it;
     * each label is put into {@code hypothesisTemplate} at "{}" (transformers' ZeroShotAudioClassificationPipeline's
     * default is "This is a sound of {}.").
     */
    public record LabelledAudio(Waveform audio, List<String> candidateLabels, String hypothesisTemplate) {

        public static final String DEFAULT_TEMPLATE = "This is a sound of {}.";

        public LabelledAudio {
            if (audio == null) {
                throw new PipelineInputError("audio is missing");
            }
            if (audio.samples().length == 0) {
                throw new PipelineInputError("audio holds no samples; give a recording");
            }
            candidateLabels = labels(candidateLabels);
            hypothesisTemplate = template(hypothesisTemplate, DEFAULT_TEMPLATE);
        }

        public LabelledAudio(Waveform audio, List<String> candidateLabels) {
            this(audio, candidateLabels, DEFAULT_TEMPLATE);
        }

        /** The texts the model reads: the template with each label. */
        List<String> hypotheses() {
            return Inputs.hypotheses(candidateLabels, hypothesisTemplate);
        }
    }

    /**
     * A recording to transcribe (at any rate: the pipeline resamples it to the feature extractor's), and how:
     * {@code timestamps} asks for segments with their times; {@code language} (a code "de" or a name "german") and
     * {@code task} ("transcribe" or "translate") are for multilingual checkpoints, null to detect the language and
     * transcribe; {@code chunkLength} is the window in seconds, 0 for the model's own (30 s); {@code numBeams} 0
     * for the generation config's.
     */
    public record Recording(Waveform audio, boolean timestamps, String language, String task, double chunkLength,
                            int numBeams) {

        public Recording {
            if (audio == null) {
                throw new PipelineInputError("audio is missing");
            }
            if (audio.samples().length == 0) {
                throw new PipelineInputError("audio holds no samples; give a recording");
            }
            if (task != null && !task.equals("transcribe") && !task.equals("translate")) {
                throw new PipelineInputError("task is '" + task + "'; use transcribe or translate");
            }
            if (!(chunkLength >= 0) || Double.isInfinite(chunkLength)) {
                throw new PipelineInputError("chunk_length_s is " + chunkLength + "; give a positive number of "
                        + "seconds, or 0 for the model's window (30 s)");
            }
            if (numBeams < 0) {
                throw new PipelineInputError("num_beams is " + numBeams + "; use 1 for greedy decoding, 0 for the "
                        + "model's default");
            }
        }

        /** A recording transcribed with the model's defaults, with or without timestamps. */
        public Recording(Waveform audio, boolean timestamps) {
            this(audio, timestamps, null, null, 0, 0);
        }

        /** The audio file at {@code path} (WAV, or any format ffmpeg reads), read at Whisper's 16 kHz. */
        public static Recording of(java.nio.file.Path path, boolean timestamps) {
            return new Recording(dev.perennial.audio.Audio.read(path, SpeechRecognizer.RATE), timestamps);
        }
    }

    /**
     * An image to find objects in, and the score a detection must pass (transformers' ObjectDetectionPipeline
     * keeps scores above 0.5 by default).
     */
    public record DetectionImage(RgbImage image, double threshold) {

        public static final double DEFAULT_THRESHOLD = 0.5;

        public DetectionImage {
            if (image == null) {
                throw new PipelineInputError("image is missing");
            }
            if (!(threshold >= 0 && threshold <= 1)) {
                throw new PipelineInputError("threshold is " + threshold + "; give a score from 0 to 1 (default "
                        + DEFAULT_THRESHOLD + ")");
            }
        }

        public DetectionImage(RgbImage image) {
            this(image, DEFAULT_THRESHOLD);
        }
    }

    /** One turn of a conversation: who speaks ({@code user}, {@code assistant} or {@code system}) and what. */
    public record Message(String role, String content) {

        public static final String USER = "user";
        public static final List<String> ROLES = List.of(USER, "assistant", "system");

        public Message {
            if (role == null || !ROLES.contains(role)) {
                throw new PipelineInputError("role is " + (role == null ? "missing" : "'" + role + "'") + "; a "
                        + "message's role is one of " + String.join(", ", ROLES));
            }
            requireText(content, "content");
        }
    }

    /** A conversation so far, oldest message first; the chat model writes the next (the assistant's) turn. */
    public record Conversation(List<Message> messages) {

        public Conversation {
            if (messages == null || messages.isEmpty()) {
                throw new PipelineInputError("messages is " + (messages == null ? "missing" : "empty")
                        + "; give at least one {\"role\": \"user\", \"content\": …}");
            }
            messages = List.copyOf(messages);
        }

        /** Turns that alternate, the user's first: what the CLI's repeated --text gives. */
        public static Conversation alternating(List<String> turns) {
            List<Message> messages = new java.util.ArrayList<>();
            for (int i = 0; i < turns.size(); i++) {
                messages.add(new Message(i % 2 == 0 ? Message.USER : "assistant", turns.get(i)));
            }
            return new Conversation(messages);
        }
    }

    /**
     * A click on an image: where (x, y in pixels of the original image) and whether it marks the object
     * ({@code label} 1) or the background (0), as SamProcessor's input_points and input_labels take them.
     */
    public record Point(double x, double y, int label) {

        public Point {
            if (!Double.isFinite(x) || !Double.isFinite(y)) {
                throw new PipelineInputError("point " + x + "," + y + " is not two numbers");
            }
            if (label != 0 && label != 1) {
                throw new PipelineInputError("point " + x + "," + y + " has label " + label + "; a point's label is 1 "
                        + "(on the object) or 0 (background)");
            }
        }
    }

    /** A box around the object, corners in pixels of the original image (SamProcessor's input_boxes). */
    public record PromptBox(double x0, double y0, double x1, double y1) {

        public PromptBox {
            if (!(x0 <= x1 && y0 <= y1)) {
                throw new PipelineInputError("box " + x0 + "," + y0 + "," + x1 + "," + y1 + " is not x0,y0,x1,y1 with "
                        + "x0 <= x1 and y0 <= y1");
            }
        }
    }

    /**
     * The settings of automatic mask generation, with the names and defaults of transformers' mask-generation
     * pipeline (MaskGenerationPipeline): a {@code pointsPerCrop} x {@code pointsPerCrop} grid of clicks decoded
     * {@code pointsPerBatch} at a time, each click's three masks kept when their predicted IoU is above
     * {@code predIouThresh} and their stability score (the masks at {@code maskThreshold} ±
     * {@code stabilityScoreOffset}) above {@code stabilityScoreThresh} (a threshold of 0 keeps all), then
     * non-maximum suppression of their boxes at IoU {@code cropsNmsThresh}. Only the whole image is a crop
     * (crops_n_layers 0).
     */
    public record MaskGrid(int pointsPerBatch, int pointsPerCrop, double predIouThresh, double stabilityScoreThresh,
                           double stabilityScoreOffset, double maskThreshold, double cropsNmsThresh) {

        /** MaskGenerationPipeline's defaults. */
        public static final MaskGrid DEFAULTS = new MaskGrid(64, 32, 0.88, 0.95, 1, 0, 0.7);

        public MaskGrid {
            if (pointsPerBatch < 1) {
                throw new PipelineInputError("points_per_batch is " + pointsPerBatch + "; it is at least 1 (64 by "
                        + "default)");
            }
            if (pointsPerCrop < 1) {
                throw new PipelineInputError("points_per_crop is " + pointsPerCrop + "; it is at least 1 (32 by "
                        + "default: a 32 x 32 grid)");
            }
            for (double v : new double[] {predIouThresh, stabilityScoreThresh, stabilityScoreOffset, maskThreshold,
                    cropsNmsThresh}) {
                if (!Double.isFinite(v)) {
                    throw new PipelineInputError("the mask-generation thresholds are numbers; one is " + v);
                }
            }
        }

        public MaskGrid withPointsPerBatch(int n) {
            return new MaskGrid(n, pointsPerCrop, predIouThresh, stabilityScoreThresh, stabilityScoreOffset,
                    maskThreshold, cropsNmsThresh);
        }

        public MaskGrid withPointsPerCrop(int n) {
            return new MaskGrid(pointsPerBatch, n, predIouThresh, stabilityScoreThresh, stabilityScoreOffset,
                    maskThreshold, cropsNmsThresh);
        }

        public MaskGrid withPredIouThresh(double t) {
            return new MaskGrid(pointsPerBatch, pointsPerCrop, t, stabilityScoreThresh, stabilityScoreOffset,
                    maskThreshold, cropsNmsThresh);
        }

        public MaskGrid withStabilityScoreThresh(double t) {
            return new MaskGrid(pointsPerBatch, pointsPerCrop, predIouThresh, t, stabilityScoreOffset, maskThreshold,
                    cropsNmsThresh);
        }
    }

    /**
     * An image and a prompt for one object: clicked points, a box, or both; or neither, for automatic mask generation
     * over a grid of clicks ({@code grid}, {@link MaskGrid#DEFAULTS} when null). {@code multimask}: SAM's three masks
     * (part, object, whole; its default), else its single mask. {@code maskInput}: transformers' input_masks, the
     * low-resolution mask logits of a previous prediction (4g x 4g, 256 x 256 for SAM, row-major) given back with
     * the clicks to refine it, or null.
     */
    public record MaskPrompt(RgbImage image, List<Point> points, PromptBox box, boolean multimask, float[] maskInput,
                             MaskGrid grid) {

        public MaskPrompt {
            if (image == null) {
                throw new PipelineInputError("image is missing");
            }
            points = points == null ? List.of() : List.copyOf(points);
            if (points.isEmpty() && box == null && maskInput != null) {
                throw new PipelineInputError("a mask input comes with points (x,y[,label]) or a box (x0,y0,x1,y1); "
                        + "without either, mask generation is automatic");
            }
            for (Point p : points) {
                inside(image, p.x(), p.y(), "point");
            }
            if (box != null) {
                inside(image, box.x0(), box.y0(), "box corner");
                inside(image, box.x1(), box.y1(), "box corner");
            }
            if (grid == null) {
                grid = MaskGrid.DEFAULTS;
            }
        }

        public MaskPrompt(RgbImage image, List<Point> points, PromptBox box, boolean multimask) {
            this(image, points, box, multimask, null, null);
        }

        public MaskPrompt(RgbImage image, List<Point> points) {
            this(image, points, null, true);
        }

        /** Automatic mask generation over the image with {@code grid}'s settings. */
        public static MaskPrompt automatic(RgbImage image, MaskGrid grid) {
            return new MaskPrompt(image, List.of(), null, true, null, grid);
        }

        /** Whether this is automatic mask generation: no points and no box. */
        public boolean isAutomatic() {
            return points.isEmpty() && box == null;
        }

        private static void inside(RgbImage image, double x, double y, String what) {
            if (x < 0 || y < 0 || x > image.width() || y > image.height()) {
                throw new PipelineInputError(what + " " + x + "," + y + " is outside the " + image.width() + "x"
                        + image.height() + " image");
            }
        }
    }

    /** An image, all that depth-estimation takes. */
    public record Image(RgbImage image) {

        public Image {
            if (image == null) {
                throw new PipelineInputError("image is missing");
            }
        }
    }

    /** An image to caption, and a prompt the caption continues (null: none), as ImageToTextPipeline takes them. */
    public record CaptionImage(RgbImage image, String prompt) {
        public CaptionImage {
            requireImage(image);
            if (prompt != null) {
                requireText(prompt, "prompt");
            }
        }

        public CaptionImage(RgbImage image) {
            this(image, null);
        }
    }

    /** An image and a question about it (VisualQuestionAnsweringPipeline's image and question). */
    public record ImageQuestion(RgbImage image, String question) {
        public ImageQuestion {
            requireImage(image);
            requireText(question, "question");
        }
    }

    /** An image and a text to match with it. */
    public record ImageText(RgbImage image, String text) {
        public ImageText {
            requireImage(image);
            requireText(text, "text");
        }
    }

    private static void requireImage(RgbImage image) {
        if (image == null) {
            throw new PipelineInputError("image is missing");
        }
    }

    private static List<String> labels(List<String> candidateLabels) {
        List<String> labels = nonEmpty(candidateLabels, "candidate_labels");
        labels.forEach(l -> requireText(l, "candidate_labels"));
        return labels;
    }

    /** {@code template}, or {@code fallback} when null; it must have the "{}" where a label goes. */
    private static String template(String template, String fallback) {
        if (template == null) {
            return fallback;
        }
        if (!template.contains("{}")) {
            throw new PipelineInputError("hypothesis_template '" + template + "' has no {} where the label goes; "
                    + "write for example \"" + fallback + "\"");
        }
        return template;
    }

    private static List<String> hypotheses(List<String> labels, String template) {
        return labels.stream().map(l -> template.replace("{}", l)).toList();
    }

    /** A text query over an image index, and how many of the best images to return. */
    public record Query(String query, int top) {
        public Query {
            requireText(query, "query");
            if (top < 1) {
                throw new PipelineInputError("top is " + top + "; ask for at least 1 image");
            }
        }
    }

    /**
     * A text to read aloud; {@code speed} multiplies the model's speaking rate (OpenAI's 0.25 to 4), and
     * {@code seed} seeds the noise (transformers' tests use 555), so that the same input gives the same audio.
     */
    public record Speech(String text, double speed, long seed) {

        public static final long DEFAULT_SEED = 555;

        public Speech {
            requireText(text, "text");
            if (!(speed >= 0.25 && speed <= 4.0)) {
                throw new PipelineInputError("speed is " + speed + "; give a number from 0.25 to 4 (1 is the model's "
                        + "own pace)");
            }
        }

        public Speech(String text) {
            this(text, 1.0, DEFAULT_SEED);
        }
    }

    private static void requireText(String text, String field) {
        if (text == null || text.isBlank()) {
            throw new PipelineInputError(field + " is " + (text == null ? "missing" : "empty") + "; give a text");
        }
    }

    private static List<String> nonEmpty(List<String> list, String field) {
        if (list == null || list.isEmpty()) {
            throw new PipelineInputError(field + " is " + (list == null ? "missing" : "empty")
                    + "; give at least one");
        }
        return List.copyOf(list);
    }
}

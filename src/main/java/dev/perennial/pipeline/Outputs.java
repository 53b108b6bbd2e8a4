package dev.perennial.pipeline;

import dev.perennial.image.BoxPicture;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;

/** The results of the tasks, one record per kind; the CLI and HTTP API write them as JSON with these fields. */
public final class Outputs {

    private Outputs() {
    }

    /** A text's embedding and how many tokens of it the model read (after truncation, special tokens included). */
    public record Embedding(float[] embedding, int tokens) {

        /**
         * {@code vector} as float32 little-endian bytes in base64: OpenAI's {@code encoding_format: "base64"}, and how
         * the image index stores embeddings.
         */
        public static String base64(float[] vector) {
            ByteBuffer bytes = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            bytes.asFloatBuffer().put(vector);
            return Base64.getEncoder().encodeToString(bytes.array());
        }

        /** The vector of {@link #base64}'s text; refuses one that does not hold {@code dimension} floats. */
        static float[] fromBase64(String base64, int dimension) {
            ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(base64)).order(ByteOrder.LITTLE_ENDIAN);
            if (bytes.remaining() != dimension * Float.BYTES) {
                throw new IllegalArgumentException("embedding of the wrong size");
            }
            float[] vector = new float[dimension];
            bytes.asFloatBuffer().get(vector);
            return vector;
        }
    }

    /** The cosine similarity of the source sentence to each sentence, in the order given. */
    public record Similarities(List<Double> scores) {
    }

    /** A label and its probability. */
    public record LabelScore(String label, double score) {
    }

    /** Every candidate label with its probability, best first (as transformers' pipeline sorts them). */
    public record Labels(List<LabelScore> labels) {

        /**
         * The zero-shot pipelines' post-processing: softmax over {@code logits} (one per label, in order), sorted
         * by score, best first (a stable sort: equal scores keep the labels' order).
         */
        static Labels ranked(List<String> labels, double[] logits) {
            double max = Double.NEGATIVE_INFINITY;
            for (double l : logits) {
                max = Math.max(max, l);
            }
            double[] exp = new double[logits.length];
            double sum = 0;
            for (int i = 0; i < logits.length; i++) {
                exp[i] = Math.exp(logits[i] - max);
                sum += exp[i];
            }
            List<LabelScore> scores = new ArrayList<>();
            for (int i = 0; i < logits.length; i++) {
                scores.add(new LabelScore(labels.get(i), exp[i] / sum));
            }
            scores.sort(Comparator.comparingDouble(LabelScore::score).reversed());
            return new Labels(List.copyOf(scores));
        }
    }

    /** An image of the index (its path relative to the indexed folder) and its cosine similarity to the query. */
    public record SearchHit(String file, double score) {
    }

    /** The best images for a query, best first. */
    public record SearchHits(List<SearchHit> hits) {
    }

    /** A box in pixels of the original image, its corners truncated to whole pixels as the pipeline does. */
    public record Box(int xmin, int ymin, int xmax, int ymax) {
    }

    /** An object found: its score, its label (id2label) and its box. */
    public record Detection(double score, String label, Box box) {
    }

    /**
     * The objects found in one image, in the model's query order: written as transformers' ObjectDetectionPipeline
     * returns them, a JSON list of {score, label, box}.
     */
    public record Detections(@com.fasterxml.jackson.annotation.JsonValue List<Detection> detections) {

        /** Each object's box captioned "label score", as the CLI's --out and the Gradio app draw them. */
        public List<BoxPicture.LabelledBox> captionedBoxes() {
            return detections.stream().map(d -> new BoxPicture.LabelledBox(String.format(java.util.Locale.ROOT,
                    "%s %.2f", d.label(), d.score()), d.box().xmin(), d.box().ymin(), d.box().xmax(),
                    d.box().ymax())).toList();
        }
    }

    /**
     * A mask of SAM: its predicted IoU score, its area in pixels, the box around it (null when empty for a prompt;
     * [0, 0, 0, 0] in automatic generation, as _batched_mask_to_box gives it) and, not in the JSON, its pixels
     * (row-major over the original image, set where the mask is) and for a prompt's masks the low-resolution
     * logits it came from (pred_masks, 4g x 4g, row-major), which a later prompt can take back as its mask input.
     */
    public record Mask(double score, long area, Box box,
                       @com.fasterxml.jackson.annotation.JsonIgnore java.util.BitSet pixels,
                       @com.fasterxml.jackson.annotation.JsonIgnore float[] lowResLogits) {

        public Mask(double score, long area, Box box, java.util.BitSet pixels) {
            this(score, area, box, pixels, null);
        }
    }

    /**
     * The masks for one prompt, in SAM's order, or of automatic generation, highest score first, over an image of
     * {@code width} x {@code height}.
     */
    public record Masks(int width, int height, List<Mask> masks) {
    }

    /**
     * An image's depth as DepthEstimationPipeline gives it: {@code depth} the predicted depth resized to the image
     * ({@code width} × {@code height}, row by row, float32), its {@code min} and {@code max}, the size the model
     * predicted at ({@code predicted_depth_size}, height and width) and the 8-bit {@code picture}. Written as JSON
     * without the maps: {"min", "max", "width", "height", "predicted_depth_size"}.
     */
    public record Depth(int width, int height, float min, float max, List<Integer> predictedDepthSize,
                        @com.fasterxml.jackson.annotation.JsonIgnore float[] depth,
                        @com.fasterxml.jackson.annotation.JsonIgnore dev.perennial.image.DepthPicture picture) {
    }

    /**
     * A summary (transformers' summary_text), how many tokens of the text the model read, and whether the text was
     * cut to the model's length to fit.
     */
    public record Summary(String summaryText, int inputTokens, boolean truncated) {
    }

    /**
     * A chat model's next turn (transformers' generated_text), how many tokens of the conversation the model read,
     * and whether its oldest tokens were left out to fit.
     */
    public record Reply(String generatedText, int inputTokens, boolean truncated) {
    }

    /**
     * A translation (transformers' translation_text), how many tokens the model read (the language code and
     * {@code </s>} included), and whether the text was cut to the model's length to fit.
     */
    public record Translation(String translationText, int inputTokens, boolean truncated) {
    }

    /** An image's caption (ImageToTextPipeline's generated_text: the prompt, when given, and its continuation). */
    public record Caption(String generatedText) {
    }

    /** The answer to a question about an image (VisualQuestionAnsweringPipeline's answer). */
    public record Answer(String answer) {
    }

    /**
     * How well a text matches an image: the image-text matching head's probability that they belong together, and
     * the cosine similarity of their projected embeddings.
     */
    public record Match(double probability, double cosineSimilarity) {
    }

    /** Speech: mono samples in (−1, 1) at {@code samplingRate} samples a second. */
    public record Speech(float[] waveform, int samplingRate) {

        public double seconds() {
            return waveform.length / (double) samplingRate;
        }
    }
}

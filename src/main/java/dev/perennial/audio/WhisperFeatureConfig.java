package dev.perennial.audio;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.UserError;
import dev.perennial.io.Json;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A Whisper {@code preprocessor_config.json} ({@code WhisperFeatureExtractor}), transformers' defaults for absent
 * fields: 80 mel bins, 16 kHz, hop 160, 30 s chunks, n_fft 400, padding 0.0.
 *
 * @param featureSize mel bins (80, or 128 for large-v3)
 * @param chunkLength seconds every input is padded or truncated to
 */
public record WhisperFeatureConfig(int featureSize, int samplingRate, int hopLength, int chunkLength, int nFft,
        double paddingValue) {

    public static WhisperFeatureConfig defaults() {
        return new WhisperFeatureConfig(80, 16000, 160, 30, 400, 0.0);
    }

    /** {@code chunk_length * sampling_rate}, as the extractor's __init__ computes it (a stored n_samples is ignored). */
    public int nSamples() {
        return chunkLength * samplingRate;
    }

    /** Frames of the features: n_samples / hop_length (the STFT's last frame is dropped). */
    public int frames() {
        return nSamples() / hopLength;
    }

    public static WhisperFeatureConfig read(Path file) {
        JsonNode root = Json.readModelFile(file, "no such preprocessor config; a Whisper model needs its "
                + "preprocessor_config.json");
        return parse(root, file.toString());
    }

    /** Checks a parsed config; every bad field is reported at once, {@code where} naming the file. */
    public static WhisperFeatureConfig parse(JsonNode root, String where) {
        if (root == null || !root.isObject()) {
            throw new UserError(where + ": a preprocessor config is a JSON object; fix the file");
        }
        List<String> problems = new ArrayList<>();
        WhisperFeatureConfig d = defaults();
        int featureSize = positive(root, "feature_size", d.featureSize, where, problems);
        int rate = positive(root, "sampling_rate", d.samplingRate, where, problems);
        int hop = positive(root, "hop_length", d.hopLength, where, problems);
        int chunk = positive(root, "chunk_length", d.chunkLength, where, problems);
        int nFft = positive(root, "n_fft", d.nFft, where, problems);
        double padding = number(root, "padding_value", d.paddingValue, where, problems);
        if (nFft < 2 && problems.isEmpty()) {
            problems.add(where + ": n_fft must be at least 2, got " + nFft);
        }
        if (problems.isEmpty() && (long) chunk * rate <= nFft / 2) {
            problems.add(where + ": chunk_length " + chunk + " s at " + rate + " Hz is shorter than half of n_fft "
                    + nFft + "; use the model's own preprocessor_config.json");
        }
        if (problems.isEmpty() && (long) chunk * rate > Integer.MAX_VALUE / 4) {
            problems.add(where + ": chunk_length " + chunk + " s is too long; Whisper's is 30");
        }
        if (!problems.isEmpty()) {
            throw new UserError(problems, null);
        }
        return new WhisperFeatureConfig(featureSize, rate, hop, chunk, nFft, padding);
    }

    private static int positive(JsonNode root, String field, int fallback, String where, List<String> problems) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            return fallback;
        }
        if (!n.isIntegralNumber() || !n.canConvertToInt() || n.intValue() <= 0) {
            problems.add(where + ": " + field + " must be a positive whole number, got " + n);
            return fallback;
        }
        return n.intValue();
    }

    private static double number(JsonNode root, String field, double fallback, String where, List<String> problems) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            return fallback;
        }
        if (!n.isNumber() || !Double.isFinite(n.doubleValue())) {
            problems.add(where + ": " + field + " must be a number, got " + n);
            return fallback;
        }
        return n.doubleValue();
    }
}

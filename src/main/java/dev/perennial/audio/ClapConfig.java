package dev.perennial.audio;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.UserError;
import dev.perennial.io.Json;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A CLAP model's {@code preprocessor_config.json} ({@code ClapFeatureExtractor}), with the defaults of
 * {@code ClapFeatureExtractor.__init__} for absent fields.
 *
 * @param topDb the dB range kept below the loudest value ({@code top_db}), or null for none
 */
public record ClapConfig(
        int featureSize,
        int samplingRate,
        int hopLength,
        int maxLengthS,
        int fftWindowSize,
        double frequencyMin,
        double frequencyMax,
        Double topDb,
        Truncation truncation,
        Padding padding) {

    /** How audio longer than max_length_s is cut: "rand_trunc" (the unfused checkpoints) or "fusion" (the fused). */
    public enum Truncation {
        RAND_TRUNC,
        FUSION
    }

    /** How shorter audio is filled to max_length_s. */
    public enum Padding {
        REPEATPAD,
        REPEAT,
        PAD
    }

    /** ClapFeatureExtractor's own defaults. */
    public static ClapConfig defaults() {
        return new ClapConfig(64, 48_000, 480, 10, 1024, 0, 14_000, null, Truncation.FUSION, Padding.REPEATPAD);
    }

    public int maxSamples() {
        return maxLengthS * samplingRate;
    }

    public static ClapConfig read(Path file) {
        JsonNode root = Json.readModelFile(file, "no such preprocessor config; a CLAP model needs its "
                + "preprocessor_config.json");
        return parse(root, file.toString());
    }

    /** Checks a parsed config; every problem is reported at once, {@code where} naming the file. */
    public static ClapConfig parse(JsonNode root, String where) {
        if (root == null || !root.isObject()) {
            throw new UserError(where + ": a preprocessor config is a JSON object; fix the file");
        }
        Fields f = new Fields(root, where);
        f.type();
        ClapConfig d = defaults();
        ClapConfig c = new ClapConfig(
                f.positive("feature_size", d.featureSize),
                f.positive("sampling_rate", d.samplingRate),
                f.positive("hop_length", d.hopLength),
                f.positive("max_length_s", d.maxLengthS),
                f.powerOfTwo("fft_window_size", d.fftWindowSize),
                f.number("frequency_min", d.frequencyMin),
                f.number("frequency_max", d.frequencyMax),
                f.optionalNumber("top_db"),
                f.choice("truncation", Truncation.class, d.truncation),
                f.choice("padding", Padding.class, d.padding));
        if (c.frequencyMin > c.frequencyMax) {
            f.problem("frequency_min", "(" + c.frequencyMin + ") must not exceed frequency_max ("
                    + c.frequencyMax + ")");
        }
        if (c.truncation == Truncation.FUSION && c.featureSize != ClapFeatures.FUSION_MELS) {
            f.problem("feature_size", "is " + c.featureSize + ", but truncation fusion shrinks the mel to "
                    + ClapFeatures.FUSION_MELS + " bins (_random_mel_fusion); set feature_size to 64 or truncation to "
                    + "rand_trunc");
        }
        if (c.topDb != null && c.topDb <= 0) {
            f.problem("top_db", "must be greater than zero or null, got " + c.topDb);
        }
        if (!f.problems.isEmpty()) {
            throw new UserError(f.problems, null);
        }
        return c;
    }

    /** Reads fields, collecting a problem per bad one. */
    private static final class Fields {
        final JsonNode root;
        final String where;
        final List<String> problems = new ArrayList<>();

        Fields(JsonNode root, String where) {
            this.root = root;
            this.where = where;
        }

        void problem(String field, String text) {
            problems.add(where + ": " + field + " " + text);
        }

        void type() {
            JsonNode t = root.get("feature_extractor_type");
            if (t != null && !t.isNull() && !t.asText().equals("ClapFeatureExtractor")) {
                problem("feature_extractor_type", "is " + t.asText() + ", not ClapFeatureExtractor; give a CLAP "
                        + "model's preprocessor_config.json");
            }
        }

        int positive(String field, int fallback) {
            JsonNode n = root.get(field);
            if (n == null || n.isNull()) {
                return fallback;
            }
            if (!n.isIntegralNumber() || !n.canConvertToInt() || n.intValue() <= 0) {
                problem(field, "must be a positive whole number, got " + n);
                return fallback;
            }
            return n.intValue();
        }

        int powerOfTwo(String field, int fallback) {
            int v = positive(field, fallback);
            if (Integer.bitCount(v) != 1 || v < 2) {
                problem(field, "must be a power of two (the FFT here is radix-2), got " + v);
                return fallback;
            }
            return v;
        }

        double number(String field, double fallback) {
            Double v = optionalNumber(field);
            return v == null ? fallback : v;
        }

        Double optionalNumber(String field) {
            JsonNode n = root.get(field);
            if (n == null || n.isNull()) {
                return null;
            }
            if (!n.isNumber() || !Double.isFinite(n.doubleValue())) {
                problem(field, "must be a number, got " + n);
                return null;
            }
            return n.doubleValue();
        }

        <E extends Enum<E>> E choice(String field, Class<E> type, E fallback) {
            JsonNode n = root.get(field);
            if (n == null || n.isNull()) {
                return fallback;
            }
            List<String> names = new ArrayList<>();
            for (E e : type.getEnumConstants()) {
                String name = e.name().toLowerCase(Locale.ROOT);
                names.add(name);
                if (n.isTextual() && n.textValue().equals(name)) {
                    return e;
                }
            }
            problem(field, "must be one of " + String.join(", ", names) + ", got " + n);
            return fallback;
        }
    }
}

package dev.perennial.generate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.UserError;
import dev.perennial.io.Json;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How an encoder-decoder checkpoint generates by default, as transformers resolves it: generation_config.json (else
 * config.json's generation keys, GenerationConfig.from_model_config), then, for a pipeline task, config.json's
 * task_specific_params[task] on top (pipelines/base.py Pipeline.__init__). Keys left out take GenerationConfig's
 * defaults (generation/configuration_utils.py).
 *
 * @param maxLength        the most tokens a decoder sequence holds, the decoder start token included
 * @param minLength        no eos before the sequence has this many tokens (0: off)
 * @param noRepeatNgramSize no n-gram of this size twice (0: off)
 * @param encoderNoRepeatNgramSize no n-gram of this size that the encoder's input holds (0: off)
 * @param forcedBosTokenId the first generated token, or -1
 * @param forcedEosTokenId the token at max_length, or -1
 * @param doSample         sampling instead of greedy decoding (one beam only), from the logits warped by
 *                         {@code temperature}, {@code topK} (0: off) and {@code topP} (1: off)
 */
public record GenerationConfig(int decoderStartTokenId, int eosTokenId, int padTokenId, int maxLength,
                               int minLength, int numBeams, double lengthPenalty,
                               BeamSearch.EarlyStopping earlyStopping, int noRepeatNgramSize,
                               int encoderNoRepeatNgramSize, int forcedBosTokenId, int forcedEosTokenId,
                               boolean doSample, double temperature, int topK, double topP) {

    /** transformers' GenerationConfig defaults for the sampling keys (generation/configuration_utils.py). */
    static final double DEFAULT_TEMPERATURE = 1.0;
    static final int DEFAULT_TOP_K = 50;
    static final double DEFAULT_TOP_P = 1.0;

    public static final String FILE = "generation_config.json";

    /** {@code dir}'s generation settings, with task_specific_params[{@code task}] applied when task is not null. */
    public static GenerationConfig read(Path dir, String task) {
        Path configFile = dir.resolve("config.json");
        JsonNode config = Json.readModelFile(configFile, "no such file; a model folder holds config.json");
        Path generationFile = dir.resolve(FILE);
        JsonNode generation = Files.isRegularFile(generationFile)
                ? Json.readModelFile(generationFile, "no such file") : config;
        ObjectNode merged = generation.isObject() ? ((ObjectNode) generation).deepCopy()
                : Json.MAPPER.createObjectNode();
        for (String key : List.of("decoder_start_token_id", "eos_token_id", "pad_token_id")) {
            if (!merged.hasNonNull(key) && config.hasNonNull(key)) {
                merged.set(key, config.get(key));
            }
        }
        String where = Files.isRegularFile(generationFile) ? generationFile.toString() : configFile.toString();
        JsonNode taskParams = task == null ? null : config.path("task_specific_params").get(task);
        if (taskParams != null && taskParams.isObject()) {
            taskParams.properties().forEach(e -> merged.set(e.getKey(), e.getValue()));
            where += " with " + configFile.getFileName() + "'s task_specific_params." + task;
        }
        return parse(merged, where);
    }

    /** The settings of one JSON object; {@code where} names it in errors. */
    public static GenerationConfig parse(ObjectNode json, String where) {
        int start = id(json, where, "decoder_start_token_id", -1);
        if (start < 0) {
            throw new UserError(where + ": decoder_start_token_id is missing; an encoder-decoder's generation config "
                    + "names the token its decoder starts from");
        }
        int maxLength = whole(json, where, "max_length", 20);
        if (maxLength < 2) {
            throw new UserError(where + ": max_length is " + maxLength + "; a summary needs at least 2 tokens (the "
                    + "decoder start and one more)");
        }
        int beams = whole(json, where, "num_beams", 1);
        if (beams < 1) {
            throw new UserError(where + ": num_beams is " + beams + ", not a whole number above 0");
        }
        JsonNode penalty = json.path("length_penalty");
        if (!penalty.isMissingNode() && !penalty.isNull() && !penalty.isNumber()) {
            throw new UserError(where + ": length_penalty is " + penalty + ", not a number");
        }
        boolean sample = flag(json, where, "do_sample");
        if (sample && beams > 1) {
            throw new UserError(where + ": do_sample is true with num_beams " + beams + " (beam sampling), which "
                    + "Perennial does not run; set num_beams to 1 to sample, or do_sample to false for beam search");
        }
        double temperature = number(json, where, "temperature", DEFAULT_TEMPERATURE);
        if (!(temperature > 0)) {
            throw new UserError(where + ": temperature is " + temperature + "; sampling needs a temperature above 0 "
                    + "(set do_sample to false for greedy decoding)");
        }
        double topP = number(json, where, "top_p", DEFAULT_TOP_P);
        if (!(topP > 0 && topP <= 1)) {
            throw new UserError(where + ": top_p is " + topP + ", not in (0, 1]");
        }
        return new GenerationConfig(start, id(json, where, "eos_token_id", -1), id(json, where, "pad_token_id", -1),
                maxLength, whole(json, where, "min_length", 0), beams, penalty.isNumber() ? penalty.asDouble() : 1.0,
                earlyStopping(json, where), whole(json, where, "no_repeat_ngram_size", 0),
                whole(json, where, "encoder_no_repeat_ngram_size", 0), id(json, where, "forced_bos_token_id", -1), id(json, where, "forced_eos_token_id", -1), sample,
                temperature, whole(json, where, "top_k", DEFAULT_TOP_K), topP);
    }

    /** The logits processors these settings turn on, in generation/utils.py _get_logits_processor's order. */
    public List<LogitsProcessor> processors() {
        List<LogitsProcessor> out = new ArrayList<>();
        if (noRepeatNgramSize > 0) {
            out.add(new LogitsProcessor.NoRepeatNGram(noRepeatNgramSize));
        }
        if (minLength > 0 && eosTokenId >= 0) {
            out.add(new LogitsProcessor.MinLength(minLength, eosTokenId));
        }
        if (forcedBosTokenId >= 0) {
            out.add(new LogitsProcessor.ForcedBos(forcedBosTokenId));
        }
        if (forcedEosTokenId >= 0) {
            out.add(new LogitsProcessor.ForcedEos(maxLength, forcedEosTokenId));
        }
        return List.copyOf(out);
    }

    /** Beam search's settings: the generated tokens after the decoder start token number max_length - 1. */
    public BeamSearch.Settings beamSettings() {
        return beamSettings(1);
    }

    /** Beam search's settings after a prompt of {@code promptLength} tokens: max_length counts the prompt. */
    public BeamSearch.Settings beamSettings(int promptLength) {
        return new BeamSearch.Settings(numBeams, lengthPenalty, earlyStopping, maxLength - promptLength, eosTokenId);
    }

    /** These settings with {@code beams} beams (1: greedy decoding, or sampling when these settings sample). */
    public GenerationConfig withNumBeams(int beams) {
        return new GenerationConfig(decoderStartTokenId, eosTokenId, padTokenId, maxLength, minLength, beams,
                lengthPenalty, earlyStopping, noRepeatNgramSize, encoderNoRepeatNgramSize, forcedBosTokenId,
                forcedEosTokenId, doSample && beams == 1, temperature, topK, topP);
    }

    /**
     * These settings decoding one beam: greedily when {@code temperature} is 0, else sampling with {@code temperature},
     * {@code topK} (0: off) and {@code topP} (1: off).
     */
    public GenerationConfig withSampling(double temperature, int topK, double topP) {
        Sampling checked = new Sampling(maxLength - 1, temperature, topK, topP, List.of(), 0);
        boolean sample = checked.temperature() > 0;
        return new GenerationConfig(decoderStartTokenId, eosTokenId, padTokenId, maxLength, minLength, 1,
                lengthPenalty, earlyStopping, noRepeatNgramSize, encoderNoRepeatNgramSize, forcedBosTokenId,
                forcedEosTokenId, sample, sample ? temperature : DEFAULT_TEMPERATURE, topK, topP);
    }

    /** These settings generating at most {@code tokens} tokens after the decoder start token (max_new_tokens). */
    public GenerationConfig withMaxNewTokens(int tokens) {
        if (tokens < 1) {
            throw new UserError("max new tokens is " + tokens + "; generate at least 1");
        }
        return withMaxLength(tokens + 1);
    }

    /** These settings with decoder sequences of at most {@code length} tokens, the start token or prompt included. */
    public GenerationConfig withMaxLength(int length) {
        if (length < 2) {
            throw new IllegalArgumentException("max_length " + length + " leaves no room for a generated token");
        }
        return new GenerationConfig(decoderStartTokenId, eosTokenId, padTokenId, length, minLength, numBeams,
                lengthPenalty, earlyStopping, noRepeatNgramSize, encoderNoRepeatNgramSize, forcedBosTokenId,
                forcedEosTokenId, doSample, temperature, topK, topP);
    }

    /** How each row picks its tokens, {@code seed} fixing the draws: greedy unless these settings sample. */
    Sampling sampling(long seed) {
        return new Sampling(maxLength - 1, doSample ? temperature : 0, topK, topP, List.of(), seed);
    }

    /** These settings with {@code token} as the first generated token (a translation's target language). */
    public GenerationConfig withForcedBosTokenId(int token) {
        return new GenerationConfig(decoderStartTokenId, eosTokenId, padTokenId, maxLength, minLength, numBeams,
                lengthPenalty, earlyStopping, noRepeatNgramSize, encoderNoRepeatNgramSize, token, forcedEosTokenId,
                doSample, temperature, topK, topP);
    }

    private static int whole(JsonNode json, String where, String key, int fallback) {
        JsonNode v = json.get(key);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < 0) {
            throw new UserError(where + ": " + key + " is " + v + ", not a whole number of 0 or more");
        }
        return v.asInt();
    }

    /** A token id; a list (several eos tokens) gives its first. */
    private static int id(JsonNode json, String where, String key, int fallback) {
        JsonNode v = json.get(key);
        if (v != null && v.isArray() && !v.isEmpty()) {
            v = v.get(0);
        }
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < 0) {
            throw new UserError(where + ": " + key + " is " + v + ", not a token id");
        }
        return v.asInt();
    }

    private static boolean flag(JsonNode json, String where, String key) {
        JsonNode v = json.get(key);
        if (v == null || v.isNull()) {
            return false;
        }
        if (!v.isBoolean()) {
            throw new UserError(where + ": " + key + " is " + v + ", not true or false");
        }
        return v.asBoolean();
    }

    private static double number(JsonNode json, String where, String key, double fallback) {
        JsonNode v = json.get(key);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isNumber()) {
            throw new UserError(where + ": " + key + " is " + v + ", not a number");
        }
        return v.asDouble();
    }

    private static BeamSearch.EarlyStopping earlyStopping(JsonNode json, String where) {
        JsonNode v = json.get("early_stopping");
        if (v == null || v.isNull()) {
            return BeamSearch.EarlyStopping.FALSE;
        }
        if (v.isBoolean()) {
            return v.asBoolean() ? BeamSearch.EarlyStopping.TRUE : BeamSearch.EarlyStopping.FALSE;
        }
        if (v.isTextual() && v.asText().equals("never")) {
            return BeamSearch.EarlyStopping.NEVER;
        }
        throw new UserError(where + ": early_stopping is " + v + "; it is true, false or \"never\"");
    }
}

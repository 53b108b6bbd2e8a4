package dev.perennial.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.UserError;
import dev.perennial.io.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How sentence-transformers turns a text encoder's hidden states into one vector, from the model folder's
 * modules.json (Transformer → Pooling → Normalize), the pooling module's config.json and sentence_bert_config.json
 * (max_seq_length). A folder without modules.json gets what sentence-transformers builds for a plain transformers
 * model: mean pooling, no normalisation.
 *
 * @param poolings     the pooled vectors, concatenated in sentence-transformers' order (cls, max, mean,
 *                     mean_sqrt_len_tokens: {@code Pooling.forward})
 * @param normalize    whether a Normalize module divides by the L2 norm
 * @param maxSeqLength the truncation length of sentence_bert_config.json, or 0 when it gives none
 */
record SentenceTransformerConfig(List<Pooling> poolings, boolean normalize, int maxSeqLength) {

    /** The pooling modes Perennial computes (sentence_transformers/models/Pooling.py). */
    enum Pooling {
        CLS("pooling_mode_cls_token"),
        MAX("pooling_mode_max_tokens"),
        MEAN("pooling_mode_mean_tokens"),
        MEAN_SQRT_LEN("pooling_mode_mean_sqrt_len_tokens");

        final String key;

        Pooling(String key) {
            this.key = key;
        }
    }

    private static final List<String> UNSUPPORTED_POOLINGS =
            List.of("pooling_mode_weightedmean_tokens", "pooling_mode_lasttoken");
    private static final String TRANSFORMER = "sentence_transformers.models.Transformer";
    private static final String POOLING = "sentence_transformers.models.Pooling";
    private static final String NORMALIZE = "sentence_transformers.models.Normalize";

    static SentenceTransformerConfig read(Path dir) {
        int maxSeqLength = maxSeqLength(dir.resolve("sentence_bert_config.json"));
        Path modulesFile = dir.resolve("modules.json");
        if (!Files.isRegularFile(modulesFile)) {
            return new SentenceTransformerConfig(List.of(Pooling.MEAN), false, maxSeqLength);
        }
        List<Pooling> poolings = null;
        boolean normalize = false;
        for (JsonNode module : json(modulesFile)) {
            String type = module.path("type").asText();
            switch (type) {
                case TRANSFORMER -> {
                }
                case POOLING -> poolings = poolings(dir.resolve(module.path("path").asText()).resolve("config.json"));
                case NORMALIZE -> normalize = true;
                default -> throw new UserError(modulesFile + ": module " + type + " is not supported; Perennial runs "
                        + "sentence-transformers models made of Transformer, Pooling and Normalize modules");
            }
        }
        if (poolings == null) {
            throw new UserError(modulesFile + ": has no " + POOLING + " module; a sentence embedding model pools "
                    + "its token vectors into one");
        }
        return new SentenceTransformerConfig(poolings, normalize, maxSeqLength);
    }

    private static List<Pooling> poolings(Path file) {
        JsonNode config = json(file);
        for (String key : UNSUPPORTED_POOLINGS) {
            if (config.path(key).asBoolean(false)) {
                throw new UserError(file + ": " + key + " is not supported; Perennial pools with cls, max, mean "
                        + "and mean_sqrt_len tokens");
            }
        }
        List<Pooling> poolings = new ArrayList<>();
        for (Pooling p : Pooling.values()) {
            if (config.path(p.key).asBoolean(false)) {
                poolings.add(p);
            }
        }
        if (poolings.isEmpty()) {
            throw new UserError(file + ": no pooling mode is true; set pooling_mode_mean_tokens (or cls/max)");
        }
        return List.copyOf(poolings);
    }

    private static int maxSeqLength(Path file) {
        if (!Files.isRegularFile(file)) {
            return 0;
        }
        JsonNode length = json(file).path("max_seq_length");
        if (length.isMissingNode() || length.isNull()) {
            return 0;
        }
        if (!length.isIntegralNumber() || length.asInt() < 2) {
            throw new UserError(file + ": max_seq_length is " + length + ", not a whole number of at least 2");
        }
        return length.asInt();
    }

    private static JsonNode json(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UserError(file + ": no such file, though modules.json names its folder");
        }
        try {
            return Json.MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new UserError(file + ": not valid JSON (" + e.getMessage().lines().findFirst().orElse("") + ")", e);
        }
    }
}

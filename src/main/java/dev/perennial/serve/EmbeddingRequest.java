package dev.perennial.serve;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/**
 * A validated OpenAI embeddings request (POST /v1/embeddings): the model, the texts (a string or a list of
 * strings; token ids are refused, as Perennial embeds texts with the model's own tokenizer), whether the vectors go
 * back as JSON floats or base64 (float32 little-endian, as OpenAI sends them), and the dimension asked for, if any
 * (0: none; a model's vectors have one dimension, so another is refused). "user" is accepted and ignored. Every
 * field is checked before anything is loaded or computed.
 */
record EmbeddingRequest(String model, List<String> input, boolean base64, int dimensions) {

    /** OpenAI's own bound on inputs per request. */
    static final int MAX_INPUTS = 2048;

    static EmbeddingRequest parse(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ApiError.badRequest(null, "the body must be a JSON object: {\"model\": ID, \"input\": TEXT or "
                    + "[TEXT, ...]}");
        }
        JsonNode model = body.path("model");
        if (!model.isTextual() || model.asText().isBlank()) {
            throw ApiError.badRequest("model", "'model' must be the id of a model (GET /v1/models lists them)");
        }
        return new EmbeddingRequest(model.asText(), input(body.path("input")), base64(body.path("encoding_format")),
                dimensions(body.path("dimensions")));
    }

    private static List<String> input(JsonNode input) {
        if (input.isMissingNode() || input.isNull()) {
            throw ApiError.badRequest("input", "'input' is missing: give a string or a list of strings to embed");
        }
        if (input.isTextual()) {
            requireText(input.asText(), "'input'");
            return List.of(input.asText());
        }
        if (!input.isArray()) {
            throw ApiError.badRequest("input", "'input' must be a string or a list of strings, not " + input);
        }
        if (input.isEmpty()) {
            throw ApiError.badRequest("input", "'input' is an empty list: give at least one string to embed");
        }
        if (input.size() > MAX_INPUTS) {
            throw ApiError.badRequest("input", "'input' has " + input.size() + " items; at most " + MAX_INPUTS
                    + " are embedded per request: split it");
        }
        List<String> texts = new ArrayList<>(input.size());
        for (int i = 0; i < input.size(); i++) {
            JsonNode item = input.get(i);
            if (item.isIntegralNumber() || item.isArray()) {
                throw ApiError.badRequest("input", "'input' holds token ids; they are not accepted here (the "
                        + "model's tokenizer reads the text): send the texts as strings");
            }
            if (!item.isTextual()) {
                throw ApiError.badRequest("input", "'input[" + i + "]' is " + item + ", not a string");
            }
            requireText(item.asText(), "'input[" + i + "]'");
            texts.add(item.asText());
        }
        return List.copyOf(texts);
    }

    private static void requireText(String text, String where) {
        if (text.isBlank()) {
            throw ApiError.badRequest("input", where + " is " + (text.isEmpty() ? "an empty string" : "only "
                    + "whitespace") + ": every input must be a non-empty text");
        }
    }

    private static boolean base64(JsonNode format) {
        if (format.isMissingNode() || format.isNull() || format.asText().equals("float") && format.isTextual()) {
            return false;
        }
        if (format.isTextual() && format.asText().equals("base64")) {
            return true;
        }
        throw ApiError.badRequest("encoding_format", "'encoding_format' must be \"float\" (the default) or "
                + "\"base64\", not " + format);
    }

    private static int dimensions(JsonNode dimensions) {
        if (dimensions.isMissingNode() || dimensions.isNull()) {
            return 0;
        }
        if (!dimensions.isIntegralNumber() || !dimensions.canConvertToInt() || dimensions.asInt() < 1) {
            throw ApiError.badRequest("dimensions", "'dimensions' must be a positive whole number, not "
                    + dimensions);
        }
        return dimensions.asInt();
    }
}

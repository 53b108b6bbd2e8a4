package dev.perennial.serve;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Iterator;
import java.util.Set;

/**
 * A validated OpenAI speech request (POST /v1/audio/speech): the model, the text ("input", at most 4096
 * characters, OpenAI's bound), the response format ("wav", the default here, or "pcm": 16-bit little-endian
 * samples without a header; OpenAI's mp3, opus, aac and flac are refused) and "speed" (0.25 to 4, dividing the
 * durations). "voice" is accepted and ignored (a VITS model has one voice); "seed" is an extension (default 555).
 */
record SpeechRequest(String model, String input, boolean wav, double speed, long seed) {

    static final int MAX_INPUT = 4096;
    private static final Set<String> FIELDS = Set.of("model", "input", "voice", "response_format", "speed", "seed");

    static SpeechRequest parse(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ApiError.badRequest(null, "the body must be a JSON object: {\"model\": ID, \"input\": TEXT}");
        }
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw ApiError.badRequest(name, "unknown field '" + name + "'; a speech request has "
                        + String.join(", ", FIELDS.stream().sorted().toList()));
            }
        }
        JsonNode model = body.path("model");
        if (!model.isTextual() || model.asText().isBlank()) {
            throw ApiError.badRequest("model", "'model' must be the id of a text-to-speech model (GET /v1/models "
                    + "lists them)");
        }
        JsonNode input = body.path("input");
        if (!input.isTextual() || input.asText().isBlank()) {
            throw ApiError.badRequest("input", "'input' must be the text to read aloud, a non-empty string");
        }
        if (input.asText().length() > MAX_INPUT) {
            throw ApiError.badRequest("input", "'input' has " + input.asText().length() + " characters; at most "
                    + MAX_INPUT + " are read per request: split it");
        }
        String format = body.path("response_format").asText("wav");
        if (!format.equals("wav") && !format.equals("pcm")) {
            throw ApiError.badRequest("response_format", "'response_format' is " + body.path("response_format")
                    + "; Perennial answers \"wav\" (16-bit PCM WAV) or \"pcm\" (16-bit little-endian samples)");
        }
        JsonNode speed = body.path("speed");
        if (!speed.isMissingNode() && !(speed.isNumber() && speed.asDouble() >= 0.25 && speed.asDouble() <= 4)) {
            throw ApiError.badRequest("speed", "'speed' is " + speed + "; give a number from 0.25 to 4.0");
        }
        JsonNode seed = body.path("seed");
        if (!seed.isMissingNode() && !seed.canConvertToLong()) {
            throw ApiError.badRequest("seed", "'seed' is " + seed + ", not a whole number");
        }
        return new SpeechRequest(model.asText(), input.asText(), format.equals("wav"),
                speed.isMissingNode() ? 1.0 : speed.asDouble(), seed.isMissingNode() ? 555 : seed.asLong());
    }
}

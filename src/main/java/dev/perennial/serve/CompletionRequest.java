package dev.perennial.serve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.UserError;
import dev.perennial.generate.Sampling;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A validated OpenAI completion or chat-completion request: the model, the prompts (one text, or several, each
 * answered with its own n choices) or the messages, how to
 * sample, how many top log-probabilities to return per token (-1: none), and whether to stream; {@code given} names
 * the body's fields (a seq2seq chat model keeps its own settings for those left out). Every field is checked before
 * anything is loaded or generated; a wrong one is refused with its name.
 */
record CompletionRequest(String model, List<String> prompts, List<ChatTemplate.Message> messages, int maxTokens,
                         double temperature, double topP, int topK, List<String> stop, long seed, int logprobs,
                         boolean stream, double frequencyPenalty, double presencePenalty, double repetitionPenalty,
                         int n, Set<String> given) {

    /** The most choices one request may ask for (OpenAI's n). */
    static final int MAX_CHOICES = 16;

    /** The most choices one request may get in all: prompts × n. */
    static final int MAX_TOTAL_CHOICES = 64;

    private static final Set<String> ROLES = Set.of("system", "user", "assistant", "tool", "developer");
    private static final int MAX_STOPS = 4;

    /** How choice {@code choice} (0 to n - 1) samples: the request's settings, with seed + choice. */
    Sampling sampling(List<String> extraStops, int choice) {
        List<String> stops = new ArrayList<>(stop);
        stops.addAll(extraStops);
        try {
            return new Sampling(maxTokens, temperature, topK, topP, stops, seed + choice, frequencyPenalty,
                    presencePenalty, repetitionPenalty);
        } catch (UserError e) {
            throw ApiError.badRequest(null, e.getMessage());
        }
    }

    boolean chat() {
        return messages != null;
    }

    /** Whether the body set {@code field} (to something other than null). */
    boolean gave(String field) {
        return given.contains(field);
    }

    /** POST /v1/completions. */
    static CompletionRequest completion(JsonNode body, int maxTokensLimit) {
        requireObject(body);
        List<String> prompts = prompts(body.path("prompt"));
        if (body.path("echo").asBoolean(false)) {
            throw ApiError.badRequest("echo", "'echo' is not supported");
        }
        int logprobs = body.hasNonNull("logprobs") ? integer(body, "logprobs", 0, 5, 0) : -1;
        CompletionRequest request = common(body, prompts, null, 16, logprobs, maxTokensLimit);
        if (prompts.size() > 1 && request.stream()) {
            throw ApiError.badRequest("prompt", "a list of several prompts is answered whole, not streamed; leave "
                    + "out 'stream' or send one prompt");
        }
        if (prompts.size() * request.n() > MAX_TOTAL_CHOICES) {
            throw ApiError.badRequest("n", prompts.size() + " prompts × n " + request.n() + " ask for more than "
                    + MAX_TOTAL_CHOICES + " choices; send fewer prompts or a smaller n");
        }
        return request;
    }

    /** A string, or OpenAI's list of strings (each a prompt of its own); token-id lists are not taken. */
    private static List<String> prompts(JsonNode prompt) {
        if (prompt.isTextual()) {
            return List.of(prompt.asText());
        }
        List<String> prompts = new ArrayList<>();
        if (prompt.isArray()) {
            for (JsonNode p : prompt) {
                prompts.add(p.isTextual() ? p.asText() : null);
            }
        }
        if (prompts.isEmpty() || prompts.contains(null)) {
            throw ApiError.badRequest("prompt", "'prompt' must be a string or a non-empty list of strings (token "
                    + "ids are not supported)");
        }
        return prompts;
    }

    /** POST /v1/chat/completions. */
    static CompletionRequest chat(JsonNode body, int maxTokensLimit) {
        requireObject(body);
        JsonNode list = body.path("messages");
        if (!list.isArray() || list.isEmpty()) {
            throw ApiError.badRequest("messages", "'messages' must be a non-empty list of {role, content}");
        }
        List<ChatTemplate.Message> messages = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode m = list.get(i);
            String role = m.path("role").asText("");
            if (!ROLES.contains(role)) {
                throw ApiError.badRequest("messages[" + i + "].role", "messages[" + i + "].role must be one of "
                        + ROLES);
            }
            messages.add(new ChatTemplate.Message(role, content(m.path("content"), i)));
        }
        int logprobs = -1;
        if (body.path("logprobs").asBoolean(false)) {
            logprobs = body.hasNonNull("top_logprobs") ? integer(body, "top_logprobs", 0, 20, 0) : 0;
        }
        int defaultMax = body.hasNonNull("max_completion_tokens")
                ? integer(body, "max_completion_tokens", 0, Integer.MAX_VALUE, 0) : Math.min(256, maxTokensLimit);
        return common(body, null, messages, defaultMax, logprobs, maxTokensLimit);
    }

    /** Text content, or a list of parts of which the text parts are joined (OpenAI's content parts). */
    private static String content(JsonNode content, int index) {
        if (content.isTextual()) {
            return content.asText();
        }
        if (content.isArray()) {
            StringBuilder text = new StringBuilder();
            for (JsonNode part : content) {
                if (!part.path("type").asText().equals("text")) {
                    throw ApiError.badRequest("messages[" + index + "].content", "only text content parts are "
                            + "supported");
                }
                text.append(part.path("text").asText());
            }
            return text.toString();
        }
        throw ApiError.badRequest("messages[" + index + "].content", "messages[" + index + "].content must be a "
                + "string");
    }

    private static CompletionRequest common(JsonNode body, List<String> prompts, List<ChatTemplate.Message> messages,
                                            int defaultMaxTokens, int logprobs, int maxTokensLimit) {
        JsonNode model = body.path("model");
        if (!model.isTextual() || model.asText().isBlank()) {
            throw ApiError.badRequest("model", "'model' must name a model; list them with GET /v1/models");
        }
        int n = integer(body, "n", 1, MAX_CHOICES, 1);
        int maxTokens = body.hasNonNull("max_tokens") ? integer(body, "max_tokens", 0, Integer.MAX_VALUE, 0)
                : Math.min(defaultMaxTokens, maxTokensLimit);
        if (maxTokens > maxTokensLimit) {
            throw ApiError.badRequest("max_tokens", "max_tokens " + maxTokens + " is above this server's limit of "
                    + maxTokensLimit + " (--max-tokens)");
        }
        double temperature = number(body, "temperature", 0, 2, 1);
        double topP = number(body, "top_p", Double.MIN_VALUE, 1, 1);
        int topK = integer(body, "top_k", 0, Integer.MAX_VALUE, 0);
        long seed = body.hasNonNull("seed") ? longValue(body, "seed") : new SecureRandom().nextLong();
        double frequencyPenalty = number(body, "frequency_penalty", -2, 2, 0);
        double presencePenalty = number(body, "presence_penalty", -2, 2, 0);
        // an extension, as vLLM and text-generation-inference take it: transformers' repetition penalty
        double repetitionPenalty = number(body, "repetition_penalty", Double.MIN_VALUE, 100, 1);
        JsonNode streamField = body.path("stream");
        if (!streamField.isMissingNode() && !streamField.isNull() && !streamField.isBoolean()) {
            throw ApiError.badRequest("stream", "'stream' must be true or false");
        }
        if (n > 1 && streamField.asBoolean(false)) {
            throw ApiError.badRequest("n", "n above 1 is answered whole, not streamed; leave out 'stream' or ask "
                    + "for n = 1");
        }
        Set<String> given = new java.util.HashSet<>();
        body.fieldNames().forEachRemaining(f -> {
            if (!body.get(f).isNull()) {
                given.add(f);
            }
        });
        return new CompletionRequest(model.asText(), prompts, messages, maxTokens, temperature, topP, topK,
                stops(body.path("stop")), seed, logprobs, streamField.asBoolean(false), frequencyPenalty,
                presencePenalty, repetitionPenalty, n, Set.copyOf(given));
    }

    private static List<String> stops(JsonNode stop) {
        if (stop.isMissingNode() || stop.isNull()) {
            return List.of();
        }
        if (stop.isTextual()) {
            return List.of(stop.asText());
        }
        if (stop.isArray() && stop.size() <= MAX_STOPS) {
            List<String> stops = new ArrayList<>();
            for (JsonNode s : stop) {
                if (!s.isTextual()) {
                    throw ApiError.badRequest("stop", "'stop' must be a string or a list of strings");
                }
                stops.add(s.asText());
            }
            return stops;
        }
        throw ApiError.badRequest("stop", "'stop' must be a string or a list of up to " + MAX_STOPS + " strings");
    }

    private static void requireObject(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ApiError.badRequest(null, "the request body must be a JSON object");
        }
    }

    static int integer(JsonNode body, String field, int min, int max, int fallback) {
        JsonNode v = body.path(field);
        if (v.isMissingNode() || v.isNull()) {
            return fallback;
        }
        if (!v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < min || v.asInt() > max) {
            throw ApiError.badRequest(field, "'" + field + "' must be a whole number in [" + min + ", " + max + "]");
        }
        return v.asInt();
    }

    private static long longValue(JsonNode body, String field) {
        JsonNode v = body.path(field);
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw ApiError.badRequest(field, "'" + field + "' must be a whole number");
        }
        return v.asLong();
    }

    private static double number(JsonNode body, String field, double min, double max, double fallback) {
        JsonNode v = body.path(field);
        if (v.isMissingNode() || v.isNull()) {
            return fallback;
        }
        if (!v.isNumber() || v.asDouble() < min || v.asDouble() > max) {
            throw ApiError.badRequest(field, "'" + field + "' must be a number in [" + (min == Double.MIN_VALUE ? "0 "
                    + "(exclusive)" : min) + ", " + max + "]");
        }
        return v.asDouble();
    }
}

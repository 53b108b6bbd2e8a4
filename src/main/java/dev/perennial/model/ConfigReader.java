package dev.perennial.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.UserError;
import dev.perennial.io.Json;

/** Typed access to config.json keys, with errors naming the file and key; families share it. */
record ConfigReader(ObjectNode json, String source) {

    void require(boolean ok, String problem) {
        if (!ok) {
            throw new UserError(source + ": " + problem);
        }
    }

    /** The JSON object at {@code key} (a sub-config; {} when absent) as a reader whose errors name it. */
    ConfigReader object(String key) {
        JsonNode node = json.get(key);
        if (node == null || node.isNull()) {
            node = Json.MAPPER.createObjectNode();
        }
        if (!(node instanceof ObjectNode object)) {
            throw new UserError(source + ": " + key + " is " + node + ", not a JSON object");
        }
        return new ConfigReader(object, source + " (" + key + ")");
    }

    int positive(String key) {
        JsonNode v = json.get(key);
        require(v != null && v.canConvertToInt() && v.isIntegralNumber() && v.asInt() > 0,
                key + (v == null ? " is missing" : " is " + v + ", not a whole number above 0"));
        return v.asInt();
    }

    int layers() {
        int layers = positive("num_hidden_layers");
        require(layers <= ModelConfigs.MAX_LAYERS, "num_hidden_layers is " + layers + ", more than " + ModelConfigs.MAX_LAYERS
                + "; published models have at most a few hundred layers");
        return layers;
    }

    /** A whole number above 0 at {@code key}, {@code fallback} when absent. */
    int positive(String key, int fallback) {
        int v = integer(key, fallback);
        require(v > 0, key + " is " + v + ", not a whole number above 0");
        return v;
    }

    /** A layer count at {@code key} (an encoder-decoder's encoder_layers, decoder_layers). */
    int layers(String key, int fallback) {
        int layers = positive(key, fallback);
        require(layers <= ModelConfigs.MAX_LAYERS, key + " is " + layers + ", more than " + ModelConfigs.MAX_LAYERS
                + "; published models have at most a few hundred layers");
        return layers;
    }

    /** A head count at {@code key} that divides the width {@code d}. */
    int heads(String key, int fallback, int d) {
        int heads = positive(key, fallback);
        require(d % heads == 0, "d_model " + d + " is not a multiple of " + key + " " + heads);
        return heads;
    }

    /** A token id at {@code key} inside a {@code vocab}-token vocabulary. */
    int token(String key, int fallback, int vocab) {
        int id = integer(key, fallback);
        require(id >= 0 && id < vocab, key + " is " + id + ", not an id of the " + vocab + "-token vocabulary "
                + "(vocab_size)");
        return id;
    }

    int integer(String key, int fallback) {
        JsonNode v = json.get(key);
        if (v == null || v.isNull()) {
            return fallback;
        }
        require(v.isIntegralNumber(), key + " is " + v + ", not a whole number");
        return v.asInt();
    }

    double number(String key, double fallback) {
        JsonNode v = json.get(key);
        if (v == null || v.isNull()) {
            return fallback;
        }
        require(v.isNumber(), key + " is " + v + ", not a number");
        return v.asDouble();
    }

    boolean bool(String key, boolean fallback) {
        JsonNode v = json.get(key);
        if (v == null || v.isNull()) {
            return fallback;
        }
        require(v.isBoolean(), key + " is " + v + ", not true or false");
        return v.asBoolean();
    }

    /** A list of whole numbers at {@code key}, {@code fallback} when absent. */
    java.util.List<Integer> integers(String key, java.util.List<Integer> fallback) {
        return list(key, fallback, n -> n.isIntegralNumber() && n.canConvertToInt(), JsonNode::asInt,
                "whole numbers");
    }

    /** A list of positive numbers at {@code key}, {@code fallback} when absent. */
    java.util.List<Double> numbers(String key, java.util.List<Double> fallback) {
        return list(key, fallback, n -> n.isNumber() && n.asDouble() > 0, JsonNode::asDouble, "positive numbers");
    }

    private <T> java.util.List<T> list(String key, java.util.List<T> fallback,
                                       java.util.function.Predicate<JsonNode> valid,
                                       java.util.function.Function<JsonNode, T> value, String what) {
        JsonNode v = json.get(key);
        if (v == null || v.isNull()) {
            return fallback;
        }
        require(v.isArray(), key + " is " + v + ", not a list of " + what);
        java.util.List<T> out = new java.util.ArrayList<>();
        for (JsonNode n : v) {
            require(valid.test(n), key + " is " + v + ", not a list of " + what);
            out.add(value.apply(n));
        }
        return java.util.List.copyOf(out);
    }

    String text(String key, String fallback) {
        JsonNode v = json.get(key);
        return v == null || v.isNull() ? fallback : v.asText();
    }

    Activation activation(String fallback) {
        return activation("hidden_act", fallback);
    }

    /** The activation named by {@code key} (Whisper's is activation_function). */
    Activation activation(String key, String fallback) {
        String name = text(key, fallback);
        return Activation.byName(name).orElseThrow(() -> new UserError(source + ": " + key + " '" + name
                + "' is not supported; Perennial supports " + String.join(", ", Activation.allNames())));
    }

    /** A rope setting from the top level, else from transformers 5's rope_parameters. */
    double ropeNumber(String key, double fallback) {
        JsonNode params = json.get("rope_parameters");
        double nested = params != null && params.has(key) ? params.get(key).asDouble() : fallback;
        return number(key, nested);
    }

    Rope.Llama3Scaling llama3() {
        JsonNode scaling = json.has("rope_scaling") && !json.get("rope_scaling").isNull()
                ? json.get("rope_scaling") : json.get("rope_parameters");
        if (scaling == null || scaling.isNull()) {
            return null;
        }
        String type = scaling.has("rope_type") ? scaling.get("rope_type").asText() : scaling.path("type").asText("default");
        if (type.equals("default")) {
            return null;
        }
        require(type.equals("llama3"), "rope type '" + type + "' is not supported; Perennial supports default and "
                + "llama3 rotary embeddings");
        return new Rope.Llama3Scaling(scaling.path("factor").asDouble(8), scaling.path("low_freq_factor").asDouble(1),
                scaling.path("high_freq_factor").asDouble(4),
                scaling.path("original_max_position_embeddings").asInt(8192));
    }
}

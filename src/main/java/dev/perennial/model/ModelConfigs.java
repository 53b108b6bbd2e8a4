package dev.perennial.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.UserError;
import dev.perennial.io.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads a Hugging Face {@code config.json} into a {@link ModelConfig}. Both the older keys (rotary_pct,
 * rotary_emb_base, rope_scaling) and transformers 5's {@code rope_parameters} are understood. Anything Perennial
 * cannot run exactly is refused with the key and what is supported.
 */
public final class ModelConfigs {

    /**
     * More layers than any published model has by two orders of magnitude; a bound that keeps counting the
     * parameters of a mistyped config (1,000,000 layers) instant.
     */
    static final int MAX_LAYERS = 10_000;

    private ModelConfigs() {
    }

    /**
     * Refuses {@code config} before anything is allocated when its parameters at {@code bytesPerParameter} need more
     * than {@code availableBytes}, naming the size keys that set the count.
     */
    public static void requireFits(ModelConfig config, String source, int bytesPerParameter, long availableBytes) {
        fitProblem(config, bytesPerParameter, availableBytes).ifPresent(problem -> {
            throw new UserError(source + ": " + problem);
        });
    }

    /** Why {@code config}'s parameters at {@code bytesPerParameter} do not fit in {@code availableBytes}, if not. */
    public static Optional<String> fitProblem(ModelConfig config, int bytesPerParameter, long availableBytes) {
        long parameters = config.parameterCount();
        double needed = (double) parameters * bytesPerParameter;
        if (needed <= availableBytes) {
            return Optional.empty();
        }
        return Optional.of(sizeKeys(config) + " make " + String.format(Locale.ROOT, "%,d", parameters)
                + " parameters, " + gigabytes(needed) + " at " + bytesPerParameter + " bytes each, but only "
                + gigabytes(availableBytes) + " of memory is available; make the model smaller");
    }

    /** The keys that set a config's parameter count, with their values, as a message names them. */
    public static String sizeKeys(ModelConfig c) {
        return "vocab_size " + c.vocabSize() + ", hidden_size " + c.hiddenSize() + ", intermediate_size "
                + c.intermediateSize() + " and num_hidden_layers " + c.layers();
    }

    private static String gigabytes(double bytes) {
        return String.format(Locale.ROOT, "%.3g GB", bytes / 1e9);
    }

    /** Memory this process may still use: the kernel's MemAvailable, or the JVM's bound where there is none. */
    public static long availableMemory() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemAvailable:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux: fall through to the JVM's own bound
        }
        return Runtime.getRuntime().maxMemory();
    }

    public static ModelConfig read(Path file) {
        return parse(readJson(file), file.toString());
    }

    /** A config.json as a JSON object, or an error naming the file; every family's config reader starts here. */
    public static ObjectNode readJson(Path file) {
        try {
            JsonNode json = Json.MAPPER.readTree(file.toFile());
            if (!(json instanceof ObjectNode object)) {
                throw new UserError(file + ": not a JSON object; a config.json describes the model's architecture");
            }
            return object;
        } catch (IOException e) {
            throw new UserError(file + ": cannot be read as JSON (" + e.getMessage().lines().findFirst().orElse("")
                    + ")", e);
        }
    }

    /**
     * {@code config}'s config.json with every setting Perennial ran it with written out, so that transformers
     * rebuilds the same model without falling back to its own defaults: the keys the file left out get the values
     * Perennial used (its defaults are transformers' own), and bos/eos ids name the tokenizer's end-of-text token
     * (transformers' GPT-NeoX defaults, 0 and 2, name other tokens). Keys already there are kept as written, and a
     * file with transformers 5's rope_parameters gets no older rope keys.
     */
    public static ObjectNode complete(ModelConfig config, int eosId) {
        ObjectNode json = config.raw().deepCopy();
        boolean ropeParameters = json.has("rope_parameters");
        switch (config) {
            case GptNeoXConfig c -> {
                putIfAbsent(json, "layer_norm_eps", c.layerNormEps());
                putIfAbsent(json, "use_parallel_residual", c.parallelResidual());
                putIfAbsent(json, "attention_bias", c.attentionBias());
                if (!ropeParameters && !json.has("rotary_pct") && c.rope().dims() == c.headDim() / 4) {
                    json.put("rotary_pct", 0.25); // the default this config was read with
                }
                if (!ropeParameters && !json.has("rope_theta")) {
                    putIfAbsent(json, "rotary_emb_base", c.rope().theta());
                }
            }
            case LlamaConfig c -> {
                putIfAbsent(json, "num_key_value_heads", c.kvHeads());
                putIfAbsent(json, "head_dim", c.headDim());
                putIfAbsent(json, "rms_norm_eps", c.rmsNormEps());
                if (!c.modelType().equals("qwen2")) { // Qwen2 has q/k/v biases by design, and no such key
                    putIfAbsent(json, "attention_bias", c.outputBias());
                }
                putIfAbsent(json, "mlp_bias", c.mlpBias());
                if (!ropeParameters) {
                    putIfAbsent(json, "rope_theta", c.rope().theta());
                }
            }
        }
        putIfAbsent(json, "hidden_act", config.activation().configName());
        putIfAbsent(json, "tie_word_embeddings", config.tiedEmbeddings());
        putIfAbsent(json, "initializer_range", config.initializerRange());
        if (eosId >= 0) {
            putIfAbsent(json, "bos_token_id", eosId);
            putIfAbsent(json, "eos_token_id", eosId);
        }
        return json;
    }

    private static void putIfAbsent(ObjectNode json, String key, Object value) {
        if (!json.has(key) || json.get(key).isNull()) {
            json.set(key, Json.MAPPER.valueToTree(value));
        }
    }

    public static ModelConfig parse(ObjectNode json, String source) {
        ConfigReader r = new ConfigReader(json, source);
        String type = r.text("model_type", null);
        ModelFamily family = type == null ? null : ModelFamily.ofModelType(type).orElse(null);
        if (family == null) {
            throw new UserError(source + ": model_type " + (type == null ? "is missing" : "'" + type + "' is not supported")
                    + "; Perennial runs " + String.join(", ", ModelFamily.supportedModelTypes()));
        }
        return switch (family) {
            case GPT_NEOX -> gptNeoX(r, json);
            case LLAMA -> llama(r, json, type);
        };
    }

    private static GptNeoXConfig gptNeoX(ConfigReader r, ObjectNode json) {
        int hidden = r.positive("hidden_size");
        int heads = r.positive("num_attention_heads");
        r.require(hidden % heads == 0, "hidden_size " + hidden + " is not divisible by num_attention_heads " + heads);
        double pct = r.number("rotary_pct", r.ropeNumber("partial_rotary_factor", 0.25));
        r.require(pct > 0 && pct <= 1, "rotary_pct " + pct + " is not in (0, 1]");
        int rotary = (int) ((hidden / heads) * pct);
        Rope rope = new Rope(rotary, r.number("rotary_emb_base", r.ropeNumber("rope_theta", 10000)), r.llama3());
        return new GptNeoXConfig(r.positive("vocab_size"), hidden, r.layers(), heads,
                r.positive("intermediate_size"), r.positive("max_position_embeddings"), r.number("layer_norm_eps", 1e-5),
                r.bool("use_parallel_residual", true), r.bool("attention_bias", true), r.activation("gelu"),
                r.bool("tie_word_embeddings", false), r.number("initializer_range", 0.02), rope, json);
    }

    private static LlamaConfig llama(ConfigReader r, ObjectNode json, String type) {
        int hidden = r.positive("hidden_size");
        int heads = r.positive("num_attention_heads");
        int kvHeads = r.integer("num_key_value_heads", heads);
        r.require(kvHeads > 0 && heads % kvHeads == 0, "num_attention_heads " + heads
                + " is not a multiple of num_key_value_heads " + kvHeads);
        int headDim = r.integer("head_dim", hidden % heads == 0 ? hidden / heads : -1);
        r.require(headDim > 0, "hidden_size " + hidden + " is not divisible by num_attention_heads " + heads
                + " and head_dim is not given");
        double partial = r.ropeNumber("partial_rotary_factor", 1.0);
        Rope rope = new Rope((int) (headDim * partial), r.ropeNumber("rope_theta", 10000), r.llama3());
        boolean attentionBias = r.bool("attention_bias", false);
        boolean qwen = type.equals("qwen2");
        return new LlamaConfig(type, r.positive("vocab_size"), hidden, r.layers(), heads, kvHeads,
                headDim, r.positive("intermediate_size"), r.positive("max_position_embeddings"),
                r.number("rms_norm_eps", 1e-6), attentionBias || qwen, attentionBias && !qwen, r.bool("mlp_bias", false),
                r.activation("silu"), r.bool("tie_word_embeddings", false), r.number("initializer_range", 0.02), rope,
                json);
    }
}

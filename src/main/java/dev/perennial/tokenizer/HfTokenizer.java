package dev.perennial.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.UserError;
import dev.perennial.io.Hashing;
import dev.perennial.io.Json;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A Hugging Face {@code tokenizer.json}, run by the Rust tokenizers library through DJL. DJL truncates to 512
 * tokens and adds special tokens unless told otherwise (docs/architecture.md, "Things that bite"), so both are
 * switched off.
 */
public final class HfTokenizer implements Tokenizer {

    /** End-of-text tokens of common model families, tried in order when tokenizer_config.json does not say. */
    private static final List<String> EOS_CANDIDATES =
            List.of("<|endoftext|>", "</s>", "<|end_of_text|>", "<eos>", "<|eot_id|>");

    private static final Map<String, String> OPTIONS = Map.of(
            "addSpecialTokens", "false", "truncation", "false", "padding", "false", "modelMaxLength", "1000000000");

    private final String name;
    private final String hash;
    private final int vocabSize;
    private final int eosId;
    private final int bosId;
    private final HuggingFaceTokenizer rust;

    private HfTokenizer(String name, String hash, int vocabSize, int eosId, int bosId, HuggingFaceTokenizer rust) {
        this.name = name;
        this.hash = hash;
        this.vocabSize = vocabSize;
        this.eosId = eosId;
        this.bosId = bosId;
        this.rust = rust;
    }

    /** Loads {@code path}: a tokenizer.json file, or a folder holding one (and maybe tokenizer_config.json). */
    public static HfTokenizer load(Path path) {
        Path file = Files.isDirectory(path) ? path.resolve("tokenizer.json") : path;
        if (!Files.isRegularFile(file)) {
            throw new UserError(file + ": no such tokenizer file; give a tokenizer.json, a folder holding one, "
                    + "or 'byte'");
        }
        byte[] bytes = readBytes(file);
        JsonNode json = parse(file, bytes);
        HuggingFaceTokenizer rust = rust(file, bytes, OPTIONS);
        Path dir = file.toAbsolutePath().getParent();
        Path config = dir.resolve("tokenizer_config.json");
        return new HfTokenizer(dir.getFileName().toString(), Hashing.sha256(bytes), vocabSize(json),
                eosId(json, config), bosId(json, config), rust);
    }

    /** The bytes of a tokenizer.json, or an error naming the file. */
    static byte[] readBytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UserError(file + ": not a readable tokenizer.json (" + e.getMessage() + ")", e);
        }
    }

    /** A tokenizer.json's JSON, or an error naming the file. */
    static JsonNode parse(Path file, byte[] bytes) {
        try {
            return Json.MAPPER.readTree(bytes);
        } catch (IOException e) {
            throw new UserError(file + ": not a readable tokenizer.json (" + e.getMessage().lines().findFirst()
                    .orElse("") + ")", e);
        }
    }

    /** The Rust tokenizer of a tokenizer.json's bytes with DJL {@code options}, offline; an error names the file. */
    static HuggingFaceTokenizer rust(Path file, byte[] bytes, Map<String, String> options) {
        System.setProperty("ai.djl.offline", "true");
        try {
            return HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(bytes), options);
        } catch (IOException | RuntimeException e) {
            throw new UserError(file + ": Hugging Face tokenizers cannot load it (" + e.getMessage() + ")", e);
        }
    }

    private static int vocabSize(JsonNode json) {
        int max = -1;
        for (Iterator<JsonNode> ids = json.path("model").path("vocab").elements(); ids.hasNext(); ) {
            JsonNode id = ids.next();
            if (id.isInt()) {
                max = Math.max(max, id.intValue());
            } else if (id.isArray() && id.size() == 2) {
                max++; // Unigram vocab: a list of [piece, score], ids are positions
            }
        }
        for (JsonNode added : json.path("added_tokens")) {
            max = Math.max(max, added.path("id").asInt(-1));
        }
        return max + 1;
    }

    private static int eosId(JsonNode json, Path config) {
        String eos = configToken(config, "eos_token");
        for (String candidate : eos != null ? List.of(eos) : EOS_CANDIDATES) {
            int id = tokenId(json, candidate);
            if (id >= 0) {
                return id;
            }
        }
        return -1;
    }

    private static int bosId(JsonNode json, Path config) {
        String bos = configToken(config, "bos_token");
        return bos == null ? -1 : tokenId(json, bos);
    }

    /** A special token that tokenizer_config.json names ({@code "eos_token": "</s>"} or {"content": …}), or null. */
    public static String configToken(Path config, String key) {
        if (!Files.isRegularFile(config)) {
            return null;
        }
        try {
            JsonNode token = Json.MAPPER.readTree(config.toFile()).path(key);
            return token.isTextual() ? token.asText() : token.path("content").asText(null);
        } catch (IOException e) {
            throw new UserError(config + ": not valid JSON (" + e.getMessage() + ")", e);
        }
    }

    /** The id of {@code token} in a tokenizer.json (its added tokens first, then the model's vocabulary), or -1. */
    static int tokenId(JsonNode json, String token) {
        for (JsonNode added : json.path("added_tokens")) {
            if (token.equals(added.path("content").asText())) {
                return added.path("id").asInt();
            }
        }
        JsonNode inVocab = json.path("model").path("vocab").path(token);
        return inVocab.isInt() ? inVocab.intValue() : -1;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String hash() {
        return hash;
    }

    @Override
    public int vocabSize() {
        return vocabSize;
    }

    @Override
    public int eosId() {
        return eosId;
    }

    @Override
    public int bosId() {
        return bosId;
    }

    @Override
    public int[] encode(String text) {
        return ints(rust.encode(text, false, false).getIds());
    }

    @Override
    public int[] encodeWithSpecialTokens(String text) {
        return ints(rust.encode(text, true, false).getIds());
    }

    private static int[] ints(long[] ids) {
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = (int) ids[i];
        }
        return out;
    }

    @Override
    public String decode(int[] ids) {
        return decode(ids, false);
    }

    /** The text of {@code ids}; with {@code skipSpecialTokens} the added tokens marked special are left out. */
    public String decode(int[] ids, boolean skipSpecialTokens) {
        long[] wide = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            wide[i] = ids[i];
        }
        return rust.decode(wide, skipSpecialTokens);
    }

    @Override
    public void close() {
        rust.close();
    }
}

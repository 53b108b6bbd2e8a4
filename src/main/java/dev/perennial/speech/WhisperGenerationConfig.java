package dev.perennial.speech;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.UserError;
import dev.perennial.io.Json;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Whisper checkpoint's {@code generation_config.json}, the keys that generation_whisper.py decodes with. Absent
 * lists are empty; an absent {@code no_timestamps_token_id} means the checkpoint cannot give timestamps.
 *
 * @param forcedDecoderIds older checkpoints' forced (position, token) pairs, e.g. openai/whisper-tiny's
 *                         [[1, null], [2, &lt;|transcribe|&gt;]] (a null token is -1); empty when absent
 * @param maxInitialTimestampIndex the latest first timestamp, in timestamp tokens (50: 1 s); -1 when absent
 * @param maxLength                the most tokens a sequence holds, prompt included
 * @param numBeams                 beams of the checkpoint's default search (num_beams; 1, greedy, when absent)
 */
public record WhisperGenerationConfig(int decoderStartTokenId, int eosTokenId, List<Integer> suppressTokens,
                                      List<Integer> beginSuppressTokens, int noTimestampsTokenId,
                                      boolean isMultilingual, Map<String, Integer> langToId,
                                      Map<String, Integer> taskToId, int maxInitialTimestampIndex,
                                      List<int[]> forcedDecoderIds, int maxLength, int numBeams) {

    public static final String FILE = "generation_config.json";

    /** Reads {@code path}: a generation_config.json, or the model folder holding one. */
    public static WhisperGenerationConfig read(Path path) {
        Path file = Files.isDirectory(path) ? path.resolve(FILE) : path;
        JsonNode root = Json.readModelFile(file, "no such file; a Whisper model folder holds its " + FILE
                + " (download it with the model)");
        return parse(root, file.toString());
    }

    /** Checks a parsed file; every bad key is reported at once, {@code where} naming the file. */
    public static WhisperGenerationConfig parse(JsonNode root, String where) {
        if (root == null || !root.isObject()) {
            throw new UserError(where + ": a generation config is a JSON object; fix the file");
        }
        Keys keys = new Keys(root, where);
        int start = keys.id("decoder_start_token_id", true);
        JsonNode eosNode = root.path("eos_token_id");
        int eos = eosNode.isArray() && !eosNode.isEmpty() ? keys.idOf("eos_token_id", eosNode.get(0))
                : keys.id("eos_token_id", true);
        List<Integer> suppress = keys.ids("suppress_tokens");
        List<Integer> beginSuppress = keys.ids("begin_suppress_tokens");
        int noTimestamps = keys.id("no_timestamps_token_id", false);
        boolean multilingual = keys.bool("is_multilingual");
        Map<String, Integer> langs = keys.map("lang_to_id");
        Map<String, Integer> tasks = keys.map("task_to_id");
        int maxInitial = keys.id("max_initial_timestamp_index", false);
        List<int[]> forced = keys.pairs("forced_decoder_ids");
        int maxLength = root.has("max_length") ? keys.id("max_length", true) : 448;
        int beams = root.has("num_beams") ? keys.id("num_beams", true) : 1;
        if (multilingual && langs.isEmpty()) {
            keys.problems.add(where + ": is_multilingual is true but lang_to_id is missing; use the checkpoint's own "
                    + FILE);
        }
        if (!keys.problems.isEmpty()) {
            throw new UserError(keys.problems, null);
        }
        return new WhisperGenerationConfig(start, eos, suppress, beginSuppress, noTimestamps, multilingual, langs,
                tasks, maxInitial, forced, maxLength, Math.max(1, beams));
    }

    /** Whether the checkpoint has timestamp tokens (they follow {@code <|notimestamps|>}). */
    public boolean hasTimestamps() {
        return noTimestampsTokenId >= 0;
    }

    /** The first timestamp token, {@code <|0.00|>}: no_timestamps_token_id + 1. */
    public int timestampBegin() {
        return noTimestampsTokenId + 1;
    }

    /** Reads keys, collecting a line per bad one. */
    private static final class Keys {
        final JsonNode root;
        final String where;
        final List<String> problems = new ArrayList<>();

        Keys(JsonNode root, String where) {
            this.root = root;
            this.where = where;
        }

        int id(String key, boolean required) {
            JsonNode n = root.get(key);
            if (n == null || n.isNull()) {
                if (required) {
                    problems.add(where + ": " + key + " is missing; use the checkpoint's own " + FILE);
                }
                return -1;
            }
            return idOf(key, n);
        }

        int idOf(String key, JsonNode n) {
            if (!n.isIntegralNumber() || !n.canConvertToInt() || n.intValue() < 0) {
                problems.add(where + ": " + key + " is " + n + ", not a whole number of at least 0");
                return -1;
            }
            return n.intValue();
        }

        List<Integer> ids(String key) {
            JsonNode n = root.get(key);
            List<Integer> out = new ArrayList<>();
            if (n == null || n.isNull()) {
                return out;
            }
            if (!n.isArray()) {
                problems.add(where + ": " + key + " is " + n + ", not a list of token ids");
                return out;
            }
            for (JsonNode id : n) {
                out.add(idOf(key, id));
            }
            return List.copyOf(out);
        }

        boolean bool(String key) {
            JsonNode n = root.get(key);
            if (n == null || n.isNull()) {
                return false;
            }
            if (!n.isBoolean()) {
                problems.add(where + ": " + key + " is " + n + ", not true or false");
            }
            return n.asBoolean();
        }

        Map<String, Integer> map(String key) {
            JsonNode n = root.get(key);
            Map<String, Integer> out = new LinkedHashMap<>();
            if (n == null || n.isNull()) {
                return out;
            }
            if (!n.isObject()) {
                problems.add(where + ": " + key + " is " + n + ", not an object of token ids");
                return out;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                out.put(e.getKey(), idOf(key + "." + e.getKey(), e.getValue()));
            }
            return java.util.Collections.unmodifiableMap(out);
        }

        List<int[]> pairs(String key) {
            JsonNode n = root.get(key);
            List<int[]> out = new ArrayList<>();
            if (n == null || n.isNull()) {
                return out;
            }
            for (JsonNode pair : n.isArray() ? n : Json.MAPPER.createArrayNode().add(n)) {
                if (!pair.isArray() || pair.size() != 2) {
                    problems.add(where + ": " + key + " holds " + pair + ", not a [position, token id] pair");
                    continue;
                }
                // a null token (whisper-tiny's [1, null]) leaves the language to be detected: -1
                out.add(new int[] {idOf(key, pair.get(0)), pair.get(1).isNull() ? -1 : idOf(key, pair.get(1))});
            }
            return List.copyOf(out);
        }
    }
}

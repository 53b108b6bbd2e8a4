package dev.perennial.speech;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.io.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** The cases tools/reference/whisper_longform.py wrote, and its toy tokenizer rebuilt from them. */
final class LongformCases {

    static final Path FILE = Path.of("src/test/resources/reference/whisper_longform/cases.json");
    static final JsonNode ROOT = read();
    static final JsonNode VOCABULARY = ROOT.get("vocabulary");

    private LongformCases() {
    }

    static SpecialTokens specials() {
        int first = VOCABULARY.get("first_special").asInt();
        List<String> names = strings(VOCABULARY.get("specials"));
        Set<Integer> ids = new HashSet<>();
        Map<Integer, String> languages = new HashMap<>();
        for (int i = 0; i < names.size(); i++) {
            ids.add(first + i);
            String code = names.get(i).substring(2, names.get(i).length() - 2);
            if (VOCABULARY.get("languages").has(code)) {
                languages.put(first + i, VOCABULARY.get("languages").get(code).asText());
            }
        }
        return new SpecialTokens(ids, first + names.indexOf("<|startofprev|>"),
                first + names.indexOf("<|startoftranscript|>"), VOCABULARY.get("timestamp_begin").asInt(), languages);
    }

    /** The toy tokenizer: a word id decodes to its word. */
    static TokenText text() {
        List<String> words = strings(VOCABULARY.get("words"));
        return ids -> ids.stream().map(words::get).collect(Collectors.joining());
    }

    static TranscriptMerger merger() {
        return new TranscriptMerger(specials(), text(), VOCABULARY.get("time_precision").asDouble());
    }

    static List<WindowTokens> windows(JsonNode mergeCase) {
        List<WindowTokens> windows = new ArrayList<>();
        for (JsonNode w : mergeCase.get("windows")) {
            List<Integer> tokens = new ArrayList<>();
            w.get("tokens").forEach(t -> tokens.add(t.asInt()));
            JsonNode s = w.get("stride");
            windows.add(s.isNull() ? WindowTokens.unchunked(tokens)
                    : new WindowTokens(tokens, new Stride(s.get(0).asDouble(), s.get(1).asDouble(), s.get(2).asDouble())));
        }
        return windows;
    }

    static double time(JsonNode t) {
        return t.isNull() ? Double.NaN : t.asDouble();
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static JsonNode read() {
        try {
            return Json.MAPPER.readTree(FILE.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package dev.perennial.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.UserError;
import dev.perennial.io.Json;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * transformers' VitsTokenizer (tokenization_vits.py) for character vocabularies (facebook/mms-tts-*): with
 * {@code normalize}, the text is lowercased except where a vocabulary entry matches as written, the characters not
 * in vocab.json are dropped and the ends stripped; each character is one id; with {@code add_blank}, id 0 goes
 * before, between and after them. A tokenizer_config.json with {@code phonemize: true} (kakao-enterprise/vits-ljs)
 * needs espeak-ng phonemes through the phonemizer package, which is not reproduced: it is refused.
 */
public final class VitsTokenizer {

    private final Map<String, Integer> vocab;
    private final List<String> matchFirst;
    private final boolean normalize;
    private final boolean addBlank;

    private VitsTokenizer(Map<String, Integer> vocab, List<String> matchFirst, boolean normalize, boolean addBlank) {
        this.vocab = vocab;
        this.matchFirst = matchFirst;
        this.normalize = normalize;
        this.addBlank = addBlank;
    }

    /** The tokenizer of model folder {@code dir}: vocab.json and tokenizer_config.json. */
    public static VitsTokenizer load(Path dir) {
        Path vocabFile = dir.resolve("vocab.json");
        Path configFile = dir.resolve("tokenizer_config.json");
        JsonNode config = read(configFile, "VITS's tokenizer settings (normalize, add_blank, phonemize)");
        if (config.path("phonemize").asBoolean(true)) {
            throw new UserError(configFile + ": phonemize is true: this model reads espeak-ng phonemes (the phonemizer "
                    + "package), which Perennial does not produce; use a model whose tokenizer reads characters, "
                    + "such as facebook/mms-tts-eng");
        }
        JsonNode vocabJson = read(vocabFile, "the characters the model reads");
        Map<String, Integer> vocab = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = vocabJson.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().canConvertToInt() || e.getValue().asInt() < 0) {
                throw new UserError(vocabFile + ": \"" + e.getKey() + "\" maps to " + e.getValue()
                        + ", not a token id");
            }
            vocab.put(e.getKey(), e.getValue().asInt());
        }
        if (!vocab.containsValue(0)) {
            throw new UserError(vocabFile + ": no character has id 0, the blank VITS puts between characters");
        }
        // normalize_text matches the vocabulary, then the added (special) tokens, before lowercasing
        List<String> matchFirst = new ArrayList<>(vocab.keySet());
        for (String special : List.of("pad_token", "unk_token")) {
            String token = config.path(special).asText("");
            if (!token.isEmpty() && !vocab.containsKey(token)) {
                matchFirst.add(token);
            }
        }
        return new VitsTokenizer(Map.copyOf(vocab), List.copyOf(matchFirst), config.path("normalize").asBoolean(true),
                config.path("add_blank").asBoolean(true));
    }

    private static JsonNode read(Path file, String what) {
        JsonNode json = Json.readModelFile(file, "no such file; a VITS model folder holds it (" + what + ")");
        if (json == null || !json.isObject()) {
            throw new UserError(file + ": not a JSON object");
        }
        return json;
    }

    /** The text as the model reads it: normalised and filtered (prepare_for_tokenization). */
    public String prepare(String text) {
        if (!normalize) {
            return text;
        }
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            String match = null;
            for (String word : matchFirst) {
                if (text.startsWith(word, i)) {
                    match = word;
                    break;
                }
            }
            if (match != null) {
                out.append(match);
                i += match.length();
            } else {
                int cp = text.codePointAt(i);
                out.append(new String(Character.toChars(cp)).toLowerCase(java.util.Locale.ROOT));
                i += Character.charCount(cp);
            }
        }
        StringBuilder kept = new StringBuilder();
        out.codePoints().mapToObj(Character::toString).filter(vocab::containsKey).forEach(kept::append);
        return kept.toString().strip();
    }

    /** The ids of {@code text}; a character outside the vocabulary (without normalize) is refused, naming it. */
    public long[] encode(String text) {
        String prepared = prepare(text);
        List<Long> ids = new ArrayList<>();
        prepared.codePoints().mapToObj(Character::toString).forEach(ch -> {
            Integer id = vocab.get(ch);
            if (id == null) {
                throw new UserError("the text holds '" + ch + "', which the model's vocab.json does not have");
            }
            if (addBlank) {
                ids.add(0L);
            }
            ids.add(id.longValue());
        });
        if (addBlank) {
            ids.add(0L);
        }
        return ids.stream().mapToLong(Long::longValue).toArray();
    }
}

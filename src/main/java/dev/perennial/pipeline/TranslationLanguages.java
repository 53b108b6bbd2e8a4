package dev.perennial.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.EditDistance;
import dev.perennial.UserError;
import dev.perennial.io.Json;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The languages an NLLB tokenizer knows: its special added tokens spelled as FLORES-200 codes ({@code eng_Latn},
 * {@code fra_Latn}: tokenization_nllb.py FAIRSEQ_LANGUAGE_CODES), each with its token id. A code it lacks is refused
 * with the closest one, and common ISO 639-1 codes and English names ("fr", "French") are pointed to their code.
 *
 * @param legacyLayout tokenizer_config.json's legacy_behaviour: the code after the text's {@code </s>}, not before
 *                     the text
 */
record TranslationLanguages(Map<String, Integer> ids, boolean legacyLayout) {

    private static final Pattern FLORES = Pattern.compile("[a-z]{3}_[A-Z][a-z]{3}");

    /** ISO 639-1 codes and English names of widely used languages, with their FLORES-200 codes. */
    private static final Map<String, String> HINTS = hints(
            "en english eng_Latn", "fr french fra_Latn", "de german deu_Latn", "es spanish spa_Latn",
            "it italian ita_Latn", "pt portuguese por_Latn", "nl dutch nld_Latn", "ru russian rus_Cyrl",
            "zh chinese zho_Hans", "ja japanese jpn_Jpan", "ko korean kor_Hang", "ar arabic arb_Arab",
            "hi hindi hin_Deva", "tr turkish tur_Latn", "pl polish pol_Latn", "uk ukrainian ukr_Cyrl",
            "sv swedish swe_Latn", "el greek ell_Grek", "he hebrew heb_Hebr", "vi vietnamese vie_Latn",
            "id indonesian ind_Latn", "fa persian pes_Arab", "bn bengali ben_Beng", "sw swahili swh_Latn",
            "cs czech ces_Latn", "ro romanian ron_Latn", "hu hungarian hun_Latn", "fi finnish fin_Latn",
            "da danish dan_Latn", "th thai tha_Thai");

    /** The language codes of {@code dir}'s tokenizer.json and its layout; an error when it has none. */
    static TranslationLanguages read(Path dir) {
        Path file = dir.resolve("tokenizer.json");
        JsonNode json = Json.readModelFile(file, "no such file; translation needs the model's tokenizer.json");
        Map<String, Integer> ids = new LinkedHashMap<>();
        for (JsonNode added : json.path("added_tokens")) {
            String content = added.path("content").asText();
            if (added.path("special").asBoolean() && FLORES.matcher(content).matches()) {
                ids.put(content, added.path("id").asInt());
            }
        }
        if (ids.isEmpty()) {
            throw new UserError(file + ": no language codes (special tokens such as eng_Latn); translation runs "
                    + "NLLB models, whose tokenizer names its languages by FLORES-200 codes");
        }
        Path config = dir.resolve("tokenizer_config.json");
        boolean legacy = Files.isRegularFile(config) && Json.readModelFile(config, "no such file")
                .path("legacy_behaviour").asBoolean(false);
        return new TranslationLanguages(Map.copyOf(ids), legacy);
    }

    /** The token id of language {@code code}; {@code field} (src_lang, tgt_lang) names it in the error. */
    int id(String field, String code) {
        Integer id = ids.get(code);
        if (id != null) {
            return id;
        }
        throw new PipelineInputError(field + " '" + code + "' is not a language of this model; " + suggestion(code)
                + " (its " + ids.size() + " languages are FLORES-200 codes, e.g. "
                + String.join(", ", ids.keySet().stream().sorted().limit(4).toList()) + ")");
    }

    /** "did you mean 'fra_Latn'?": the hinted code of a name or ISO code, else the closest by edit distance. */
    private String suggestion(String typed) {
        String lower = typed.toLowerCase(Locale.ROOT).strip();
        String hinted = HINTS.get(lower);
        if (hinted == null && lower.length() == 3) {
            hinted = ids.keySet().stream().filter(c -> c.startsWith(lower + "_")).sorted().findFirst().orElse(null);
        }
        if (hinted != null && ids.containsKey(hinted)) {
            return "did you mean '" + hinted + "'?";
        }
        String closest = ids.keySet().stream().min(Comparator.comparingInt((String c) -> EditDistance.between(
                c.toLowerCase(Locale.ROOT), lower)).thenComparing(c -> c)).orElseThrow();
        return "did you mean '" + closest + "'?";
    }

    private static Map<String, String> hints(String... rows) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String row : rows) {
            String[] parts = row.split(" ");
            out.put(parts[0], parts[2]);
            out.put(parts[1], parts[2]);
        }
        return Map.copyOf(out);
    }
}

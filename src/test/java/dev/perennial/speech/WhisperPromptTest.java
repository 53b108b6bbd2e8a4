package dev.perennial.speech;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.UserError;
import dev.perennial.io.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The decoder prompts of generation_whisper.py's _retrieve_init_tokens, on the ids of the real English-only and
 * multilingual vocabularies (openai/whisper-tiny's generation config: sot 50258, &lt;|en|&gt; 50259, &lt;|de|&gt;
 * 50261, translate 50358, transcribe 50359, notimestamps 50363; distil-small.en's: sot 50257, notimestamps 50362),
 * and the generation config's errors.
 */
class WhisperPromptTest {

    static final String MULTILINGUAL = """
            {"decoder_start_token_id": 50258, "eos_token_id": 50257, "is_multilingual": true,
             "lang_to_id": {"<|en|>": 50259, "<|de|>": 50261, "<|fr|>": 50265},
             "task_to_id": {"transcribe": 50359, "translate": 50358}, "no_timestamps_token_id": 50363,
             "forced_decoder_ids": [[1, null], [2, 50359]], "suppress_tokens": [1, 2], "begin_suppress_tokens": [220],
             "max_initial_timestamp_index": 50, "max_length": 448}""";
    static final String ENGLISH = """
            {"decoder_start_token_id": 50257, "eos_token_id": 50256, "is_multilingual": false,
             "no_timestamps_token_id": 50362, "max_initial_timestamp_index": 50, "max_length": 448,
             "begin_suppress_tokens": [220, 50256], "suppress_tokens": [1, 2, 50257]}""";

    @TempDir
    Path tmp;

    @Test
    void englishOnlyPromptsAreStartAndNoTimestamps() throws IOException {
        WhisperGenerationConfig gen = parse(ENGLISH);
        assertThat(WhisperPrompt.tokens(gen, DecodingOptions.greedy())).containsExactly(50257, 50362);
        assertThat(WhisperPrompt.tokens(gen, DecodingOptions.greedy().withTimestamps(true))).containsExactly(50257);
        assertThat(gen.timestampBegin()).isEqualTo(50363);
    }

    @Test
    void multilingualPromptsHoldLanguageAndTask() throws IOException {
        WhisperGenerationConfig gen = parse(MULTILINGUAL);
        assertThat(WhisperPrompt.tokens(gen, DecodingOptions.greedy().withLanguage("de", null)))
                .containsExactly(50258, 50261, 50359, 50363);
        assertThat(WhisperPrompt.tokens(gen, DecodingOptions.greedy().withLanguage("<|fr|>", "translate")
                .withTimestamps(true))).containsExactly(50258, 50265, 50358);
        // no language: its place is kept for detection; the forced transcribe stays
        assertThat(WhisperPrompt.tokens(gen, DecodingOptions.greedy()))
                .containsExactly(50258, WhisperPrompt.LANGUAGE_TO_DETECT, 50359, 50363);
    }

    @Test
    void aLanguageIsDetectedWhereverLangToIdIsAndNoTaskFollowsIt() throws IOException {
        // _retrieve_init_tokens: detect_language whenever the generation config has lang_to_id, is_multilingual or
        // not; transcribe is appended only after a language that was given
        String langs = "\"lang_to_id\": {\"<|en|>\": 50259, \"<|de|>\": 50261}, "
                + "\"task_to_id\": {\"transcribe\": 50359, \"translate\": 50358}, ";
        WhisperGenerationConfig english = parse(ENGLISH.replace("{", "{" + langs));
        assertThat(WhisperPrompt.tokens(english, DecodingOptions.greedy()))
                .containsExactly(50257, WhisperPrompt.LANGUAGE_TO_DETECT, 50362);
        assertThat(WhisperPrompt.tokens(english, DecodingOptions.greedy().withTimestamps(true)))
                .containsExactly(50257, WhisperPrompt.LANGUAGE_TO_DETECT);
        WhisperGenerationConfig unforced = parse(MULTILINGUAL.replace("\"forced_decoder_ids\": [[1, null], [2, 50359]],",
                ""));
        assertThat(WhisperPrompt.tokens(unforced, DecodingOptions.greedy()))
                .containsExactly(50258, WhisperPrompt.LANGUAGE_TO_DETECT, 50363);
        assertThat(WhisperPrompt.tokens(unforced, DecodingOptions.greedy().withLanguage("de", null)))
                .containsExactly(50258, 50261, 50359, 50363);
        assertThat(WhisperPrompt.tokens(unforced, DecodingOptions.greedy().withLanguage(null, "translate")))
                .containsExactly(50258, WhisperPrompt.LANGUAGE_TO_DETECT, 50358, 50363);
        assertThat(WhisperPrompt.tokens(parse(ENGLISH), DecodingOptions.greedy())).containsExactly(50257, 50362);
    }

    @Test
    void anUnknownLanguageOrTaskIsOneLineListingTheChoices() throws IOException {
        WhisperGenerationConfig gen = parse(MULTILINGUAL);
        assertThatThrownBy(() -> WhisperPrompt.tokens(gen, DecodingOptions.greedy().withLanguage("xx", null)))
                .isInstanceOf(UserError.class).hasMessageContaining("--language xx")
                .hasMessageContaining("lang_to_id").hasMessageContaining("de, en, fr");
        assertThatThrownBy(() -> WhisperPrompt.tokens(gen, DecodingOptions.greedy().withLanguage("en", "summarise")))
                .isInstanceOf(UserError.class).hasMessageContaining("--task summarise")
                .hasMessageContaining("transcribe or translate");
        assertThatThrownBy(() -> WhisperPrompt.tokens(parse(ENGLISH), DecodingOptions.greedy()
                .withLanguage(null, "translate"))).isInstanceOf(UserError.class).hasMessageContaining("English-only");
    }

    @Test
    void badKeysAreNamedWithTheFile() throws IOException {
        Path file = tmp.resolve("generation_config.json");
        Files.writeString(file, """
                {"eos_token_id": 50256, "suppress_tokens": "all", "is_multilingual": true}""");
        assertThatThrownBy(() -> WhisperGenerationConfig.read(tmp)).isInstanceOf(UserError.class)
                .satisfies(e -> assertThat(((UserError) e).problems()).anySatisfy(p -> assertThat(p)
                        .contains("generation_config.json").contains("decoder_start_token_id is missing"))
                        .anySatisfy(p -> assertThat(p).contains("suppress_tokens"))
                        .anySatisfy(p -> assertThat(p).contains("lang_to_id is missing")));
        Files.delete(file);
        assertThatThrownBy(() -> WhisperGenerationConfig.read(tmp)).isInstanceOf(UserError.class)
                .hasMessageContaining("generation_config.json: no such file");
    }

    private static WhisperGenerationConfig parse(String json) throws IOException {
        JsonNode node = Json.MAPPER.readTree(json);
        return WhisperGenerationConfig.parse(node, "generation_config.json");
    }
}

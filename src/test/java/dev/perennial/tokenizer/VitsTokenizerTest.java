package dev.perennial.tokenizer;

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

/** VitsTokenizer against tools/reference/vits.py's port of transformers' tokenization_vits.py. */
class VitsTokenizerTest {

    static final Path REF = Path.of("src/test/resources/reference/vits");

    @TempDir
    Path tmp;

    @Test
    void idsMatchTheReferenceForMixedCasePunctuationAndForeignLetters() throws Exception {
        VitsTokenizer tokenizer = VitsTokenizer.load(REF);
        JsonNode cases = Json.MAPPER.readTree(REF.resolve("tokenizer_cases.json").toFile());
        assertThat(cases.size()).isEqualTo(4);
        for (JsonNode c : cases) {
            long[] ids = new long[c.get("ids").size()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = c.get("ids").get(i).asLong();
            }
            assertThat(tokenizer.encode(c.get("text").asText())).as(c.get("text").asText()).isEqualTo(ids);
        }
    }

    @Test
    void normalizingLowercasesDropsUnknownCharactersAndInterleavesBlanks() {
        VitsTokenizer tokenizer = VitsTokenizer.load(REF);
        assertThat(tokenizer.prepare(" Hi, Bob! ")).isEqualTo("hi bob");
        long[] ids = tokenizer.encode("ab");
        assertThat(ids).hasSize(5);
        assertThat(ids[0]).isZero();
        assertThat(ids[2]).isZero();
        assertThat(ids[4]).isZero();
    }

    @Test
    void aPhonemizingTokenizerIsRefusedNamingTheSettingAndAnAlternative() throws IOException {
        Files.copy(REF.resolve("vocab.json"), tmp.resolve("vocab.json"));
        Files.writeString(tmp.resolve("tokenizer_config.json"), "{\"phonemize\": true, \"add_blank\": true}");
        assertThatThrownBy(() -> VitsTokenizer.load(tmp)).isInstanceOf(UserError.class)
                .hasMessageContaining("phonemize is true").hasMessageContaining("facebook/mms-tts-eng");
    }

    @Test
    void aMissingVocabularyIsNamed() throws IOException {
        Files.writeString(tmp.resolve("tokenizer_config.json"), "{\"phonemize\": false}");
        assertThatThrownBy(() -> VitsTokenizer.load(tmp)).isInstanceOf(UserError.class)
                .hasMessageContaining("vocab.json: no such file");
    }
}

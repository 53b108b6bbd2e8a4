package dev.perennial.cli;

import dev.perennial.io.Json;
import dev.perennial.pipeline.TranslationTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code perennial pipeline translation} on the tiny NLLB of tools/reference/m2m100.py. */
class TranslationCliTest {

    static final String MODEL = TranslationTest.MODEL.toString();

    @TempDir
    Path dir;

    @Test
    void aTextAndAJsonlFileGetTheReferenceTranslation() throws Exception {
        String[] c = TranslationTest.englishToFrench();
        CliTest.Result text = CliTest.run("pipeline", "translation", "--model", MODEL, "--src-lang", "eng_Latn",
                "--tgt-lang", "fra_Latn", "--text", c[0]);
        assertThat(text.code()).as(text.err()).isZero();
        assertThat(text.out()).isEqualTo(c[1] + System.lineSeparator());

        Files.writeString(dir.resolve("in.jsonl"), Json.MAPPER.writeValueAsString(Map.of("text", c[0], "src_lang",
                "eng_Latn", "tgt_lang", "fra_Latn")) + "\n");
        CliTest.Result file = CliTest.run("pipeline", "translation", "--model", MODEL, "--input",
                dir.resolve("in.jsonl").toString());
        assertThat(file.code()).as(file.err()).isZero();
        assertThat(Json.MAPPER.readTree(file.out()).path("translation_text").asText()).isEqualTo(c[1]);
    }

    @Test
    void aLanguageNameIsOneLineWithTheCodeMeant() {
        CliTest.Result r = CliTest.run("pipeline", "translation", "--model", MODEL, "--src-lang", "English",
                "--tgt-lang", "fra_Latn", "--text", "a cat");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("src_lang 'English'").contains("did you mean 'eng_Latn'?");
        assertThat(r.err().strip().lines()).hasSize(1);
    }

    @Test
    void noLanguagesIsOneLineSayingWhatToGive() {
        CliTest.Result r = CliTest.run("pipeline", "translation", "--model", MODEL, "--text", "a cat");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("translation needs --src-lang CODE, --tgt-lang CODE and --text");
    }
}

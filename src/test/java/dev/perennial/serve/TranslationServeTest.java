package dev.perennial.serve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.pipeline.TranslationTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;

import static dev.perennial.serve.ServeApiTest.json;
import static dev.perennial.serve.ServeApiTest.post;
import static org.assertj.core.api.Assertions.assertThat;

/** POST /api/pipeline/translation on the tiny NLLB of tools/reference/m2m100.py. */
class TranslationServeTest {

    @RegisterExtension
    static final ServedFolders SERVED = ServedFolders.of("nllb", TranslationTest.MODEL).limitedTo(
            new ServeOptions.Limits(4 << 20, 1024, 4, 32, 2));

    @Test
    void aTextGetsTheReferenceTranslation() throws Exception {
        String[] c = TranslationTest.englishToFrench();
        HttpResponse<String> response = post(SERVED.server(), "/api/pipeline/translation", "{\"model\": \"nllb\", "
                + "\"inputs\": {\"text\": " + ServeApiTest.JSON.writeValueAsString(c[0])
                + ", \"src_lang\": \"eng_Latn\", \"tgt_lang\": \"fra_Latn\"}}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode result = json(response).path("results").get(0);
        assertThat(result.path("translation_text").asText()).isEqualTo(c[1]);
    }

    @Test
    void anUnknownLanguageIsA400NamingTheField() throws Exception {
        HttpResponse<String> response = post(SERVED.server(), "/api/pipeline/translation", "{\"model\": \"nllb\", "
                + "\"inputs\": {\"text\": \"a cat\", \"src_lang\": \"eng_Latn\", \"tgt_lang\": \"fr\"}}");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("tgt_lang 'fr'").contains("fra_Latn");
    }
}

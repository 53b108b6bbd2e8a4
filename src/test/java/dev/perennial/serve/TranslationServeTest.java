package dev.perennial.serve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.pipeline.TranslationTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;

import static dev.perennial.serve.ServeApiTest.json;
import static dev.perennial.serve.ServeApiTest.post;
import static org.assertj.core.api.Assertions.assertThat;

/** POST /api/pipeline/translation on the tiny NLLB of tools/reference/m2m100.py. */
class TranslationServeTest {

    @TempDir
    static Path models;

    static WebServer server;

    @BeforeAll
    static void start() throws Exception {
        PipelineApiTest.copy(TranslationTest.MODEL, models.resolve("nllb"));
        ServeOptions.Limits limits = new ServeOptions.Limits(4 << 20, 1024, 4, 32, 2);
        server = WebServer.start(new ServeOptions(List.of(), List.of(models), "127.0.0.1", 0, null, limits));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aTextGetsTheReferenceTranslation() throws Exception {
        String[] c = TranslationTest.englishToFrench();
        HttpResponse<String> response = post(server, "/api/pipeline/translation", "{\"model\": \"nllb\", "
                + "\"inputs\": {\"text\": " + ServeApiTest.JSON.writeValueAsString(c[0])
                + ", \"src_lang\": \"eng_Latn\", \"tgt_lang\": \"fra_Latn\"}}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode result = json(response).path("results").get(0);
        assertThat(result.path("translation_text").asText()).isEqualTo(c[1]);
    }

    @Test
    void anUnknownLanguageIsA400NamingTheField() throws Exception {
        HttpResponse<String> response = post(server, "/api/pipeline/translation", "{\"model\": \"nllb\", "
                + "\"inputs\": {\"text\": \"a cat\", \"src_lang\": \"eng_Latn\", \"tgt_lang\": \"fr\"}}");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("tgt_lang 'fr'").contains("fra_Latn");
    }
}

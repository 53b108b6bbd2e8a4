package dev.perennial.serve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.pipeline.SummarizationTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.util.List;

import static dev.perennial.serve.ServeApiTest.JSON;
import static dev.perennial.serve.ServeApiTest.json;
import static dev.perennial.serve.ServeApiTest.post;
import static org.assertj.core.api.Assertions.assertThat;

/** POST /api/pipeline/summarization on the tiny BART of tools/reference/bart.py. */
class SummarizationServeTest {

    @RegisterExtension
    static final ServedFolders SERVED = ServedFolders.of("bart", SummarizationTest.MODEL).limitedTo(
            new ServeOptions.Limits(4 << 20, 1024, 4, 32, 2));

    @Test
    void textsGetTheReferenceSummariesInOrder() throws Exception {
        List<String[]> cases = SummarizationTest.cases();
        String inputs = JSON.writeValueAsString(cases.stream().map(c -> java.util.Map.of("text", c[0])).toList());
        HttpResponse<String> response = post(SERVED.server(), "/api/pipeline/summarization",
                "{\"model\": \"bart\", \"inputs\": " + inputs + "}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode results = json(response).path("results");
        assertThat(results).hasSize(2);
        for (int i = 0; i < cases.size(); i++) {
            assertThat(results.get(i).path("summary_text").asText()).isEqualTo(cases.get(i)[1]);
            assertThat(results.get(i).path("truncated").asBoolean()).isFalse();
        }
    }

    @Test
    void aRequestWithoutTextNamesTheField() throws Exception {
        HttpResponse<String> response = post(SERVED.server(), "/api/pipeline/summarization",
                "{\"model\": \"bart\", \"inputs\": {\"txt\": \"a storm\"}}");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("txt");
    }
}

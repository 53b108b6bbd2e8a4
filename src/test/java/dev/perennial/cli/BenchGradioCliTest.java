package dev.perennial.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.io.Json;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code perennial bench gradio} prints what it measured; timings are reported, never asserted. */
class BenchGradioCliTest {

    @Test
    void theTinyMiniLmIsTimedDirectAndThroughAServedAppAsJson() throws Exception {
        CliTest.Result r = CliTest.run("bench", "gradio", "--model", "src/test/resources/reference/minilm",
                "--requests", "4", "--clients", "2", "--warmup", "1", "--format", "json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode json = Json.MAPPER.readTree(r.out());
        assertThat(json.get("model").asText()).isEqualTo("minilm");
        assertThat(json.get("requests").asInt()).isEqualTo(4);
        assertThat(json.get("direct_ms_median").asDouble()).isPositive();
        assertThat(json.get("gradio_ms_median").asDouble()).isPositive();
        assertThat(json.get("concurrent_requests_per_second").asDouble()).isPositive();
    }

    @Test
    void aFolderWithoutAModelIsRefusedInOneLine() {
        CliTest.Result r = CliTest.run("bench", "gradio", "--model", "src/test/resources");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--model").contains("config.json").doesNotContain("Exception");
    }
}

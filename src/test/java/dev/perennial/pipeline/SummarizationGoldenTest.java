package dev.perennial.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.GoldenFiles;
import dev.perennial.io.Json;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Perennial's summarization against transformers' summarization pipeline itself (tools/make_golden.py --text2text):
 * facebook/bart-large-cnn and the tiny BART folder on a fixed article. Skipped, with the reason, when the golden
 * file or the checkpoint is missing.
 */
class SummarizationGoldenTest {

    static final Path GOLDEN = Path.of("src/test/resources/golden/text2text/text2text.json");
    static final String HOW = "run tools/make_golden.py --text2text src/test/resources/golden where transformers is "
            + "installed, and commit the output";

    @Test
    void theTinyFolderSummarizesAsTransformersPipeline() throws Exception {
        check("tiny");
    }

    @Test
    void bartLargeCnnSummarizesAsTransformersPipeline() throws Exception {
        check("bart-large-cnn");
    }

    private static void check(String run) throws Exception {
        JsonNode g = GoldenFiles.entry(GOLDEN, "runs", HOW);
        JsonNode entry = g.path(run);
        assumeTrue(!entry.isMissingNode(), "no " + run + " run in text2text.json (the model was not available to "
                + "make_golden.py)");
        String model = entry.path("model").asText();
        String dir = model.startsWith("reference/") ? Path.of("src/test/resources").resolve(model).toString()
                : GoldenFiles.cached(model).toString();
        String article = Json.MAPPER.readTree(GOLDEN.toFile()).path("article").asText();
        try (var summarize = Pipeline.forTask(Task.SUMMARIZATION, dir)) {
            assertThat(summarize.run(new Inputs.Text(article)).summaryText()).as(run)
                    .isEqualTo(entry.path("summary_text").asText());
        }
    }
}

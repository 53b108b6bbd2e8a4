package dev.perennial.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.GoldenFiles;
import dev.perennial.io.Json;
import dev.perennial.tokenizer.HfTokenizer;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Perennial's translation against transformers' translation pipeline itself (tools/make_golden.py --translation):
 * facebook/nllb-200-distilled-600M and the tiny NLLB folder, fixed English sentences into French. Skipped, with the
 * reason, when the golden file or the checkpoint is missing.
 */
class TranslationGoldenTest {

    static final Path GOLDEN = Path.of("src/test/resources/golden/text2text/translation.json");
    static final String HOW = "run tools/make_golden.py --translation src/test/resources/golden where transformers is "
            + "installed, and commit the output";

    @Test
    void theTinyFolderTranslatesAsTransformersPipeline() throws Exception {
        check("tiny");
    }

    @Test
    void nllbDistilled600mTranslatesAsTransformersPipeline() throws Exception {
        check("nllb-200-distilled-600M");
    }

    private static void check(String run) throws Exception {
        JsonNode entry = GoldenFiles.entry(GOLDEN, "runs", HOW).path(run);
        assumeTrue(!entry.isMissingNode(), "no " + run + " run in translation.json (the model was not available to "
                + "make_golden.py)");
        String model = entry.path("model").asText();
        String dir = model.startsWith("reference/") ? Path.of("src/test/resources").resolve(model).toString()
                : GoldenFiles.cached(model).toString();
        JsonNode golden = Json.MAPPER.readTree(GOLDEN.toFile());
        try (var translate = Pipeline.forTask(Task.TRANSLATION, dir);
             HfTokenizer tokenizer = HfTokenizer.load(Path.of(dir))) {
            for (int i = 0; i < golden.path("texts").size(); i++) {
                Inputs.Translation input = new Inputs.Translation(golden.path("texts").get(i).asText(),
                        golden.path("src_lang").asText(), golden.path("tgt_lang").asText());
                int[] ids = Json.MAPPER.treeToValue(entry.path("input_ids").get(i), int[].class);
                // NllbTokenizer: [src_lang] text </s>
                assertThat(tokenizer.encode(input.text())).as(run + " text ids " + i)
                        .containsExactly(Arrays.copyOfRange(ids, 1, ids.length - 1));
                assertThat(translate.run(input).translationText()).as(run + " text " + i)
                        .isEqualTo(entry.path("translation_texts").get(i).asText());
            }
        }
    }
}

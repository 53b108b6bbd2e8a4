package dev.perennial.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.GoldenFiles;
import dev.perennial.image.ImageFiles;
import dev.perennial.image.RgbImage;
import dev.perennial.io.Json;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Perennial's BLIP tasks against transformers itself (tools/make_golden.py --blip): Salesforce/blip-image-captioning-
 * base, blip-vqa-base and blip-itm-base-coco, and the tiny folders of tools/reference/blip.py, on one drawn image.
 * Skipped, with the reason, when the golden file or a checkpoint is missing.
 */
class BlipGoldenTest {

    static final Path DIR = Path.of("src/test/resources/golden/blip");
    static final Path GOLDEN = DIR.resolve("blip.json");
    static final String HOW = "run tools/make_golden.py --blip src/test/resources/golden where transformers is "
            + "installed, and commit the output";

    @Test
    void tinyCaptionsAreTransformers() throws Exception {
        captions("caption-tiny");
    }

    @Test
    void captionsAreTransformers() throws Exception {
        captions("caption");
    }

    @Test
    void tinyAnswersAreTransformers() throws Exception {
        answer("vqa-tiny");
    }

    @Test
    void answersAreTransformers() throws Exception {
        answer("vqa");
    }

    @Test
    void tinyMatchesAreTransformers() throws Exception {
        matches("itm-tiny");
    }

    @Test
    void matchesAreTransformers() throws Exception {
        matches("itm");
    }

    private static void captions(String run) throws Exception {
        JsonNode entry = entry(run);
        try (var caption = Pipeline.forTask(Task.IMAGE_TO_TEXT, folder(entry))) {
            assertThat(caption.run(new Inputs.CaptionImage(image())).generatedText()).as(run)
                    .isEqualTo(entry.path("caption").asText());
            assertThat(caption.run(new Inputs.CaptionImage(image(), golden().path("prompt").asText())).generatedText())
                    .as(run).isEqualTo(entry.path("prompted_caption").asText());
        }
    }

    private static void answer(String run) throws Exception {
        JsonNode entry = entry(run);
        try (var vqa = Pipeline.forTask(Task.VISUAL_QUESTION_ANSWERING, folder(entry))) {
            assertThat(vqa.run(new Inputs.ImageQuestion(image(), golden().path("question").asText())).answer()).as(run)
                    .isEqualTo(entry.path("answer").asText());
        }
    }

    private static void matches(String run) throws Exception {
        JsonNode entry = entry(run);
        JsonNode texts = golden().path("texts");
        try (var itm = Pipeline.forTask(Task.IMAGE_TEXT_MATCHING, folder(entry))) {
            for (int i = 0; i < texts.size(); i++) {
                Outputs.Match match = itm.run(new Inputs.ImageText(image(), texts.get(i).asText()));
                assertThat(match.probability()).as(run + " " + i).isCloseTo(entry.path("probability").get(i)
                        .asDouble(), within(1e-4));
                assertThat(match.cosineSimilarity()).as(run + " " + i).isCloseTo(entry.path("cosine_similarity")
                        .get(i).asDouble(), within(1e-4));
            }
        }
    }

    private static JsonNode entry(String run) throws Exception {
        JsonNode entry = GoldenFiles.entry(GOLDEN, "runs", HOW).path(run);
        assumeTrue(!entry.isMissingNode(), "no " + run + " run in blip.json (the model was not available to "
                + "make_golden.py)");
        return entry;
    }

    private static String folder(JsonNode entry) {
        String model = entry.path("model").asText();
        return model.startsWith("reference/") ? Path.of("src/test/resources").resolve(model).toString()
                : GoldenFiles.cached(model).toString();
    }

    private static JsonNode golden() throws Exception {
        return Json.MAPPER.readTree(GOLDEN.toFile());
    }

    private static RgbImage image() {
        return ImageFiles.read(DIR.resolve("image.png"));
    }
}

package dev.perennial.pipeline;

import dev.perennial.UserError;
import dev.perennial.image.ImageFiles;
import dev.perennial.image.RgbImage;
import dev.perennial.io.Json;
import dev.perennial.model.ExpectedFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * The BLIP tasks end to end (PNG file, BlipImageProcessor, tokenizer, model, generation, decoding) on the tiny folders
 * of tools/reference/blip.py, whose texts and scores for the same image.png come from its float64 model, PIL and its
 * own WordPiece decoding.
 */
class BlipPipelineTest {

    static final Path REF = Path.of("src/test/resources/reference/blip");

    @Test
    void imageToTextCaptionsAndContinuesAPromptAsTheReference() throws Exception {
        Path dir = REF.resolve("caption");
        Path expected = dir.resolve("expected.safetensors");
        RgbImage image = ImageFiles.read(dir.resolve("image.png"));
        try (Pipeline<Inputs.CaptionImage, Outputs.Caption> p = Pipeline.forTask(Task.IMAGE_TO_TEXT, dir.toString())) {
            String prompt = ExpectedFiles.metadataText(expected, "prompt");
            List<Outputs.Caption> captions = p.run(List.of(new Inputs.CaptionImage(image),
                    new Inputs.CaptionImage(image), new Inputs.CaptionImage(image, prompt)));
            assertThat(captions.get(0).generatedText()).isEqualTo(ExpectedFiles.metadataText(expected, "caption"));
            assertThat(captions.get(1)).isEqualTo(captions.get(0));
            assertThat(captions.get(2).generatedText()).isEqualTo(ExpectedFiles.metadataText(expected, "prompted_caption"))
                    .startsWith(prompt);
        }
    }

    @Test
    void visualQuestionAnsweringAnswersAsTheReference() throws Exception {
        Path dir = REF.resolve("vqa");
        Path expected = dir.resolve("expected.safetensors");
        try (Pipeline<Inputs.ImageQuestion, Outputs.Answer> p = Pipeline.forTask(Task.VISUAL_QUESTION_ANSWERING,
                dir.toString())) {
            Outputs.Answer answer = p.run(new Inputs.ImageQuestion(ImageFiles.read(dir.resolve("image.png")),
                    ExpectedFiles.metadataText(expected, "question")));
            assertThat(answer.answer()).isEqualTo(ExpectedFiles.metadataText(expected, "answer"));
        }
    }

    @Test
    void imageTextMatchingGivesTheReferencesProbabilityAndSimilarity() throws Exception {
        Path dir = REF.resolve("itm");
        Path expected = dir.resolve("expected.safetensors");
        try (Pipeline<Inputs.ImageText, Outputs.Match> p = Pipeline.forTask(Task.IMAGE_TEXT_MATCHING, dir.toString())) {
            Outputs.Match match = p.run(new Inputs.ImageText(ImageFiles.read(dir.resolve("image.png")),
                    ExpectedFiles.metadataText(expected, "text")));
            assertThat(match.probability()).isCloseTo(Double.parseDouble(ExpectedFiles.metadataText(expected,
                    "probability")), within(1e-5));
            assertThat(match.cosineSimilarity()).isCloseTo(Double.parseDouble(ExpectedFiles.metadataText(expected,
                    "similarity")), within(1e-5));
        }
    }

    @Test
    void aCheckpointOfAnotherHeadNamesTheTaskItRuns() {
        assertThatThrownBy(() -> Pipeline.forTask(Task.IMAGE_TO_TEXT, REF.resolve("itm").toString()))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("BlipForImageTextRetrieval, which runs image-search and image-text-matching, "
                        + "not image-to-text");
        assertThatThrownBy(() -> Pipeline.forTask(Task.IMAGE_SEARCH, REF.resolve("vqa").toString(),
                PipelineOptions.defaults().withImages(REF.resolve("vqa"))))
                .isInstanceOf(UserError.class).hasMessageContaining("not image-search")
                .hasMessageContaining("Salesforce/blip-itm-base-coco");
    }

    @Test
    void imageSearchWithARetrievalCheckpointRanksByItsCosineSimilarity(@TempDir Path images) throws Exception {
        Path dir = REF.resolve("itm");
        Path expected = dir.resolve("expected.safetensors");
        String text = ExpectedFiles.metadataText(expected, "text");
        Files.copy(dir.resolve("image.png"), images.resolve("original.png"));
        BufferedImage original = ImageIO.read(dir.resolve("image.png").toFile());
        BufferedImage mirrored = new BufferedImage(original.getWidth(), original.getHeight(), BufferedImage.TYPE_INT_RGB);
        BufferedImage grey = new BufferedImage(original.getWidth(), original.getHeight(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < original.getHeight(); y++) {
            for (int x = 0; x < original.getWidth(); x++) {
                mirrored.setRGB(original.getWidth() - 1 - x, y, original.getRGB(x, y));
                grey.setRGB(x, y, 0x808080);
            }
        }
        ImageIO.write(mirrored, "png", images.resolve("mirrored.png").toFile());
        ImageIO.write(grey, "png", images.resolve("grey.png").toFile());

        List<Outputs.SearchHit> hits;
        try (var search = Pipeline.forTask(Task.IMAGE_SEARCH, dir.toString(),
                PipelineOptions.defaults().withImages(images))) {
            hits = search.run(new Inputs.Query(text, 3)).hits();
        }
        // the original image's score is the float64 reference's cosine similarity for it and the text
        Outputs.SearchHit first = hits.stream().filter(h -> h.file().equals("original.png")).findFirst().orElseThrow();
        assertThat(first.score()).isCloseTo(Double.parseDouble(ExpectedFiles.metadataText(expected, "similarity")),
                within(1e-5));
        // every image scores what image-text-matching reports as its cosine, and they come best first
        try (var match = Pipeline.forTask(Task.IMAGE_TEXT_MATCHING, dir.toString())) {
            for (Outputs.SearchHit hit : hits) {
                assertThat(hit.score()).as(hit.file()).isCloseTo(match.run(new Inputs.ImageText(
                        ImageFiles.read(images.resolve(hit.file())), text)).cosineSimilarity(), within(1e-5));
            }
        }
        assertThat(hits).hasSize(3).extracting(Outputs.SearchHit::score).isSortedAccordingTo((a, b) -> Double.compare(b, a));
        assertThat(images.resolve(".perennial-index")).isDirectory();
    }

    @Test
    void requestsNameTheFieldsOfEachTask() {
        var json = Json.MAPPER.createObjectNode().put("image", "x.png").put("question", "why?").put("prompt", "a");
        assertThatThrownBy(() -> Requests.parse(Task.VISUAL_QUESTION_ANSWERING, json, path -> new RgbImage(1, 1,
                new byte[3]))).isInstanceOf(PipelineInputError.class).hasMessageContaining("unknown field 'prompt'")
                .hasMessageContaining("image, question");
        json.remove("prompt");
        json.remove("question");
        assertThatThrownBy(() -> Requests.parse(Task.VISUAL_QUESTION_ANSWERING, json, path -> new RgbImage(1, 1,
                new byte[3]))).hasMessageContaining("question is missing");
    }
}

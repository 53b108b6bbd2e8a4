package dev.perennial.pipeline;

import dev.perennial.UserError;
import dev.perennial.image.ImageFiles;
import dev.perennial.image.RgbImage;
import dev.perennial.io.Json;
import dev.perennial.model.ExpectedFiles;
import org.junit.jupiter.api.Test;

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
                .hasMessageContaining("BlipForImageTextRetrieval, which runs image-text-matching, not image-to-text");
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

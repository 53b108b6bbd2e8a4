package dev.perennial.cli;

import dev.perennial.io.Json;
import dev.perennial.model.ExpectedFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code perennial pipeline image-to-text | visual-question-answering | image-text-matching} on the tiny BLIPs. */
class BlipPipelineCliTest {

    static final Path REF = Path.of("src/test/resources/reference/blip");

    @TempDir
    Path dir;

    @Test
    void aCaptionWithAndWithoutAPromptFromFlagsAndFromAJsonlFile() throws Exception {
        Path model = REF.resolve("caption");
        Path expected = model.resolve("expected.safetensors");
        String image = model.resolve("image.png").toString();
        CliTest.Result plain = CliTest.run("pipeline", "image-to-text", "--model", model.toString(), "--image", image);
        assertThat(plain.code()).as(plain.err()).isZero();
        assertThat(plain.out()).isEqualTo(ExpectedFiles.metadataText(expected, "caption") + System.lineSeparator());

        Files.copy(model.resolve("image.png"), dir.resolve("image.png"));
        Files.writeString(dir.resolve("in.jsonl"), Json.MAPPER.writeValueAsString(Map.of("image", "image.png",
                "prompt", ExpectedFiles.metadataText(expected, "prompt"))) + "\n");
        CliTest.Result file = CliTest.run("pipeline", "image-to-text", "--model", model.toString(), "--input",
                dir.resolve("in.jsonl").toString());
        assertThat(file.code()).as(file.err()).isZero();
        assertThat(Json.MAPPER.readTree(file.out()).path("generated_text").asText())
                .isEqualTo(ExpectedFiles.metadataText(expected, "prompted_caption"));
    }

    @Test
    void aQuestionIsAnsweredAndATextMatched() throws Exception {
        Path vqa = REF.resolve("vqa");
        CliTest.Result answer = CliTest.run("pipeline", "visual-question-answering", "--model", vqa.toString(),
                "--image", vqa.resolve("image.png").toString(), "--question",
                ExpectedFiles.metadataText(vqa.resolve("expected.safetensors"), "question"));
        assertThat(answer.code()).as(answer.err()).isZero();
        assertThat(answer.out().strip()).isEqualTo(ExpectedFiles.metadataText(vqa.resolve("expected.safetensors"),
                "answer"));

        Path itm = REF.resolve("itm");
        CliTest.Result match = CliTest.run("pipeline", "image-text-matching", "--model", itm.toString(), "--image",
                itm.resolve("image.png").toString(), "--text", "a cat on the mat", "--format", "json");
        assertThat(match.code()).as(match.err()).isZero();
        assertThat(Json.MAPPER.readTree(match.out()).path("probability").asDouble()).isCloseTo(Double.parseDouble(
                ExpectedFiles.metadataText(itm.resolve("expected.safetensors"), "probability")),
                org.assertj.core.api.Assertions.within(1e-5));
    }

    @Test
    void aMissingQuestionAndTheWrongHeadAreOneLineEach() {
        Path vqa = REF.resolve("vqa");
        CliTest.Result noQuestion = CliTest.run("pipeline", "visual-question-answering", "--model", vqa.toString(),
                "--image", vqa.resolve("image.png").toString());
        assertThat(noQuestion.code()).isEqualTo(2);
        assertThat(noQuestion.err()).contains("visual-question-answering needs --image FILE and --question TEXT");
        CliTest.Result wrongHead = CliTest.run("pipeline", "image-to-text", "--model", vqa.toString(), "--image",
                vqa.resolve("image.png").toString());
        assertThat(wrongHead.code()).isEqualTo(2);
        assertThat(wrongHead.err()).contains("BlipForQuestionAnswering, which runs visual-question-answering");
    }
}

package dev.perennial.generate;

import dev.perennial.model.BlipModel;
import dev.perennial.model.ExpectedFiles;
import dev.perennial.tensor.Safetensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * BLIP's captions and answers through the shared generation against tools/reference/blip.py, whose float64 greedy and
 * beam searches (a prompt of any length) recompute every step without a cache: captions from [DEC] alone and after a
 * prompt, answers from [DEC] into the question's states; text_config's max_length 20 (the default: 20 tokens after
 * the prompt, BlipConfig.maxLength), [SEP] ends a sequence.
 */
class BlipGenerationTest {

    static final Path CAPTION = Path.of("src/test/resources/reference/blip/caption");
    static final Path VQA = Path.of("src/test/resources/reference/blip/vqa");

    @Test
    void captionsGreedyBeamAndAfterAPromptEqualTheReference() {
        Map<String, Tensor> expected = Safetensors.read(CAPTION.resolve("expected.safetensors"), torch.ScalarType.Double);
        try (BlipModel model = BlipModel.load(CAPTION, torch.ScalarType.Float); PointerScope scope = new PointerScope()) {
            GenerationConfig config = settings(model);
            assertThat(config.maxLength()).isEqualTo(20);
            assertThat(config.numBeams()).isEqualTo(1);
            Tensor image = model.imageEmbeds(expected.get("pixel_values"));
            int[] bos = {model.config().text().bosTokenId()};
            int[] prompt = Arrays.stream(ExpectedFiles.longs(expected.get("prompt_ids").get(0))).mapToInt(t -> (int) t)
                    .toArray();
            GenerationConfig afterBos = config.withMaxLength(model.config().maxLength(1));
            GenerationConfig afterPrompt = config.withMaxLength(model.config().maxLength(prompt.length));
            assertRows("greedy", new Seq2SeqGeneration(model.textDecoder(), afterBos).generate(image, null, bos),
                    expected.get("greedy_ids"));
            assertRows("beam", new Seq2SeqGeneration(model.textDecoder(), afterBos.withNumBeams(3))
                    .generate(image, null, bos), expected.get("beam_ids"));
            assertRows("prompted", new Seq2SeqGeneration(model.textDecoder(), afterPrompt)
                    .generate(image, null, prompt), expected.get("prompted_ids"));
            assertRows("prompted beam", new Seq2SeqGeneration(model.textDecoder(), afterPrompt.withNumBeams(3))
                    .generate(image, null, prompt), expected.get("prompted_beam_ids"));
        }
    }

    @Test
    void answersGreedyAndBeamEqualTheReference() {
        Map<String, Tensor> expected = Safetensors.read(VQA.resolve("expected.safetensors"), torch.ScalarType.Double);
        try (BlipModel model = BlipModel.load(VQA, torch.ScalarType.Float); PointerScope scope = new PointerScope()) {
            GenerationConfig config = settings(model).withMaxLength(model.config().maxLength(1));
            Tensor image = model.imageEmbeds(expected.get("pixel_values"));
            Tensor question = model.questionEmbeds(expected.get("question_ids").to(torch.ScalarType.Long), null, image);
            int[] bos = {model.config().text().bosTokenId()};
            assertRows("answers", new Seq2SeqGeneration(model.textDecoder(), config).generate(question, null, bos),
                    expected.get("answer_ids"));
            assertRows("beam answers", new Seq2SeqGeneration(model.textDecoder(), config.withNumBeams(3))
                    .generate(question, null, bos), expected.get("beam_answer_ids"));
        }
    }

    private static GenerationConfig settings(BlipModel model) {
        return GenerationConfig.parse(model.config().generationSettings(), "text_config");
    }

    private static void assertRows(String what, List<int[]> got, Tensor want) {
        assertThat(got).hasSize((int) want.size(0));
        for (int r = 0; r < got.size(); r++) {
            long[] row = ExpectedFiles.longs(want.get(r));
            int[] expectedRow = Arrays.stream(row).takeWhile(t -> t >= 0).mapToInt(t -> (int) t).toArray();
            assertThat(got.get(r)).as(what + " row " + r).containsExactly(expectedRow);
        }
    }
}

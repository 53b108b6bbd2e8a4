package dev.perennial.pipeline;

import dev.perennial.UserError;
import dev.perennial.model.ExpectedFiles;
import dev.perennial.tensor.Safetensors;
import dev.perennial.tokenizer.HfTokenizer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The translation task on the tiny random NLLB of tools/reference/m2m100.py: its SentencePiece-BPE tokenizer.json
 * with five FLORES-200 codes, the source encoded as {@code [src_lang] text </s>}, greedy generation (the checkpoint's
 * settings) with the target language forced first.
 */
public class TranslationTest {

    public static final Path MODEL = Path.of("src/test/resources/reference/nllb");

    /** The reference's first text (English) and its translation into fra_Latn. */
    public static String[] englishToFrench() throws Exception {
        Path expected = MODEL.resolve("expected.safetensors");
        return new String[] {ExpectedFiles.metadataList(expected, "texts").getFirst(),
                ExpectedFiles.metadataList(expected, "translations").getFirst()};
    }

    @Test
    void theTranslationEqualsTheReference() throws Exception {
        String[] c = englishToFrench();
        try (var translate = Pipeline.forTask(Task.TRANSLATION, MODEL.toString())) {
            Outputs.Translation t = translate.run(new Inputs.Translation(c[0], "eng_Latn", "fra_Latn"));
            assertThat(t.translationText()).isEqualTo(c[1]);
            assertThat(t.truncated()).isFalse();
        }
    }

    @Test
    void theBpeTokenizerGivesTheReferenceIdsBetweenTheLanguageCodeAndEos() throws Exception {
        Path file = MODEL.resolve("expected.safetensors");
        Map<String, Tensor> expected = Safetensors.read(file, torch.ScalarType.Double);
        List<String> texts = ExpectedFiles.metadataList(file, "texts");
        long[] ids = ExpectedFiles.longs(expected.get("input_ids"));
        long[] mask = ExpectedFiles.longs(expected.get("attention_mask"));
        int width = (int) expected.get("input_ids").size(1);
        try (HfTokenizer tokenizer = HfTokenizer.load(MODEL)) {
            for (int row = 0; row < texts.size(); row++) {
                int length = (int) Arrays.stream(mask, row * width, (row + 1) * width).sum();
                int[] text = Arrays.stream(ids, row * width + 1, row * width + length - 1).mapToInt(i -> (int) i)
                        .toArray();
                assertThat(tokenizer.encode(texts.get(row))).as(texts.get(row)).containsExactly(text);
            }
        }
    }

    @Test
    void aLanguageTheModelLacksIsRefusedWithTheCodeMeant() {
        try (var translate = Pipeline.forTask(Task.TRANSLATION, MODEL.toString())) {
            assertThatThrownBy(() -> translate.run(new Inputs.Translation("a cat", "eng_Latn", "fr")))
                    .isInstanceOf(UserError.class).hasMessageContaining("tgt_lang 'fr'")
                    .hasMessageContaining("did you mean 'fra_Latn'?");
            assertThatThrownBy(() -> translate.run(new Inputs.Translation("a cat", "German", "fra_Latn")))
                    .hasMessageContaining("src_lang 'German'").hasMessageContaining("did you mean 'deu_Latn'?");
            assertThatThrownBy(() -> translate.run(new Inputs.Translation("a cat", "eng_Latn", "spa_latn")))
                    .hasMessageContaining("did you mean 'spa_Latn'?");
        }
    }

    @Test
    void aTextLongerThanTheModelIsCutAndSaysSo() {
        try (var translate = Pipeline.forTask(Task.TRANSLATION, MODEL.toString())) {
            Outputs.Translation t = translate.run(new Inputs.Translation("the cat sits on the mat . ".repeat(120),
                    "eng_Latn", "deu_Latn"));
            assertThat(t.truncated()).isTrue();
            assertThat(t.inputTokens()).isEqualTo(1024); // max_position_embeddings of the tiny config
        }
    }

    @Test
    void aModelOfAnotherTypeIsRefusedNamingTheTask() {
        assertThatThrownBy(() -> Pipeline.forTask(Task.TRANSLATION, SummarizationTest.MODEL.toString()))
                .isInstanceOf(UserError.class).hasMessageContaining("translation");
    }
}

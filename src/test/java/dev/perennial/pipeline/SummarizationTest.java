package dev.perennial.pipeline;

import dev.perennial.UserError;
import dev.perennial.model.ExpectedFiles;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The summarization task on the tiny random BART of tools/reference/bart.py: its task_specific_params.summarization
 * (4 beams, no_repeat_ngram_size 3, min_length 8, max_length 20) give the reference's beam search summaries.
 */
public class SummarizationTest {

    public static final Path MODEL = Path.of("src/test/resources/reference/bart");

    /** The reference's texts and their summaries (decoded without special tokens). */
    public static List<String[]> cases() throws Exception {
        Path expected = MODEL.resolve("expected.safetensors");
        List<String> texts = ExpectedFiles.metadataList(expected, "texts");
        List<String> summaries = ExpectedFiles.metadataList(expected, "summaries");
        return List.of(new String[] {texts.get(0), summaries.get(0)}, new String[] {texts.get(1), summaries.get(1)});
    }

    @Test
    void summariesEqualTheReferenceBeamSearch() throws Exception {
        try (var summarize = Pipeline.forTask(Task.SUMMARIZATION, MODEL.toString())) {
            for (String[] c : cases()) {
                Outputs.Summary summary = summarize.run(new Inputs.Text(c[0]));
                assertThat(summary.summaryText()).as(c[0]).isEqualTo(c[1]);
                assertThat(summary.truncated()).isFalse();
            }
        }
    }

    @Test
    void aTextLongerThanTheModelIsCutAndSaysSo() {
        try (var summarize = Pipeline.forTask(Task.SUMMARIZATION, MODEL.toString())) {
            Outputs.Summary summary = summarize.run(new Inputs.Text("the storm hit the coast . ".repeat(40)));
            assertThat(summary.truncated()).isTrue();
            assertThat(summary.inputTokens()).isEqualTo(64); // max_position_embeddings of the tiny config
        }
    }

    @Test
    void aModelOfAnotherTypeIsRefusedNamingTheTask() {
        assertThatThrownBy(() -> Pipeline.forTask(Task.SUMMARIZATION, "src/test/resources/reference/whisper-model"))
                .isInstanceOf(UserError.class).hasMessageContaining("cannot run summarization");
    }
}

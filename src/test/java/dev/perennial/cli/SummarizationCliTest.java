package dev.perennial.cli;

import dev.perennial.io.Json;
import dev.perennial.pipeline.SummarizationTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code perennial pipeline summarization} on the tiny BART of tools/reference/bart.py. */
class SummarizationCliTest {

    static final String MODEL = SummarizationTest.MODEL.toString();

    @TempDir
    Path dir;

    @Test
    void aTextAndAJsonlFileGetTheReferenceSummaries() throws Exception {
        List<String[]> cases = SummarizationTest.cases();
        CliTest.Result text = CliTest.run("pipeline", "summarization", "--model", MODEL, "--text", cases.get(0)[0]);
        assertThat(text.code()).as(text.err()).isZero();
        assertThat(text.out()).isEqualTo(cases.get(0)[1] + System.lineSeparator());

        Files.writeString(dir.resolve("in.jsonl"), Json.MAPPER.writeValueAsString(java.util.Map.of("text",
                cases.get(1)[0])) + "\n");
        CliTest.Result file = CliTest.run("pipeline", "summarization", "--model", MODEL, "--input",
                dir.resolve("in.jsonl").toString());
        assertThat(file.code()).as(file.err()).isZero();
        assertThat(Json.MAPPER.readTree(file.out()).path("summary_text").asText()).isEqualTo(cases.get(1)[1]);
    }

    @Test
    void aTextLongerThanTheModelGetsANote() {
        CliTest.Result r = CliTest.run("pipeline", "summarization", "--model", MODEL, "--text",
                "the storm hit the coast . ".repeat(40));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).contains("note: input 1 fills the model's 64 tokens");
    }

    @Test
    void noTextIsOneLineSayingWhatToGive() {
        CliTest.Result r = CliTest.run("pipeline", "summarization", "--model", MODEL);
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("summarization needs --text (repeatable) or --input");
    }
}

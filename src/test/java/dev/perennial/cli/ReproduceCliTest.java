package dev.perennial.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ReproduceCliTest {

    @TempDir
    Path dir;

    @Test
    void aFolderStartedAtOneScaleIsNotContinuedAtAnother() throws Exception {
        Path started = dir.resolve("strong/experiment.yaml");
        Files.createDirectories(started.getParent());
        Files.writeString(started, """
                corpora: {d0: a, d1: b}
                tokenizer: byte
                model: {model_type: gpt_neox}
                seq_len: 128
                global_batch: 16
                tokens_per_stage: 1000000
                lr: {max: 2.0e-3}
                """);
        CliTest.Result result = CliTest.run("reproduce", "--out", dir.toString());
        assertThat(result.code()).isEqualTo(2);
        assertThat(result.err()).contains("was started with 1,000,000 tokens per stage, not 4,000,000")
                .contains("--tokens-per-stage 1000000");
    }

    @Test
    void refusesAScaleBelowOneBatch() {
        CliTest.Result result = CliTest.run("reproduce", "--out", dir.toString(), "--tokens-per-stage", "100");
        assertThat(result.code()).isEqualTo(2);
        assertThat(result.err()).contains("--tokens-per-stage 100: needs at least one batch");
    }
}

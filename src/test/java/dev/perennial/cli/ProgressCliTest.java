package dev.perennial.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.io.Json;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * eval, bench and model loading show their progress on standard error (a line at least: the bar's final line when
 * not on a terminal), never in what they print; bench's JSON carries the spread of its repetitions. Timings are
 * never asserted.
 */
class ProgressCliTest {

    @TempDir
    static Path shared;

    static Path corpus;
    static Path model;

    /** What a command printed, and what went to the process's standard error meanwhile (where the bars go). */
    record Run(CliTest.Result result, String console) {
    }

    @BeforeAll
    static void corpusAndModel() throws IOException {
        CorpusAndModel made = CorpusAndModel.in(shared);
        corpus = made.corpus();
        model = made.model();
    }

    static Run withConsole(Supplier<CliTest.Result> command) {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        PrintStream err = System.err;
        System.setErr(new PrintStream(console, true, StandardCharsets.UTF_8));
        try {
            return new Run(command.get(), console.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(err);
        }
    }

    @Test
    void evalShowsLoadingAndEvaluatingOnStandardErrorAndOnlyTheTableOnStandardOutput() {
        Run run = withConsole(() -> CliTest.run("eval", "--model", model.toString(), "--corpus", corpus.toString(),
                "--task", "en-continuation", "--limit", "3", "--seq-len", "16", "--sequences", "4"));
        assertThat(run.result().code()).as(run.result().err()).isZero();
        assertThat(run.console()).contains("load " + model + ": ")
                .contains("eval " + model + ": 4 validation sequences of 1 corpora and 3 examples of 1 tasks in ");
        assertThat(run.result().out()).doesNotContain("load ").doesNotContain("validation sequences of");
    }

    @Test
    void benchTrainPrintsProgressToStandardErrorAndTheSpreadOfItsStepsInJson() throws Exception {
        Run run = withConsole(() -> CliTest.run("bench", "train", "--steps", "5", "--warmup", "1", "--vocab", "64",
                "--hidden", "16", "--layers", "1", "--heads", "2", "--seq", "8", "--batch", "2", "--format", "json"));
        assertThat(run.result().code()).as(run.result().err()).isZero();
        assertThat(run.console()).contains("bench train: 6 steps in ");
        JsonNode json = Json.MAPPER.readTree(run.result().out()); // the whole of standard output is the JSON
        assertSpread(json, 5);
    }

    @Test
    void benchGenerateRepeatsEachModeAndReportsTheSpreadOfItsGenerations() throws Exception {
        Run run = withConsole(() -> CliTest.run("bench", "generate", "--repeats", "3", "--cache", "with",
                "--new-tokens", "4", "--prompt-tokens", "2", "--vocab", "64", "--hidden", "16", "--layers", "1",
                "--heads", "2", "--format", "json"));
        assertThat(run.result().code()).as(run.result().err()).isZero();
        assertThat(run.console()).contains("bench generate: 4 generations in "); // a warm-up and three timed
        JsonNode json = Json.MAPPER.readTree(run.result().out());
        assertSpread(json, 3);
        assertThat(json.get("tokens_per_second").asDouble())
                .isEqualTo(json.get("new_tokens").asInt() / (json.get("ms_median").asDouble() / 1000));
    }

    @Test
    void benchRefusesRepeatsBelowOne() {
        CliTest.Result r = CliTest.run("bench", "generate", "--repeats", "0");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--repeats 0 must be at least 1");
    }

    /** ms_count runs, ordered min ≤ p10 ≤ median ≤ p90 ≤ max, and a standard deviation no wider than the range. */
    static void assertSpread(JsonNode json, int runs) {
        assertThat(json.get("ms_count").asInt()).isEqualTo(runs);
        List<Double> ordered = List.of(json.get("ms_min").asDouble(), json.get("ms_p10").asDouble(),
                json.get("ms_median").asDouble(), json.get("ms_p90").asDouble(), json.get("ms_max").asDouble());
        assertThat(ordered).isSorted();
        assertThat(ordered.getFirst()).isPositive();
        assertThat(json.get("ms_stdev").asDouble()).isBetween(0.0, ordered.getLast() - ordered.getFirst());
    }
}

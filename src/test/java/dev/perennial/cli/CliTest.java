package dev.perennial.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The CLI as a user meets it: exit codes, one-line errors, and the schedule preview in every format. */
public class CliTest {

    /** What a command printed and its exit status. */
    public record Result(int code, String out, String err) {
    }

    /** Runs the CLI in this JVM, as {@code perennial ARGS...} would. */
    public static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }

    @TempDir
    Path dir;

    @Test
    void helpListsTheCommands() {
        Result r = run("--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("Usage: perennial").contains("schedule");
    }

    @Test
    void versionNamesPerennialAndLibtorch() {
        Result r = run("--version");
        assertThat(r.code()).isZero();
        assertThat(r.out()).containsPattern("perennial \\d+\\.\\d+").contains("libtorch 2.10.0");
    }

    @Test
    void benchTrainAndGenerateReportInJsonWhatTheyRanAndTheNativeLibrariesInUse() throws Exception {
        String[] shape = {"--vocab", "64", "--hidden", "16", "--layers", "1", "--heads", "2", "--seq", "8", "--batch",
                "2"};
        Result train = run(concat(new String[] {"bench", "train", "--steps", "2", "--warmup", "1", "--format", "json"},
                shape));
        assertThat(train.code()).as(train.err()).isZero();
        JsonNode t = new ObjectMapper().readTree(train.out());
        assertThat(t.path("shape").path("hidden").asInt()).isEqualTo(16);
        assertThat(t.path("tokens_per_second").asDouble()).isPositive();
        assertThat(t.path("ms_min").asDouble()).isLessThanOrEqualTo(t.path("ms_max").asDouble());
        assertThat(t.path("malloc").asText()).isNotEmpty();

        Result generate = run(concat(new String[] {"bench", "generate", "--new-tokens", "5", "--prompt-tokens", "3",
                "--cache", "with", "--format", "json"}, shape));
        assertThat(generate.code()).as(generate.err()).isZero();
        JsonNode g = new ObjectMapper().readTree(generate.out());
        assertThat(g.path("kv_cache").asBoolean()).isTrue();
        assertThat(g.path("new_tokens").asInt()).isEqualTo(5);
        assertThat(g.path("prompt_tokens").asInt()).isEqualTo(3);
        assertThat(g.path("tokens_per_second").asDouble()).isPositive();

        Result both = run(concat(new String[] {"bench", "generate", "--new-tokens", "2", "--format", "json"}, shape));
        assertThat(new ObjectMapper().readTree(both.out()).findValuesAsText("kv_cache")).containsExactly("true", "false");

        Result batched = run(concat(new String[] {"bench", "generate", "--new-tokens", "5", "--prompt-tokens", "3",
                "--batch-size", "3", "--repeats", "1", "--format", "json"}, shape));
        assertThat(batched.code()).as(batched.err()).isZero();
        JsonNode b = new ObjectMapper().readTree(batched.out()); // one result: a batch is timed with the cache only
        assertThat(b.path("batch_size").asInt()).isEqualTo(3);
        assertThat(b.path("kv_cache").asBoolean()).isTrue();
        assertThat(b.path("new_tokens").asInt()).isEqualTo(15); // the new tokens of all three prompts
    }

    private static String[] concat(String[] a, String[] b) {
        return java.util.stream.Stream.concat(java.util.Arrays.stream(a), java.util.Arrays.stream(b))
                .toArray(String[]::new);
    }

    @Test
    void aBadFlagIsOneLineAndExitTwo() {
        Result r = run("schedule", "--family", "cosine", "--total-steps", "100", "--format", "xml");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).startsWith("error: ").contains("--format").doesNotContain("\n")
                .doesNotContain("at picocli");
    }

    @Test
    void aUserErrorIsOneLineWithoutStackTraceAndVerboseShowsIt() {
        Result r = run("schedule", "--family", "cosine", "--total-steps", "100", "--warmup", "1.5");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("error: --warmup: 1.5 is not in [0, 1] (a fraction of the stage's steps)");

        Result verbose = run("schedule", "--family", "cosine", "--total-steps", "100", "--warmup", "1.5", "--verbose");
        assertThat(verbose.code()).isEqualTo(2);
        assertThat(verbose.err()).contains("dev.perennial.UserError").contains("\tat ");
    }

    @Test
    void flagsAreNamedInRefusals() {
        assertThat(run("schedule", "--family", "infinite-cosine", "--total-steps", "100", "--cooldown", "0.9",
                "--constant-end", "0.5").err()).contains("--cooldown: 0.9 ends after the constant phase");
        assertThat(run("schedule", "--family", "sine", "--total-steps", "100").err())
                .contains("--family: 'sine' is not one of constant, cosine");
        assertThat(run("schedule", "--family", "cosine", "--total-steps", "0").err())
                .contains("--total-steps: 0 must be a whole number of at least 1");
        assertThat(run("schedule", "--family", "cosine").err()).contains("--total-steps is missing");
        assertThat(run("schedule", "--family", "cosine", "--total-tokens", "1000").err())
                .contains("--total-tokens: needs tokens per step");
        assertThat(run("schedule").err()).contains("give a run config");
    }

    @Test
    void jsonListsEveryStepWithLrAndPhase() throws Exception {
        Result r = run("schedule", "--family", "cosine", "--total-steps", "200", "--warmup", "0.05", "--format", "json");
        assertThat(r.code()).isZero();
        JsonNode rows = new ObjectMapper().readTree(r.out());
        assertThat(rows.size()).isEqualTo(201);
        assertThat(rows.get(5).get("step").asLong()).isEqualTo(5);
        assertThat(rows.get(5).get("lr").asDouble()).isCloseTo(3e-4 / 2, within(1e-15));
        assertThat(rows.get(5).get("phase").asText()).isEqualTo("warmup");
        assertThat(rows.get(200).get("lr").asDouble()).isCloseTo(3e-5, within(1e-15));
        assertThat(rows.get(200).get("phase").asText()).isEqualTo("decay");
    }

    @Test
    void atTakesRealSteps() throws Exception {
        Result r = run("schedule", "--family", "infinite-linear", "--total-steps", "1000", "--warmup", "0.01",
                "--at", "0.5,100,310,950", "--format", "json");
        JsonNode rows = new ObjectMapper().readTree(r.out());
        assertThat(rows.size()).isEqualTo(4);
        assertThat(rows.get(0).get("step").asDouble()).isEqualTo(0.5);
        assertThat(rows.get(0).get("lr").asDouble()).isCloseTo(3e-4 * 0.5 / 10, within(1e-15));
        // linear cooldown over 600 steps from 3e-4 to 1.65e-4 after W = 10: at step 310 (k = 300), halfway
        assertThat(rows.get(2).get("lr").asDouble()).isCloseTo((3e-4 + 1.65e-4) / 2, within(1e-15));
        assertThat(rows.get(3).get("phase").asText()).isEqualTo("anneal");
        assertThat(run("schedule", "--family", "cosine", "--total-steps", "10", "--at", "11").err())
                .contains("--at 11 is outside the run's steps [0, 10]");
    }

    @Test
    void warmupFlagsTakeStepsOrTokens() throws Exception {
        // 100 steps of 10 tokens; a warmup of 4 steps or of 40 tokens: lr = M·n/4 up to step 4
        for (String[] warmup : List.of(new String[] {"--warmup-steps", "4"},
                new String[] {"--warmup-tokens", "40", "--tokens-per-step", "10"})) {
            List<String> args = new java.util.ArrayList<>(List.of("schedule", "--family", "cosine", "--total-steps",
                    "100", "--at", "1,4,52", "--format", "json"));
            args.addAll(List.of(warmup));
            Result r = run(args.toArray(String[]::new));
            assertThat(r.code()).as(r.err()).isZero();
            JsonNode rows = new ObjectMapper().readTree(r.out());
            assertThat(rows.get(0).get("lr").asDouble()).isCloseTo(3e-4 / 4, within(1e-15));
            assertThat(rows.get(1).get("lr").asDouble()).isCloseTo(3e-4, within(1e-15));
            assertThat(rows.get(1).get("phase").asText()).isEqualTo("warmup");
            // halfway through the cosine from W = 4 to T = 100
            assertThat(rows.get(2).get("lr").asDouble()).isCloseTo((3e-4 + 3e-5) / 2, within(1e-15));
        }
        assertThat(run("schedule", "--family", "cosine", "--total-steps", "100", "--warmup", "0.1", "--warmup-steps",
                "4").err()).contains("--warmup-steps: given with --warmup; give only one of --warmup");
        assertThat(run("schedule", "--family", "cosine", "--total-steps", "100", "--warmup-tokens", "40").err())
                .contains("--warmup-tokens: needs tokens per step to become steps; give --tokens-per-step");
    }

    @Test
    void tokenLengthsAreConvertedWithTokensPerStep() throws Exception {
        Result r = run("schedule", "--family", "constant", "--total-tokens", "10000", "--tokens-per-step", "1024",
                "--format", "json");
        JsonNode rows = new ObjectMapper().readTree(r.out());
        assertThat(rows.size()).isEqualTo(11); // ceil(10000 / 1024) = 10 steps, 0..10 inclusive
        assertThat(rows.get(10).get("tokens").asLong()).isEqualTo(10240);
    }

    @Test
    void aConfigPreviewShowsStagesPhasesAndTheJump(@TempDir Path tmp) throws Exception {
        Path config = tmp.resolve("run.yaml");
        Files.writeString(config, """
                stages:
                  - name: d0
                    steps: 1000
                    schedule: {family: cosine, max_lr: 3e-4, min_lr: 3e-5}
                  - name: d1
                    steps: 1000
                    schedule: {family: cosine, max_lr: 3e-4, min_lr: 3e-5}
                """);
        Path png = tmp.resolve("plots/lr.png");
        Result r = run("schedule", config.toString(), "--plot", png.toString());
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("stage d0: cosine, 1000 steps").contains("stage d1: cosine, 1000 steps")
                .contains("LR jump at step 1000: 3.0000e-05 → 0 (stage d0 → d1)");
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(1200);
        assertThat(Files.list(png.getParent())).containsExactly(png); // nothing half-written left beside it
    }

    @Test
    void aConfigRefusesStageFlagsAndNamesTheFile(@TempDir Path tmp) throws Exception {
        Path config = tmp.resolve("run.yaml");
        Files.writeString(config, "stages: [{steps: 10, schedule: {family: cosine, warmup: 2}}]\n");
        assertThat(run("schedule", config.toString()).err().strip())
                .isEqualTo("error: " + config + ": stages[0].schedule.warmup: 2 is not in [0, 1] "
                        + "(a fraction of the stage's steps)");
        assertThat(run("schedule", config.toString(), "--max-lr", "1e-3").err())
                .contains("--max-lr: schedule flags describe one stage without a config");
        assertThat(run("schedule", tmp.resolve("missing.yaml").toString()).err()).contains("missing.yaml: no such file");
    }

    @Test
    void theTokenAxisNeedsTokensPerStep() {
        Result r = run("schedule", "--family", "cosine", "--total-steps", "10", "--plot",
                dir.resolve("x.png").toString(), "--x", "tokens");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--x tokens: the run does not say how many tokens a step reads");
    }

    @Test
    void preparesCorporaAndPreviewsAReplayMixtureEndToEnd(@TempDir Path tmp) throws Exception {
        for (String name : List.of("en", "de")) {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < 400; i++) {
                text.append(name).append(" paragraph ").append(i).append(" with some words in it.\n\n");
            }
            Files.writeString(tmp.resolve(name + ".txt"), text);
            Result prepared = run("prepare", "--tokenizer", "byte", "--input", tmp.resolve(name + ".txt").toString(),
                    "--out", tmp.resolve("corpora/" + name).toString());
            assertThat(prepared.code()).as(prepared.err()).isZero();
            assertThat(prepared.out()).contains("corpus written to");
        }
        Path config = tmp.resolve("run.yaml");
        Files.writeString(config, """
                seq_len: 32
                global_batch: 10
                corpora: {d0: corpora/en, d1: corpora/de}
                stages:
                  - {name: d0, steps: 30, schedule: {family: cosine}, data: [{corpus: d0}]}
                  - {name: d1, steps: 100, schedule: {family: cosine}, data: [{corpus: d1}], replay: 0.25}
                """);
        Result r = run("mixture", config.toString(), "--format", "json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode stages = new ObjectMapper().readTree(r.out());
        JsonNode update = stages.get(1);
        assertThat(update.path("accounting").path("sequences").asLong()).isEqualTo(1000);
        JsonNode replay = update.path("accounting").path("rows").get(1);
        assertThat(replay.path("corpus").asText()).isEqualTo("d0");
        assertThat(replay.path("replay").asBoolean()).isTrue();
        assertThat(replay.path("sequences").asLong()).isEqualTo(250);
        assertThat(update.path("ledger_after").path("corpora").path("d0").path("consumed").asLong()).isEqualTo(300);
        assertThat(update.path("ledger_after").path("corpora").path("d0").path("replayed").asLong()).isEqualTo(250);
        assertThat(run("mixture", config.toString()).out()).contains("d0           replay    25.000%   25.000%");
    }

    @Test
    void generatesFromASavedModelFolder(@TempDir Path tmp) {
        try (dev.perennial.model.Model model = dev.perennial.model.ModelFixtures.byteLlama(9)) {
            dev.perennial.checkpoint.ModelFolder.save(model, "byte", tmp.resolve("m"),
                    dev.perennial.checkpoint.ModelFolder.DEFAULT_SHARD_BYTES, "");
        }
        Result r = run("generate", "--model", tmp.resolve("m").toString(), "--prompt", "Hello", "--max-new-tokens", "12");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("Hello");
        assertThat(r.err()).contains("12 tokens in").contains("finished by length");
        Result again = run("generate", "--model", tmp.resolve("m").toString(), "--prompt", "Hello", "--max-new-tokens", "12");
        assertThat(again.out()).isEqualTo(r.out());
        Result missing = run("generate", "--model", tmp.resolve("nope").toString(), "--prompt", "x");
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("no such model folder");
    }
}

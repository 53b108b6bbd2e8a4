package dev.perennial.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.UserError;
import dev.perennial.cli.CliTest;
import dev.perennial.config.ConfigLoader;
import dev.perennial.data.Prepare;
import dev.perennial.data.PrepareOptions;
import dev.perennial.data.TextUnit;
import dev.perennial.run.MetricsFile;
import dev.perennial.run.MetricsRecord;
import dev.perennial.run.RunFolder;
import dev.perennial.tokenizer.BpeTrainer;
import dev.perennial.tokenizer.ByteTokenizer;
import dev.perennial.tokenizer.TokenizerFiles;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The trainer end to end on tiny corpora: stages, metrics, checkpoints, kill -9 and SIGTERM, refusals. */
class TrainerTest {

    static Path corpora = temporaryFolder();

    private static Path temporaryFolder() {
        try {
            Path folder = Files.createTempDirectory("perennial-trainer-test");
            folder.toFile().deleteOnExit();
            return folder;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @TempDir
    Path dir;

    static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    @BeforeAll
    static void prepareCorpora() throws IOException {
        if (Files.isRegularFile(corpora.resolve("de/metadata.json"))) {
            return;
        }
        for (String name : List.of("en", "de")) {
            SplittableRandom random = new SplittableRandom(name.hashCode());
            String[] words = name.equals("en") ? "the of and to in a is that for it as was with be by on".split(" ")
                    : "der die und in den von zu das mit sich des auf für ist im dem".split(" ");
            StringBuilder text = new StringBuilder();
            for (int d = 0; d < 300; d++) {
                for (int w = 0; w < 20 + random.nextInt(40); w++) {
                    text.append(words[random.nextInt(words.length)]).append(' ');
                }
                text.append(".\n\n");
            }
            Path file = corpora.resolve(name + ".txt");
            Files.writeString(file, text);
            new Prepare(new PrepareOptions(List.of(file.toString()), corpora.resolve(name), "text", TextUnit.PARAGRAPH,
                    0.05, false, false, PrepareOptions.DEFAULT_SHARD_TOKENS, 2), new ByteTokenizer(), false).run();
        }
    }

    String config(String out, int steps0, int steps1, String extra) {
        return config(dir, out, steps0, steps1, extra);
    }

    /**
     * Two stages of a tiny Llama on the byte corpora: {@code steps0} on d0, then {@code steps1} on d1 with 25%
     * replay; evaluations and checkpoints every 10 steps; the run in {@code dir/out}.
     */
    static String config(Path dir, String out, int steps0, int steps1, String extra) {
        return """
                seed: 3
                seq_len: 32
                global_batch: 8
                micro_batch: 4
                tokenizer: byte
                corpora: {d0: %s, d1: %s}
                model:
                  config: {model_type: llama, vocab_size: 257, hidden_size: 32, num_hidden_layers: 2,
                           num_attention_heads: 4, num_key_value_heads: 2, intermediate_size: 64,
                           max_position_embeddings: 64}
                eval: {interval: 10, sequences: 8}
                checkpoint: {interval: 10, keep: 2}
                out: %s
                stages:
                  - {name: d0, steps: %d, data: [{corpus: d0}], schedule: {family: cosine, max_lr: 3e-3, warmup: 0.1}}
                  - {name: d1, steps: %d, data: [{corpus: d1}], replay: 0.25,
                     schedule: {family: cosine, max_lr: 3e-3, warmup: 0.1}}
                %s""".formatted(corpora.resolve("en"), corpora.resolve("de"), dir.resolve(out), steps0, steps1, extra);
    }

    Path write(String name, String yaml) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, yaml);
        return file;
    }

    static Trainer.Outcome train(Path config, String... overrides) {
        return Trainer.run(TrainPlan.from(ConfigLoader.load(config, List.of(overrides))), false, QUIET, false);
    }

    /** metrics.jsonl without the wall-clock field, which no two runs share. */
    static List<String> metrics(Path run) throws IOException {
        List<String> lines = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
            var node = (ObjectNode) json.readTree(line);
            node.remove("tokens_per_s");
            lines.add(node.toString());
        }
        return lines;
    }

    static byte[] weights(Path run) throws IOException {
        return Files.readAllBytes(run.resolve("final/model.safetensors"));
    }

    @Test
    void trainsThroughStagesAndRecordsForgettingAndAdaptation() throws Exception {
        Trainer.Outcome outcome = train(write("run.yaml", config("run", 30, 20, "")));
        assertThat(outcome.completed()).isTrue();
        Path run = dir.resolve("run");
        List<JsonNode> records = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
            records.add(new ObjectMapper().readTree(line));
        }
        List<JsonNode> steps = records.stream().filter(r -> r.path("type").asText().equals("step")).toList();
        assertThat(steps).hasSize(50);
        assertThat(steps.getLast().path("tokens").asLong()).isEqualTo(50 * 8 * 32);
        assertThat(steps.get(29).path("consumed_tokens").path("d0").asLong()).isEqualTo(30 * 8 * 32);
        assertThat(steps.getLast().path("replayed_tokens").path("d0").asLong()).isEqualTo(40 * 32); // 25% of 160
        assertThat(steps.getFirst().path("loss").asDouble()).isGreaterThan(steps.get(29).path("loss").asDouble());
        JsonNode lastEval = records.getLast();
        assertThat(lastEval.path("type").asText()).isEqualTo("eval");
        assertThat(lastEval.path("delta_since_stage_start").path("d1").asDouble()).isNegative(); // adaptation
        assertThat(lastEval.path("val_loss").has("d0")).isTrue(); // the old corpus is still watched
        JsonNode lineage = new ObjectMapper().readTree(run.resolve("final/lineage.json").toFile());
        assertThat(lineage.path("stages")).hasSize(2);
        assertThat(lineage.path("tokens_replayed").path("d0").asLong()).isEqualTo(40 * 32);
        assertThat(lineage.path("tokenizer_sha256").asText()).isEqualTo(new ByteTokenizer().hash());
        assertThat(run.resolve("final/README.md")).content().contains("25.0% replay of earlier data")
                .contains("Tokenizer: byte-level (UTF-8 bytes, id 256 = end of text)").doesNotContain(".partial");
        assertThat(run.resolve("config.yaml")).exists();
        assertThat(Files.list(run.resolve("checkpoints")).count()).isEqualTo(2);
    }

    /**
     * metrics.jsonl is read by the experiment report and the web app through the same typed reader the trainer
     * writes through; a renamed or reordered field fails here instead of blanking a chart.
     */
    @Test
    void theMetricsFileReadsBackTypedWithTheFieldsTheReportAndWebAppUse() throws Exception {
        Path config = write("typed.yaml", config("typed", 30, 20, ""));
        TrainPlan plan = TrainPlan.from(ConfigLoader.load(config, List.of()));
        assertThat(Trainer.run(plan, false, QUIET, false).completed()).isTrue();
        RunFolder run = new RunFolder(dir.resolve("typed"));
        assertThat(run.isFinished()).isTrue();
        MetricsFile.Chunk metrics = MetricsFile.readAll(run.metricsFile());
        assertThat(metrics.unreadableAt()).isEmpty();
        List<MetricsRecord> records = metrics.records();

        List<MetricsRecord.Step> steps = records.stream().filter(r -> r instanceof MetricsRecord.Step)
                .map(r -> (MetricsRecord.Step) r).toList();
        assertThat(steps).hasSize(50);
        assertThat(steps).extracting(MetricsRecord.Step::step)
                .isEqualTo(LongStream.rangeClosed(1, 50).boxed().toList());
        assertThat(steps.stream().map(MetricsRecord::stage).distinct().toList()).containsExactly("d0", "d1");
        for (MetricsRecord.Step step : steps) {
            assertThat(step.lr()).isEqualTo(plan.schedule().lr(step.step() - 1));
            assertThat(step.tokens()).isEqualTo(step.step() * 8 * 32);
        }
        assertThat(steps.get(29).stageStep()).isEqualTo(30);
        assertThat(steps.get(29).consumedTokens()).containsEntry("d0", 30L * 8 * 32);
        assertThat(steps.getLast().replayedTokens()).containsEntry("d0", 40L * 32);

        List<MetricsRecord.Eval> evals = records.stream().filter(r -> r instanceof MetricsRecord.Eval)
                .map(r -> (MetricsRecord.Eval) r).toList();
        assertThat(evals).extracting(MetricsRecord.Eval::step).containsExactly(0L, 10L, 20L, 30L, 30L, 40L, 50L);
        assertThat(evals.getFirst().valLoss()).containsOnlyKeys("d0");
        assertThat(evals.getLast().valLoss()).containsOnlyKeys("d0", "d1");
        assertThat(evals.getLast().deltaSinceStageStart()).containsOnlyKeys("d0", "d1");
        assertThat(evals.getLast().tasks()).isNull();

        List<String> lines = Files.readAllLines(run.metricsFile());
        ObjectMapper json = new ObjectMapper();
        assertThat(fieldNames(json.readTree(lines.getFirst()))).containsExactly("type", "step", "stage", "stage_step",
                "val_loss", "delta_since_stage_start", "val_loss_stderr");
        assertThat(fieldNames(json.readTree(lines.get(1)))).containsExactly("type", "step", "stage", "stage_step",
                "tokens", "lr", "loss", "grad_norm", "skipped", "tokens_per_s", "consumed_tokens", "replayed_tokens");
        for (int i = 0; i < lines.size(); i++) {
            assertThat(MetricsFile.tree(records.get(i))).isEqualTo(json.readTree(lines.get(i)));
        }
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void aRunKilledWithSigkillResumesToTheSameWeightsAndMetrics() throws Exception {
        Path straight = write("straight.yaml", config("straight", 60, 60, ""));
        train(straight);
        Path killed = write("killed.yaml", config("killed", 60, 60, ""));
        Process process = launch(killed);
        waitForSteps(dir.resolve("killed"), 75, process);
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // SIGKILL: no chance to clean up
        assertThat(Files.exists(dir.resolve("killed/final"))).isFalse();
        Trainer.Outcome outcome = train(killed);
        assertThat(outcome.completed()).isTrue();
        assertThat(weights(dir.resolve("killed"))).isEqualTo(weights(dir.resolve("straight")));
        assertThat(metrics(dir.resolve("killed"))).isEqualTo(metrics(dir.resolve("straight")));
    }

    @Test
    void sigtermFinishesTheStepWritesACheckpointAndExitsZero() throws Exception {
        Path config = write("term.yaml", config("term", 60, 60, ""));
        Process process = launch(config);
        waitForSteps(dir.resolve("term"), 15, process);
        process.destroy(); // SIGTERM
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = Files.readString(config.resolveSibling(config.getFileName() + ".out"));
        assertThat(process.exitValue()).isZero();
        assertThat(out).contains("stopped at step").contains("resume with: perennial train");
        assertThat(train(config).completed()).isTrue();
        Path straight = write("straight2.yaml", config("straight2", 60, 60, ""));
        train(straight);
        assertThat(weights(dir.resolve("term"))).isEqualTo(weights(dir.resolve("straight2")));
    }

    @Test
    void aDamagedNewestCheckpointFallsBackToThePreviousOne() throws Exception {
        Path config = write("d.yaml", config("d", 20, 0, "").replace("""
                  - {name: d1, steps: 0, data: [{corpus: d1}], replay: 0.25,
                     schedule: {family: cosine, max_lr: 3e-3, warmup: 0.1}}
                """, ""));
        train(config);
        Path newest = dir.resolve("d/checkpoints/step-00000020/model.safetensors");
        byte[] bytes = Files.readAllBytes(newest);
        bytes[bytes.length - 1] ^= 1;
        Files.write(newest, bytes);
        ByteArrayOutputStream warnings = new ByteArrayOutputStream();
        Trainer.Outcome outcome = Trainer.run(TrainPlan.from(ConfigLoader.load(config, List.of())), false,
                new PrintStream(warnings, true), false);
        assertThat(outcome.completed()).isTrue();
        assertThat(warnings.toString()).contains("step-00000020 is damaged (model.safetensors does not match its checksum)");
    }

    @Test
    void resumingRefusesToRewriteThePastButAcceptsANewStage() throws Exception {
        Path config = write("c.yaml", config("c", 20, 10, ""));
        train(config);
        assertThatThrownBy(() -> train(config, "stages[0].replay=0", "stages[0].schedule.max_lr=1e-3"))
                .isInstanceOf(UserError.class).hasMessageContaining("with another stages[0]")
                .hasMessageContaining("appending stages is fine");
        assertThatThrownBy(() -> train(config, "seed=4")).hasMessageContaining("with another seed");
        Trainer.Outcome more = train(config, "stages[1].name=d1", "eval.interval=5");
        assertThat(more.completed()).isTrue();
        Path appended = write("c2.yaml", Files.readString(config) + """
                  - {name: d2, steps: 10, data: [{corpus: d0}], replay: 0.1,
                     schedule: {family: cosine, max_lr: 1e-3, warmup: 0.1}}
                """);
        assertThat(train(appended).completed()).isTrue();
        JsonNode lineage = new ObjectMapper().readTree(dir.resolve("c/final/lineage.json").toFile());
        assertThat(lineage.path("stages")).hasSize(3);
    }

    /**
     * A resume cuts metrics.jsonl back to what its checkpoint had seen: a file cut shorter than that is refused (it
     * used to be padded with NUL bytes up to the checkpoint's offset), and a file moved aside starts again, valid.
     */
    @Test
    void aMetricsFileCutShortIsRefusedAndOneMovedAsideStartsAgain() throws Exception {
        Path config = write("m.yaml", config("m", 20, 0, "").replace("""
                  - {name: d1, steps: 0, data: [{corpus: d1}], replay: 0.25,
                     schedule: {family: cosine, max_lr: 3e-3, warmup: 0.1}}
                """, ""));
        train(config);
        Path appended = write("m2.yaml", Files.readString(config) + """
                  - {name: d1, steps: 10, data: [{corpus: d1}], replay: 0.25,
                     schedule: {family: cosine, max_lr: 3e-3, warmup: 0.1}}
                """);
        Path metrics = dir.resolve("m/metrics.jsonl");
        byte[] whole = Files.readAllBytes(metrics);
        Files.write(metrics, Arrays.copyOf(whole, whole.length / 2));
        assertThatThrownBy(() -> train(appended)).isInstanceOf(UserError.class)
                .hasMessageContaining("metrics.jsonl holds " + whole.length / 2 + " bytes")
                .hasMessageContaining("cut short or replaced since");

        Files.move(metrics, dir.resolve("m/metrics.jsonl.old"));
        assertThat(train(appended).completed()).isTrue();
        MetricsFile.Chunk resumed = MetricsFile.readAll(metrics);
        assertThat(resumed.unreadableAt()).isEmpty();
        assertThat(Files.readAllBytes(metrics)).doesNotContain((byte) 0);
        assertThat(resumed.records()).allSatisfy(r -> assertThat(r.stage()).isEqualTo("d1"));
        assertThat(resumed.records().getLast().step()).isEqualTo(30);
    }

    /** One trainer per run folder: a second one on the same out: folder is refused while the first trains. */
    @Test
    void aSecondTrainerOnTheSameFolderIsRefusedWhileTheFirstTrains() throws Exception {
        Path config = write("locked.yaml", config("locked", 200, 10, ""));
        Process first = launch(config);
        try {
            waitForSteps(dir.resolve("locked"), 2, first);
            assertThatThrownBy(() -> train(config)).isInstanceOf(UserError.class)
                    .hasMessageContaining("is being trained by another process (pid " + first.pid() + ")");
        } finally {
            first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** A run stopped while writing its only checkpoint left nothing to resume: --resume says so instead of restarting. */
    @Test
    void resumeRefusesAHalfWrittenCheckpointAndSaysWhy() throws Exception {
        Path config = write("half.yaml", config("half", 10, 10, ""));
        Files.createDirectories(dir.resolve("half/checkpoints/.step-00000010.partial"));
        CliTest.Result resumed = CliTest.run("train", config.toString(), "--resume");
        assertThat(resumed.code()).isEqualTo(2);
        assertThat(resumed.err()).contains("holds no complete checkpoint, only the half-written "
                + ".step-00000010.partial of a run stopped while writing it; run without --resume to start over");
        ByteArrayOutputStream notes = new ByteArrayOutputStream();
        Trainer.Outcome fresh = Trainer.run(TrainPlan.from(ConfigLoader.load(config, List.of())), false,
                new PrintStream(notes, true), false);
        assertThat(fresh.completed()).isTrue();
        assertThat(notes.toString()).contains("holds only a half-written checkpoint (.step-00000010.partial)");
    }

    /**
     * A continual run from a model folder measures forgetting without being asked: it evaluates every corpus the
     * parent's ledger says the model read (here d0) as well as its new one, with no eval.corpora.
     */
    @Test
    void aRunFromAModelEvaluatesTheCorporaItsLedgerSaysTheModelRead() throws Exception {
        Path parent = write("parent.yaml", config("parent", 10, 0, "").replace("""
                  - {name: d1, steps: 0, data: [{corpus: d1}], replay: 0.25,
                     schedule: {family: cosine, max_lr: 3e-3, warmup: 0.1}}
                """, ""));
        assertThat(train(parent).completed()).isTrue();
        Path child = write("child.yaml", """
                seed: 3
                seq_len: 32
                global_batch: 8
                corpora: {d0: %s, d1: %s}
                model: {init: %s}
                eval: {interval: 5, sequences: 8}
                out: %s
                stages:
                  - {name: d1, steps: 10, data: [{corpus: d1}], replay: 0.25,
                     schedule: {family: cosine, max_lr: 3e-3, warmup: 0.1}}
                """.formatted(corpora.resolve("en"), corpora.resolve("de"), dir.resolve("parent/final"),
                dir.resolve("child")));
        assertThat(train(child).completed()).isTrue();
        List<MetricsRecord.Eval> evals = MetricsFile.readAll(new RunFolder(dir.resolve("child")).metricsFile())
                .records().stream().filter(r -> r instanceof MetricsRecord.Eval).map(r -> (MetricsRecord.Eval) r)
                .toList();
        assertThat(evals).isNotEmpty().allSatisfy(e -> assertThat(e.valLoss().keySet()).containsExactly("d0", "d1"));
        assertThat(evals.getLast().deltaSinceStageStart().get("d0")).isNotZero(); // forgetting, measured
    }

    /** The console shows every evaluation's losses per corpus and their change as the run goes. */
    @Test
    void theConsoleShowsEachEvaluationsLossesPerCorpus() throws Exception {
        Path config = write("console.yaml", config("console", 10, 10, ""));
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        PrintStream err = System.err;
        System.setErr(new PrintStream(console, true));
        try {
            Trainer.run(TrainPlan.from(ConfigLoader.load(config, List.of())), false, QUIET, true);
        } finally {
            System.setErr(err);
        }
        List<String> lines = console.toString().lines().filter(l -> l.startsWith("train: eval, ")).toList();
        assertThat(lines).hasSize(4); // each stage: its start and step 10 (the interval and its end)
        assertThat(lines.getFirst()).matches("train: eval, stage d0 step 0: d0 \\d+\\.\\d{4} \\(\\+0\\.0000\\)");
        assertThat(lines.getLast()).matches("train: eval, stage d1 step 10: d0 \\d+\\.\\d{4} \\([+-]\\d\\.\\d{4}\\), "
                + "d1 \\d+\\.\\d{4} \\(-\\d\\.\\d{4}\\)");
    }

    @Test
    void tooManyNonFiniteStepsStopWithAClearError() throws Exception {
        Path config = write("nan.yaml", config("nan", 20, 5, "max_nonfinite: 3\n"));
        assertThatThrownBy(() -> train(config, "stages[0].schedule.max_lr=1e30", "stages[0].schedule.warmup=0"))
                .isInstanceOf(UserError.class).hasMessageContaining("3 steps in a row had a non-finite loss or gradient");
    }

    @Test
    void refusesBadTrainingSettingsByKey() throws Exception {
        Path config = write("bad.yaml", config("bad", 5, 5, ""));
        assertThatThrownBy(() -> train(config, "micro_batch=3")).hasMessageContaining(
                "micro_batch: 3 does not divide global_batch 8");
        assertThatThrownBy(() -> train(config, "model.init=somewhere")).hasMessageContaining(
                "model: give exactly one of init:");
        assertThatThrownBy(() -> train(config, "optimizer.beta2=1.5")).hasMessageContaining("optimizer.beta2: 1.5 is not in");
        assertThatThrownBy(() -> train(config, "stages[5].replay=0.1")).hasMessageContaining("--set stages[5].replay=0.1");
        assertThatThrownBy(() -> train(config, "precision=bf16")).hasMessageContaining(
                "precision: 'bf16' is not one of fp32, bf16-mixed");
        assertThatThrownBy(() -> train(config, "device=gpu")).hasMessageContaining(
                "device: 'gpu' is not a device; give cpu, cuda or cuda:N");
        assertThatThrownBy(() -> train(config, "distributed.bucket_mb=0")).hasMessageContaining(
                "distributed.bucket_mb: 0");
        assertThatThrownBy(() -> train(config, "precision=bf16-mixed", "distributed.overlap=true"))
                .hasMessageContaining("distributed.overlap: true cannot be combined with precision: bf16-mixed");
        assertThatThrownBy(() -> train(config, "activation_checkpointing=true", "distributed.overlap=true"))
                .hasMessageContaining("distributed.overlap: true cannot be combined with activation_checkpointing");
    }

    @Test
    void refusesCorporaTokenizedWithAnotherTokenizer() throws Exception {
        Path tok = dir.resolve("bpe");
        TokenizerFiles.write(BpeTrainer.train(
                List.of("some text to learn from, some text").iterator(), 260), tok);
        Path config = write("tok.yaml", config("tok", 5, 5, ""));
        assertThatThrownBy(() -> train(config, "tokenizer=" + tok))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("was tokenized with byte")
                .hasMessageContaining("prepare it again with the model's tokenizer");
    }

    static Process launch(Path config) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        ProcessBuilder builder = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED",
                "-Djdk.lang.processReaperUseDefaultStackSize=true", "-cp", classpath,
                "dev.perennial.cli.Main", "train", config.toString());
        builder.redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.redirectOutput(config.resolveSibling(config.getFileName() + ".out").toFile());
        return builder.start();
    }

    static void waitForSteps(Path run, int steps, Process process) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        Path metrics = run.resolve("metrics.jsonl");
        while (System.nanoTime() < deadline && process.isAlive()) {
            if (Files.exists(metrics) && Files.readAllLines(metrics).stream().filter(l -> l.contains("\"step\"")
                    && l.contains("\"type\":\"step\"")).count() >= steps) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the training process did not reach step " + steps);
    }
}

package dev.perennial.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.perennial.config.ConfigLoader;
import dev.perennial.tensor.Safetensors;
import dev.perennial.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Data-parallel training on c10d over loopback: 2 workers against 1, a killed worker, resuming with another count. */
class DistributedTest {

    @TempDir
    Path dir;

    Path config(String name, int steps) throws Exception {
        return config(name, steps, 8, "");
    }

    /** A run of {@code steps} steps of {@code globalBatch} sequences, with {@code extra} YAML lines. */
    Path config(String name, int steps, int globalBatch, String extra) throws Exception {
        TrainerTest.prepareCorpora(); // shared tiny corpora (idempotent per JVM through the static @TempDir)
        Path file = dir.resolve(name + ".yaml");
        Files.writeString(file, extra + """
                seed: 5
                seq_len: 32
                global_batch: %d
                micro_batch: 2
                tokenizer: byte
                corpora: {d0: %s}
                model:
                  config: {model_type: gpt_neox, vocab_size: 257, hidden_size: 32, num_hidden_layers: 2,
                           num_attention_heads: 2, intermediate_size: 64, max_position_embeddings: 64}
                eval: {interval: 10, sequences: 8, batch: 2}
                checkpoint: {interval: 5, keep: 2}
                out: %s
                stages:
                  - {name: d0, steps: %d, data: [{corpus: d0}], schedule: {family: cosine, max_lr: 3e-3, warmup: 0.1}}
                """.formatted(globalBatch, TrainerTest.corpora.resolve("en"), dir.resolve(name), steps));
        return file;
    }

    Process launch(Path config, int workers, int port) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        ProcessBuilder b = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED",
                "-Djdk.lang.processReaperUseDefaultStackSize=true", "-cp", classpath,
                "dev.perennial.cli.Main", "launch", "--nproc-per-node", String.valueOf(workers), "--master-port",
                String.valueOf(port), "--timeout", "15", "--", "train", config.toString());
        b.redirectErrorStream(true).redirectOutput(config.resolveSibling(config.getFileName() + ".out").toFile());
        return b.start();
    }

    static List<JsonNode> steps(Path run) throws IOException {
        List<JsonNode> steps = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
            JsonNode r = new ObjectMapper().readTree(line);
            if (r.path("type").asText().equals("step")) {
                steps.add(r);
            }
        }
        return steps;
    }

    @Test
    void twoWorkersTrainLikeOneWithTheSameGlobalBatch() throws Exception {
        Trainer.run(TrainPlan.from(ConfigLoader.load(config("one", 20), List.of())), false, TrainerTest.QUIET, false);
        Process two = launch(config("two", 20), 2, 29611);
        assertThat(two.waitFor(180, TimeUnit.SECONDS)).isTrue();
        assertThat(two.exitValue()).as(Files.readString(dir.resolve("two.yaml.out"))).isZero();
        List<JsonNode> a = steps(dir.resolve("one"));
        List<JsonNode> b = steps(dir.resolve("two"));
        assertThat(b).hasSize(20);
        for (int i = 0; i < 20; i++) {
            double la = a.get(i).path("loss").asDouble();
            assertThat(b.get(i).path("loss").asDouble()).as("step %d", i + 1)
                    .isCloseTo(la, org.assertj.core.api.Assertions.within(1e-5 * Math.abs(la)));
        }
        Map<String, Tensor> wa = Safetensors.read(dir.resolve("one/final/model.safetensors"), torch.ScalarType.Float);
        Map<String, Tensor> wb = Safetensors.read(dir.resolve("two/final/model.safetensors"), torch.ScalarType.Float);
        try (PointerScope scope = new PointerScope()) {
            // Adam turns fp32 reduction-order differences of near-zero gradients into steps of size ~lr, so the
            // weights agree to a relative tolerance rather than bit for bit
            for (String name : wa.keySet()) {
                double relative = wa.get(name).sub(wb.get(name)).norm().item_double()
                        / Math.max(1e-12, wa.get(name).norm().item_double());
                assertThat(relative).as(name).isLessThan(1e-2);
            }
        }
    }

    @Test
    void aKilledWorkerStopsTheRunWhichResumesWithAnotherWorkerCount() throws Exception {
        Path config = config("killed", 60);
        Process launcher = launch(config, 2, 29623);
        Path metrics = dir.resolve("killed/metrics.jsonl");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline && (!Files.exists(metrics) || Files.readAllLines(metrics).stream()
                .filter(l -> l.contains("\"type\":\"step\"")).count() < 22)) {
            Thread.sleep(20);
        }
        ProcessHandle worker = launcher.toHandle().children().filter(ProcessHandle::isAlive).reduce((x, y) -> y)
                .orElseThrow();
        worker.destroyForcibly(); // SIGKILL one worker
        assertThat(launcher.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String out = Files.readString(dir.resolve("killed.yaml.out"));
        assertThat(launcher.exitValue()).as(out).isEqualTo(2);
        assertThat(out).contains("worker rank").contains("the other workers were stopped");
        assertThat(dir.resolve("killed/checkpoints")).isNotEmptyDirectory();
        // resume with one worker instead of two: the global batch is what matters
        Trainer.Outcome resumed = Trainer.run(TrainPlan.from(ConfigLoader.load(config, List.of())), false,
                TrainerTest.QUIET, false);
        assertThat(resumed.completed()).isTrue();
        assertThat(steps(dir.resolve("killed"))).hasSize(60);
    }

    private static final String SHARDED = "distributed: {shard_optimizer: true}\n";

    @Test
    void twoAndThreeShardedWorkersTrainLikeOneUnsharded() throws Exception {
        Trainer.run(TrainPlan.from(ConfigLoader.load(config("one", 30, 12, ""), List.of())), false,
                TrainerTest.QUIET, false);
        List<JsonNode> one = steps(dir.resolve("one"));
        for (int workers : new int[] {2, 3}) {
            String name = "sharded" + workers;
            Process run = launch(config(name, 30, 12, SHARDED), workers, 29680 + workers);
            assertThat(run.waitFor(300, TimeUnit.SECONDS)).isTrue();
            assertThat(run.exitValue()).as(Files.readString(dir.resolve(name + ".yaml.out"))).isZero();
            List<JsonNode> sharded = steps(dir.resolve(name));
            assertThat(sharded).hasSize(30);
            for (int i = 0; i < 30; i++) {
                double expected = one.get(i).path("loss").asDouble();
                assertThat(sharded.get(i).path("loss").asDouble()).as("%d workers, step %d", workers, i + 1)
                        .isCloseTo(expected, org.assertj.core.api.Assertions.within(1e-5 * Math.abs(expected)));
            }
        }
    }

    @Test
    void aKilledShardedRunResumesWithOneUnshardedWorker() throws Exception {
        Path config = config("killedSharded", 40, 12, SHARDED);
        Process launcher = launch(config, 3, 29691);
        Path metrics = dir.resolve("killedSharded/metrics.jsonl");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
        while (System.nanoTime() < deadline && (!Files.exists(metrics) || Files.readAllLines(metrics).stream()
                .filter(l -> l.contains("\"type\":\"step\"")).count() < 12)) {
            Thread.sleep(20);
        }
        ProcessHandle worker = launcher.toHandle().children().filter(ProcessHandle::isAlive).reduce((x, y) -> y)
                .orElseThrow();
        worker.destroyForcibly(); // SIGKILL one worker
        assertThat(launcher.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(launcher.exitValue()).as(Files.readString(dir.resolve("killedSharded.yaml.out"))).isEqualTo(2);
        assertThat(dir.resolve("killedSharded/checkpoints")).isNotEmptyDirectory();
        // one worker, AdamW's state whole again: the checkpoint's per-parameter state does not care
        Trainer.Outcome resumed = Trainer.run(TrainPlan.from(ConfigLoader.load(config,
                List.of("distributed.shard_optimizer=false"))), false, TrainerTest.QUIET, false);
        assertThat(resumed.completed()).isTrue();
        assertThat(steps(dir.resolve("killedSharded"))).hasSize(40);
    }

    @Test
    void shardingWithOverlapIsRefusedBeforeAnythingRuns() throws Exception {
        Path config = config("both", 2, 8, "distributed: {shard_optimizer: true, overlap: true}\n");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TrainPlan.from(ConfigLoader.load(config, List.of())))
                .isInstanceOf(dev.perennial.UserError.class)
                .hasMessageContaining("distributed.overlap: true cannot be combined with shard_optimizer: true");
    }
}

package dev.perennial.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code perennial plan} as a user meets it: a model folder's config.json, a run config, and the refusals. */
class PlanCommandTest {

    @TempDir
    Path dir;

    /** A tiny Llama of 5,104 parameters (its count made by hand in MemoryPlanTest). */
    private Path model() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("tiny"));
        Files.writeString(folder.resolve("config.json"), """
                {"model_type": "llama", "vocab_size": 37, "hidden_size": 16, "num_hidden_layers": 2,
                 "num_attention_heads": 4, "num_key_value_heads": 2, "intermediate_size": 24,
                 "max_position_embeddings": 64, "tie_word_embeddings": false}""");
        return folder;
    }

    private static JsonNode json(CliTest.Result r) throws Exception {
        assertThat(r.code()).as(r.err()).isZero();
        return new ObjectMapper().readTree(r.out());
    }

    @Test
    void reportsEveryPartItsTotalAndWhetherItFits() throws Exception {
        String folder = model().toString();
        JsonNode plan = json(CliTest.run("plan", "--model", folder, "--gpus", "2", "--gpu-memory", "1", "--seq", "8",
                "--global-batch", "8", "--micro-batch", "2", "--shard-optimizer", "--format", "json"));
        assertThat(plan.path("parameters").asLong()).isEqualTo(5104);
        assertThat(plan.path("optimizer_bytes").asLong()).isEqualTo(8 * 5104 / 2);
        assertThat(plan.path("micro_batch").asInt()).isEqualTo(2);
        long parts = 0;
        for (String part : new String[] {"weights", "gradients", "optimizer", "activations", "logits", "allowance"}) {
            parts += plan.path(part + "_bytes").asLong();
        }
        assertThat(plan.path("total_bytes").asLong()).isEqualTo(parts);
        // the allowance holds a CUDA context of 1 GiB, so 1 GiB is too small and 2 GiB is plenty for 4 sequences
        assertThat(plan.path("fits").asBoolean()).isFalse();
        assertThat(plan.path("largest_micro_batch").asInt()).isZero();
        JsonNode roomy = json(CliTest.run("plan", "--model", folder, "--gpus", "2", "--gpu-memory", "2", "--seq", "8",
                "--global-batch", "8", "--format", "json"));
        assertThat(roomy.path("fits").asBoolean()).isTrue();
        assertThat(roomy.path("micro_batch").asInt()).isEqualTo(4);
        assertThat(roomy.path("largest_micro_batch").asInt()).isEqualTo(4);

        CliTest.Result table = CliTest.run("plan", "--model", folder + "/config.json", "--gpus", "1", "--gpu-memory",
                "2", "--seq", "8", "--global-batch", "4", "--precision", "bf16-mixed", "--activation-checkpointing");
        assertThat(table.code()).as(table.err()).isZero();
        assertThat(table.out()).contains("5,104 parameters").contains("fp32 master + bf16 working copy")
                .contains("activation checkpointing").contains("fits in 2.00 GiB")
                .contains("largest micro-batch that fits: 4");
    }

    @Test
    void readsTheShapeFromARunConfig() throws Exception {
        Path run = dir.resolve("run.yaml");
        Files.writeString(run, """
                seq_len: 8
                global_batch: 8
                micro_batch: 2
                tokenizer: byte
                precision: bf16-mixed
                distributed: {shard_optimizer: true}
                model: {init: tiny}
                corpora: {d0: corpus}
                out: out
                stages: [{name: a, steps: 1, data: [{corpus: d0}], schedule: {family: constant}}]
                """);
        model();
        JsonNode plan = json(CliTest.run("plan", "--config", run.toString(), "--gpus", "4", "--gpu-memory", "2",
                "--format", "json"));
        assertThat(plan.path("model").asText()).isEqualTo("tiny");
        assertThat(plan.path("precision").asText()).isEqualTo("bf16-mixed");
        assertThat(plan.path("shard_optimizer").asBoolean()).isTrue();
        assertThat(plan.path("optimizer_bytes").asLong()).isEqualTo(8 * 5104 / 4);
        assertThat(plan.path("weights_bytes").asLong()).isEqualTo(6 * 5104);
        assertThat(plan.path("micro_batch").asInt()).isEqualTo(2);
    }

    @Test
    void refusesWhatCannotBePlanned() throws Exception {
        String folder = model().toString();
        CliTest.Result split = CliTest.run("plan", "--model", folder, "--gpus", "3", "--gpu-memory", "80", "--seq",
                "8", "--global-batch", "8");
        assertThat(split.code()).isEqualTo(2);
        assertThat(split.err()).contains("global batch 8 does not divide into 3 GPUs");

        CliTest.Result micro = CliTest.run("plan", "--model", folder, "--gpus", "2", "--gpu-memory", "80", "--seq",
                "8", "--global-batch", "8", "--micro-batch", "3");
        assertThat(micro.err()).contains("micro batch 3 does not divide the 4 sequences");

        CliTest.Result longer = CliTest.run("plan", "--model", folder, "--gpus", "1", "--gpu-memory", "80", "--seq",
                "65", "--global-batch", "8");
        assertThat(longer.err()).contains("max_position_embeddings 64");

        CliTest.Result missing = CliTest.run("plan", "--model", dir.resolve("nowhere").toString(), "--gpus", "1",
                "--gpu-memory", "80", "--seq", "8", "--global-batch", "8");
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("no such file or folder");

        CliTest.Result both = CliTest.run("plan", "--config", dir.resolve("run.yaml").toString(), "--seq", "8",
                "--gpus", "1", "--gpu-memory", "0");
        assertThat(both.code()).isEqualTo(2);
        assertThat(both.err()).contains("--seq: the run config").contains("and 1 more");

        CliTest.Result precision = CliTest.run("plan", "--model", folder, "--gpus", "1", "--gpu-memory", "80",
                "--seq", "8", "--global-batch", "8", "--precision", "fp16");
        assertThat(precision.err()).contains("--precision: 'fp16' is not one of fp32, bf16-mixed");
    }
}

package dev.perennial.train;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.io.Json;
import dev.perennial.model.ModelConfig;
import dev.perennial.model.ModelConfigs;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The memory plan against counts made here by hand from the forward passes (ActivationFootprint's formula written
 * out term by term for tiny configs, not computed by calling it), and against the peak memory of real steps.
 */
class MemoryPlanTest {

    /** V 37, D 16, 2 layers, 4 heads of 4 (full rotary), 2 kv heads, F 24, untied: 5,104 parameters. */
    private static final ModelConfig LLAMA = config("""
            {"model_type": "llama", "vocab_size": 37, "hidden_size": 16, "num_hidden_layers": 2,
             "num_attention_heads": 4, "num_key_value_heads": 2, "intermediate_size": 24,
             "max_position_embeddings": 64, "tie_word_embeddings": false}""");

    /** V 37, D 16, 2 layers, 2 heads of 8 with 4 rotary dims, F 32, biases, parallel residual: 5,664 parameters. */
    private static final ModelConfig NEOX = config("""
            {"model_type": "gpt_neox", "vocab_size": 37, "hidden_size": 16, "num_hidden_layers": 2,
             "num_attention_heads": 2, "intermediate_size": 32, "rotary_pct": 0.5,
             "max_position_embeddings": 64, "use_parallel_residual": true, "tie_word_embeddings": false}""");

    /** Micro-batches of 2 sequences of 8 tokens. */
    private static final long TOKENS = 2 * 8;

    private static ModelConfig config(String json) {
        try {
            return ModelConfigs.parse((ObjectNode) Json.MAPPER.readTree(json), "test");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static MemoryPlan plan(ModelConfig c, int ranks, Precision precision, boolean shard, boolean checkpoint) {
        return MemoryPlan.of(new MemoryPlan.Setup(c, ranks, 8, 2, precision, shard, checkpoint, 0));
    }

    // fp32 bytes per token of one tiny Llama layer, term by term:
    // two RMSNorms, each x² (16·4) + x·rsqrt (16·4) + 3 float statistics + w·x (16·4)
    private static final long LLAMA_NORM = 16 * 4 + 16 * 4 + 3 * 4 + 16 * 4;
    private static final long LLAMA_LAYER = 2 * LLAMA_NORM
            + (16 + 8 + 8) * 4                 // q, k, v
            + (4 + 2) * (2 + 4 + 4 + 4 + 4) * 4 // rotary on 6 heads: −x2, cat, ·cos, ·sin, sum
            + 2 * 16 * 4                       // k and v repeated to 4 heads
            + 16 * 4 + 4 * 4                   // attention output, log-sum-exp per head
            + 16 * 4 + 16 * 4                  // o, residual
            + 4 * 24 * 4 + 16 * 4 + 16 * 4;    // gate, silu, up, product; down; residual
    private static final long LOGITS_FP32 = 4 * 37 * 4; // logits, log-probabilities, their two gradients

    @Test
    void fp32LlamaMatchesTheCountByHand() {
        MemoryPlan p = plan(LLAMA, 1, Precision.FP32, false, false);
        long params = 37 * 16 + 2 * (16 + 16 + 16 * 16 + 8 * 16 + 8 * 16 + 16 * 16 + 3 * 24 * 16) + 16 + 37 * 16;
        assertThat(p.parameters()).isEqualTo(params).isEqualTo(5104);
        assertThat(p.weights()).isEqualTo(4 * params);
        assertThat(p.gradients()).isEqualTo(4 * params);
        assertThat(p.optimizer()).isEqualTo(2 * 4 * params);
        assertThat(LLAMA_LAYER).isEqualTo(1816);
        assertThat(p.activations()).isEqualTo(TOKENS * (16 * 4 + 2 * LLAMA_LAYER + LLAMA_NORM));
        assertThat(p.logits()).isEqualTo(TOKENS * LOGITS_FP32);
        long counted = 4 * params * 4 + TOKENS * (16 * 4 + 2 * LLAMA_LAYER + LLAMA_NORM + LOGITS_FP32);
        assertThat(p.allowance()).isEqualTo((long) Math.ceil(counted * 0.05));
        assertThat(p.total()).isEqualTo(counted + p.allowance());
    }

    @Test
    void checkpointingKeepsEveryLayersInputAndOneLayerAtATime() {
        MemoryPlan p = plan(LLAMA, 1, Precision.FP32, false, true);
        // the inputs of both layers and the last hidden state, one recomputed layer, the final norm
        assertThat(p.activations()).isEqualTo(TOKENS * (3 * 16 * 4 + LLAMA_LAYER + LLAMA_NORM));
        assertThat(p.activations()).isLessThan(plan(LLAMA, 1, Precision.FP32, false, false).activations());
        assertThat(p.activationsPerLayer()).isEqualTo(TOKENS * LLAMA_LAYER);
    }

    @Test
    void bf16MixedAddsAWorkingCopyAndHalvesTheActivationsButNotTheNormsStatistics() {
        MemoryPlan p = plan(LLAMA, 1, Precision.BF16_MIXED, false, false);
        assertThat(p.weights()).isEqualTo(5104 * (4 + 2));
        assertThat(p.gradients()).isEqualTo(5104 * (4 + 2));
        assertThat(p.optimizer()).isEqualTo(5104 * 8);
        // RMSNorm: fp32 copy, x², x·rsqrt, 3 statistics (fp32), the cast back and w·x (bf16)
        long norm = 16 * 4 + 16 * 4 + 16 * 4 + 3 * 4 + 16 * 2 + 16 * 2;
        long layer = 2 * norm + 32 * 2 + 6 * 18 * 2 + 2 * 16 * 2 + (16 * 2 + 4 * 4) + 2 * 16 * 2 + 4 * 24 * 2
                + 2 * 16 * 2;
        assertThat(p.activations()).isEqualTo(TOKENS * (16 * 2 + 2 * layer + norm));
        // bf16 logits, their fp32 copy, the log-probabilities, two fp32 gradients and the bf16 one
        assertThat(p.logits()).isEqualTo(TOKENS * 37 * (2 + 4 + 4 + 2 * 4 + 2));
    }

    @Test
    void aShardedOptimizerKeepsItsShareOfThePaddedParameters() {
        assertThat(plan(LLAMA, 4, Precision.FP32, true, false).optimizer()).isEqualTo(8 * (5104 / 4));
        assertThat(plan(LLAMA, 3, Precision.FP32, true, false).optimizer()).isEqualTo(8 * 1702); // ⌈5104 / 3⌉
        assertThat(plan(LLAMA, 3, Precision.FP32, false, false).optimizer()).isEqualTo(8 * 5104);
        assertThat(plan(LLAMA, 3, Precision.FP32, true, false).weights()).isEqualTo(4 * 5104);
    }

    @Test
    void gptNeoXCountsLayerNormsFusedQkvAndPartialRotary() {
        MemoryPlan p = plan(NEOX, 1, Precision.FP32, false, false);
        long params = 37 * 16 + 2 * (4 * 16 + 48 * 16 + 48 + 16 * 16 + 16 + 32 * 16 + 32 + 16 * 32 + 16) + 2 * 16
                + 37 * 16;
        assertThat(p.parameters()).isEqualTo(params).isEqualTo(5664);
        long norm = 16 * 4 + 2 * 4; // output, mean and rstd
        long layer = 2 * norm
                + 48 * 4                             // fused qkv
                + 4 * (2 + 4 + 4 + 4 + 4 + 8) * 4    // rotary on 4 dims of q's and k's 2 heads, cat with the rest
                + 16 * 4 + 2 * 4                     // attention, log-sum-exp
                + 16 * 4                             // dense
                + 32 * 4 + 32 * 4 + 16 * 4           // up, gelu, down
                + 2 * 16 * 4;                        // the two residual sums
        assertThat(layer).isEqualTo(1336);
        assertThat(p.activations()).isEqualTo(TOKENS * (16 * 4 + 2 * layer + norm));
        assertThat(p.logits()).isEqualTo(TOKENS * LOGITS_FP32);
    }

    @Test
    void theLargestMicroBatchIsTheLargestDivisorOfTheRanksBatchThatFits() {
        MemoryPlan.Setup setup = new MemoryPlan.Setup(LLAMA, 1, 8, 1, Precision.FP32, false, false, 0);
        long six = MemoryPlan.of(setup.withMicroBatch(6)).total();
        long twelve = MemoryPlan.of(setup.withMicroBatch(12)).total();
        assertThat(MemoryPlan.largestMicroBatch(setup, 12, twelve)).isEqualTo(12);
        assertThat(MemoryPlan.largestMicroBatch(setup, 12, twelve - 1)).isEqualTo(6); // 7 to 11 do not divide 12
        assertThat(MemoryPlan.largestMicroBatch(setup, 12, six)).isEqualTo(6);
        assertThat(MemoryPlan.largestMicroBatch(setup, 12, MemoryPlan.of(setup).total() - 1)).isZero();
    }

    private static final String MEDIUM_LLAMA = """
            {"model_type": "llama", "vocab_size": 2048, "hidden_size": 128, "num_hidden_layers": 4,
             "num_attention_heads": 4, "num_key_value_heads": 2, "intermediate_size": 344,
             "max_position_embeddings": 256}""";

    /**
     * The plan against reality: the rise of the resident set while a model is created and trained for two fp32
     * AdamW steps on this CPU, in a process of its own. Reported, and bounded generously (within 2×), since the
     * JVM, the allocator and libtorch's own buffers move the measurement. The Llama also checks that gradient
     * accumulation frees each micro-batch's activations before the next: four micro-batches of 2 need far less than
     * one of 8 (they needed as much while the step's scope alone held them).
     */
    @Test
    void thePlanIsWithinTwiceTheMeasuredPeakOfRealSteps() throws Exception {
        String neox = """
                {"model_type": "gpt_neox", "vocab_size": 2048, "hidden_size": 128, "num_hidden_layers": 4,
                 "num_attention_heads": 4, "intermediate_size": 512, "max_position_embeddings": 256}""";
        long[] llama = measuredRiseBytes(MEDIUM_LLAMA, "2x4", "8x1");
        System.out.printf("memory of a Llama step: 4 micro-batches of 2 %.1f MB, 1 of 8 %.1f MB%n", llama[0] / 1e6,
                llama[1] / 1e6);
        assertThat(llama[0]).isLessThan(llama[1] * 2 / 3);
        assertWithinTwice(MEDIUM_LLAMA, llama[1]);
        assertWithinTwice(neox, measuredRiseBytes(neox, "8x1")[0]);
    }

    private static void assertWithinTwice(String json, long measured) {
        ModelConfig c = config(json);
        long planned = MemoryPlan.of(new MemoryPlan.Setup(c, 1, SEQ, 8, Precision.FP32, false, false, 0)).total();
        System.out.printf("memory plan %s: planned %.1f MB, measured rise %.1f MB (ratio %.2f)%n", c.modelType(),
                planned / 1e6, measured / 1e6, planned / (double) measured);
        assertThat(planned).as("planned against measured bytes").isBetween(measured / 2, measured * 2);
    }

    /** Tokens per sequence of the measured steps. */
    private static final int SEQ = 128;

    /** The rise of the resident set after each setting ("MICROxCOUNT"), in one probe process. */
    private static long[] measuredRiseBytes(String json, String... settings) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED",
                // a heap of fixed size, touched at start, so that its growth is not measured
                "-Xms128m", "-Xmx128m", "-XX:+AlwaysPreTouch", "-XX:+UseSerialGC",
                // and no JavaCPP limit derived from that small heap
                "-Dorg.bytedeco.javacpp.maxBytes=0", "-Dorg.bytedeco.javacpp.maxPhysicalBytes=0", "-cp", classpath,
                StepMemoryProbe.class.getName(), json, String.valueOf(SEQ)));
        command.addAll(List.of(settings));
        Process probe = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(probe.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(probe.exitValue()).as(out).isZero();
        return out.lines().mapToLong(line -> {
            String[] kb = line.split(" ");
            return (Long.parseLong(kb[1]) - Long.parseLong(kb[0])) * 1024;
        }).toArray();
    }
}

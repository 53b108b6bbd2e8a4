package dev.perennial.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.io.Hashing;
import dev.perennial.io.Json;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 25's user mistakes that used to end in "internal error" (exit 1), C++ frames or silent acceptance: each is
 * now one line, {@code error: …}, and exit status 2.
 */
class UserMistakeCliTest {

    @TempDir
    static Path shared;

    static Path text;
    static Path corpus;
    static Path model;

    @BeforeAll
    static void corpusAndModel() throws IOException {
        CorpusAndModel made = CorpusAndModel.in(shared);
        text = made.text();
        corpus = made.corpus();
        model = made.model();
    }

    /** Exit 2 and exactly one line that starts with "error:" and holds {@code expected}. */
    static void refusedInOneLine(CliTest.Result r, String expected) {
        assertThat(r.code()).as(r.err()).isEqualTo(2);
        assertThat(r.err().strip()).startsWith("error: ").contains(expected).doesNotContain("\n");
    }

    @TempDir
    Path dir;

    Path runConfig(String seqLen, String modelConfig, String maxLr) throws IOException {
        Path config = dir.resolve("run.yaml");
        Files.writeString(config, """
                seq_len: %s
                global_batch: 2
                tokenizer: byte
                corpora: {en: %s}
                model:
                  config: {%s}
                out: %s
                stages:
                  - {name: a, steps: 2, data: [{corpus: en}], schedule: {family: cosine, max_lr: %s}}
                """.formatted(seqLen, corpus, modelConfig, dir.resolve("run"), maxLr));
        return config;
    }

    static String llama(String overrides) {
        return "model_type: llama, vocab_size: 257, hidden_size: 32, num_hidden_layers: 2, num_attention_heads: 4, "
                + "intermediate_size: 64, max_position_embeddings: 64" + overrides;
    }

    @Test
    void aPeakLearningRateBeyondAFloatIsRefusedByKey() throws IOException {
        refusedInOneLine(CliTest.run("train", runConfig("16", llama(""), "1e300").toString()),
                "stages[0].schedule.max_lr: 1e300 is more than libtorch holds in a float");
    }

    @Test
    void anIntermediateSizeTooLargeForMemoryIsRefusedBeforeAllocating() throws IOException {
        String config = runConfig("16", llama("").replace("intermediate_size: 64",
                "intermediate_size: 1000000000"), "3e-4").toString();
        refusedInOneLine(CliTest.run("train", config), "run.yaml: model.config: vocab_size 257, hidden_size 32, "
                + "intermediate_size 1000000000 and num_hidden_layers 2 make 192,000,024,800 parameters");
        assertThat(CliTest.run("train", config).err()).contains("of memory is available; make the model smaller");
    }

    @Test
    void aMillionLayersAreRefusedWithoutBuildingTheirShapes() throws IOException {
        long before = usedHeap();
        String config = runConfig("16", llama("").replace("num_hidden_layers: 2", "num_hidden_layers: 1000000"),
                "3e-4").toString();
        refusedInOneLine(CliTest.run("train", config), "num_hidden_layers is 1000000, more than 10000");
        assertThat(usedHeap() - before).isLessThan(512L << 20);
    }

    private static long usedHeap() {
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }

    @Test
    void moreTokensPerSequenceThanTheModelHasPositionsIsRefusedNamingBothKeys() throws IOException {
        refusedInOneLine(CliTest.run("train", runConfig("128", llama(""), "3e-4").toString()),
                "model.config.max_position_embeddings: 64 is below seq_len 128");
    }

    @Test
    void aGlobalBatchBeyondAnIntIsRefusedAsGivenNotClampedAndReported() throws IOException {
        Path config = runConfig("16", llama(""), "3e-4");
        Files.writeString(config, Files.readString(config).replace("global_batch: 2",
                "global_batch: 3000000000\nmicro_batch: 7"));
        CliTest.Result r = CliTest.run("train", config.toString());
        refusedInOneLine(r, "global_batch: 3000000000 is more than 2,147,483,647");
        assertThat(r.err()).doesNotContain("2147483647");
    }

    @Test
    void aRunConfigWithAKeyGivenTwiceIsRefused() throws IOException {
        Path config = runConfig("16", llama(""), "3e-4");
        Files.writeString(config, "seq_len: 32\n" + Files.readString(config));
        refusedInOneLine(CliTest.run("train", config.toString()), "seq_len");
        assertThat(CliTest.run("train", config.toString()).err()).containsIgnoringCase("duplicate");
    }

    @Test
    void evalRefusesASequenceLengthOfZero() {
        refusedInOneLine(CliTest.run("eval", "--model", model.toString(), "--corpus", corpus.toString(), "--seq-len",
                "0"), "--seq-len 0 must be at least 1");
        refusedInOneLine(CliTest.run("eval", "--model", model.toString(), "--corpus", corpus.toString(),
                "--sequences", "0"), "--sequences 0 must be at least 1");
    }

    @Test
    void evalRefusesCorpusTokenIdsBeyondTheModelsVocabulary() throws IOException {
        Path damaged = dir.resolve("damaged");
        copyFolder(corpus, damaged);
        try (FileChannel shard = FileChannel.open(damaged.resolve("val-00000.bin"), StandardOpenOption.WRITE)) {
            shard.write(ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort(0, (short) 60000), 0);
        }
        // record the new content, so that the corpus is consistent and only its ids are out of range
        ObjectNode metadata = (ObjectNode) Json.MAPPER.readTree(damaged.resolve("metadata.json").toFile());
        ((ObjectNode) metadata.path("file_sha256")).put("val-00000.bin",
                Hashing.sha256(damaged.resolve("val-00000.bin")));
        Files.write(damaged.resolve("metadata.json"), Json.FILE.writeValueAsBytes(metadata));
        refusedInOneLine(CliTest.run("eval", "--model", model.toString(), "--corpus", damaged.toString(), "--seq-len",
                "16", "--sequences", "2"), "token id 60000 but the model's vocab_size is 257");
    }

    @Test
    void aModelFolderWhoseConfigImpliesFarMoreWeightsThanItsFilesHoldIsRefusedBeforeMapping() throws IOException {
        Path folder = dir.resolve("huge");
        copyFolder(model, folder);
        ObjectNode config = (ObjectNode) Json.MAPPER.readTree(folder.resolve("config.json").toFile());
        config.put("intermediate_size", 1_000_000_000);
        Files.write(folder.resolve("config.json"), Json.FILE.writeValueAsBytes(config));
        CliTest.Result r = CliTest.run("eval", "--model", folder.toString(), "--corpus", corpus.toString(), "--seq-len",
                "16");
        refusedInOneLine(r, "config.json does not describe these weights");
        assertThat(r.err()).contains("intermediate_size 1000000000").doesNotContain("frame #");
    }

    /** Checks come before output: nothing is printed or computed before the refusal. */
    @Test
    void evalRefusesASequenceLongerThanTheModelsPositionsBeforeEvaluating() {
        CliTest.Result r = CliTest.run("eval", "--model", model.toString(), "--corpus", corpus.toString(), "--seq-len",
                "100000");
        refusedInOneLine(r, "--seq-len 100000 is beyond the");
        assertThat(r.err()).contains("(max_position_embeddings); choose --seq-len");
        assertThat(r.out()).isEmpty();
        assertThat(CliTest.run("eval", "--help").out()).contains("(default: 128)");
    }

    @Test
    void aTokensAxisWithoutTokensPerStepIsRefusedBeforeTheTableIsPrinted() {
        CliTest.Result r = CliTest.run("schedule", "--family", "cosine", "--total-steps", "100", "--x", "tokens",
                "--plot", dir.resolve("lr.png").toString());
        refusedInOneLine(r, "--x tokens: the run does not say how many tokens a step reads");
        assertThat(r.out()).isEmpty();
        assertThat(dir.resolve("lr.png")).doesNotExist();
    }

    /** A prompt longer than the positions is refused before it is echoed, and --truncate left keeps its end. */
    @Test
    void aPromptTooLongForThePositionsIsRefusedOrCutWithTruncateLeft() {
        String prompt = "the cat sat on the mat ".repeat(10); // 230 byte tokens, the model has 128 positions
        CliTest.Result refused = CliTest.run("generate", "--model", model.toString(), "--prompt", prompt);
        refusedInOneLine(refused, "the prompt (230 tokens) plus 64 new tokens exceed the model's 128 positions");
        assertThat(refused.err()).contains("pass --truncate left to keep its last 64 tokens");
        assertThat(refused.out()).isEmpty();
        CliTest.Result cut = CliTest.run("generate", "--model", model.toString(), "--prompt", prompt, "--truncate",
                "left", "--max-new-tokens", "4");
        assertThat(cut.code()).as(cut.err()).isZero();
        assertThat(cut.err()).contains("note: the prompt was cut to its last 124 of 230 tokens");
        assertThat(cut.out()).startsWith(prompt);
        refusedInOneLine(CliTest.run("generate", "--model", model.toString(), "--prompt", "x", "--truncate", "right"),
                "--truncate: 'right' is not one of none, left");
    }

    @Test
    void prepareRefusesZeroOrNegativeThreads() {
        for (String threads : new String[] {"0", "-3"}) {
            refusedInOneLine(CliTest.run("prepare", "--tokenizer", "byte", "--input", text.toString(), "--out",
                    dir.resolve("t" + threads).toString(), "--threads", threads), "--threads " + threads
                    + " must be at least 1");
        }
    }

    private static void copyFolder(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (var files = Files.list(from)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
    }
}

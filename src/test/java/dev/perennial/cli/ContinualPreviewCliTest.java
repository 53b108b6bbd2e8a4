package dev.perennial.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 27: a newcomer pre-trains a tiny model on corpus a, then previews and trains its update on corpus b with
 * re-warming and 25% replay. {@code mixture} and {@code schedule} know the parent as {@code train} does (its ledger,
 * the learning rate it ended at), and corpora are the ledger's by content, whatever the config calls them.
 */
class ContinualPreviewCliTest {

    @TempDir
    static Path shared;

    static final int SEQ_LEN = 16;
    static final int BATCH = 4;
    static final int PARENT_STEPS = 5;
    static final double PARENT_MAX_LR = 1e-3;
    static final double PARENT_WARMUP = 0.2;

    @BeforeAll
    static void pretrainOnA() throws IOException {
        prepare("a", "the cat sat on the mat number %d and then it slept.");
        prepare("b", "der Hund lief in den Park, Nummer %d, und schlief dann ein.");
        prepare("a-again", "the cat sat on the mat number %d and then it slept."); // a's text under another name
        prepare("c", "a quick brown fox, number %d, jumps over the lazy dog.");
        Files.writeString(shared.resolve("parent.yaml"), """
                seq_len: %d
                global_batch: %d
                tokenizer: byte
                corpora: {a: a}
                model:
                  config: {model_type: llama, vocab_size: 257, hidden_size: 32, num_hidden_layers: 2,
                           num_attention_heads: 4, intermediate_size: 64, max_position_embeddings: 64}
                eval: {sequences: 4}
                out: parent
                stages:
                  - {name: a, steps: %d, data: [{corpus: a}],
                     schedule: {family: inverse-sqrt, max_lr: %s, warmup: %s}}
                """.formatted(SEQ_LEN, BATCH, PARENT_STEPS, PARENT_MAX_LR, PARENT_WARMUP));
        CliTest.Result trained = CliTest.run("train", shared.resolve("parent.yaml").toString());
        assertThat(trained.code()).as(trained.err()).isZero();
    }

    private static void prepare(String name, String paragraph) throws IOException {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 60; i++) {
            text.append(paragraph.formatted(i)).append("\n\n");
        }
        Path file = shared.resolve(name + ".txt");
        Files.writeString(file, text);
        CliTest.Result prepared = CliTest.run("prepare", "--tokenizer", "byte", "--input", file.toString(), "--out",
                shared.resolve(name).toString(), "--val-fraction", "0.1");
        assertThat(prepared.code()).as(prepared.err()).isZero();
    }

    static final String REWARM = "{family: cosine, max_lr: 1e-3, warmup: 0.1}";

    /** The update on b with 25% replay of what the parent read, from {@code corpora} besides b. */
    static Path continual(String file, String corpora, String schedule) throws IOException {
        Path config = shared.resolve(file);
        Files.writeString(config, """
                seq_len: %d
                global_batch: %d
                corpora: {%s, b: b}
                model: {init: parent/final}
                eval: {interval: 5, sequences: 4}
                out: %s
                stages:
                  - {name: b, steps: 10, data: [{corpus: b}], replay: 0.25, schedule: %s}
                """.formatted(SEQ_LEN, BATCH, corpora, file.replace(".yaml", ""), schedule));
        return config;
    }

    static JsonNode metadata(String corpus) throws IOException {
        return new ObjectMapper().readTree(shared.resolve(corpus).resolve("metadata.json").toFile());
    }

    /** Sequences of seq_len + 1 tokens starting every seq_len tokens in a corpus's training split. */
    static long sequences(String corpus) throws IOException {
        return (metadata(corpus).path("train").path("tokens").asLong() - 1) / SEQ_LEN;
    }

    static String contentHash(String corpus) throws IOException {
        return metadata(corpus).path("content_hash").asText();
    }

    @Test
    void mixturePlansReplayFromTheParentsLedgerAndTrainRealisesIt() throws IOException {
        Path config = continual("replay.yaml", "a: a", REWARM);
        CliTest.Result table = CliTest.run("mixture", config.toString());
        assertThat(table.code()).as(table.err()).isZero();
        long parentRead = (long) PARENT_STEPS * BATCH;
        assertThat(table.out()).contains("ledger before the run, from model.init parent/final")
                .contains(String.format(Locale.ROOT, "  a            consumed %d, replayed 0, of %d", parentRead,
                        sequences("a")))
                .contains("a            replay    25.000%   25.000%");

        JsonNode stage = new ObjectMapper().readTree(CliTest.run("mixture", config.toString(), "--format", "json")
                .out()).get(0);
        assertThat(stage.path("ledger_before").path("corpora").path("a").path("consumed").asLong()).isEqualTo(parentRead);
        long sequencesRead = 10L * BATCH;
        JsonNode after = stage.path("ledger_after").path("corpora");
        assertThat(after.path("a").path("consumed").asLong()).isEqualTo(parentRead);
        assertThat(after.path("a").path("replayed").asLong()).isEqualTo(sequencesRead / 4);
        assertThat(after.path("b").path("consumed").asLong()).isEqualTo(sequencesRead * 3 / 4);

        CliTest.Result trained = CliTest.run("train", config.toString());
        assertThat(trained.code()).as(trained.err()).isZero();
        JsonNode realised = new ObjectMapper().readTree(shared.resolve("replay/final/ledger.json").toFile());
        assertThat(realised.path("corpora")).isEqualTo(after);
    }

    @Test
    void scheduleReportsTheJumpFromTheLearningRateTheParentEndedAt() throws IOException {
        Path config = continual("jump.yaml", "a: a", REWARM);
        CliTest.Result r = CliTest.run("schedule", config.toString());
        assertThat(r.code()).as(r.err()).isZero();
        // inverse-sqrt after a warmup of W = 0.2·5 = 1 step: M·√(W/n), at the parent's end n = 5
        double parentEnd = PARENT_MAX_LR * Math.sqrt(PARENT_WARMUP * PARENT_STEPS / PARENT_STEPS);
        assertThat(r.out()).contains(String.format(Locale.ROOT, "LR jump at step 0: %.4e → 0 (parent → stage b: from "
                + "the last learning rate of model.init parent/final to the first of this run)", parentEnd));

        Path atParentsEnd = continual("continuing.yaml", "a: a", String.format(Locale.ROOT,
                "{family: constant, max_lr: %s}", parentEnd));
        CliTest.Result continuing = CliTest.run("schedule", atParentsEnd.toString());
        assertThat(continuing.code()).as(continuing.err()).isZero();
        assertThat(continuing.out()).contains(String.format(Locale.ROOT, "LR from the parent: stage b starts at %.4e, "
                + "the last learning rate of model.init parent/final; no jump", parentEnd))
                .contains("LR jumps: none");
    }

    @Test
    void aCorpusNamedOtherwiseWithTheParentsContentIsTheParentsCorpus() throws IOException {
        Path config = continual("renamed.yaml", "english: a-again", REWARM);
        CliTest.Result mixture = CliTest.run("mixture", config.toString());
        assertThat(mixture.code()).as(mixture.err()).isZero();
        assertThat(mixture.out()).contains("corpus english is the ledger's a by content ("
                + contentHash("a").substring(0, 12) + "): replayed and evaluated as english")
                .contains("english      replay    25.000%   25.000%");

        CliTest.Result trained = CliTest.run("train", config.toString());
        assertThat(trained.code()).as(trained.err()).isZero();
        JsonNode ledger = new ObjectMapper().readTree(shared.resolve("renamed/final/ledger.json").toFile())
                .path("corpora");
        assertThat(ledger.path("english").path("consumed").asLong()).isEqualTo((long) PARENT_STEPS * BATCH);
        assertThat(ledger.path("english").path("replayed").asLong()).isEqualTo(10L * BATCH / 4);
        assertThat(ledger.has("a")).isFalse();
        String firstEval = Files.readAllLines(shared.resolve("renamed/metrics.jsonl")).stream()
                .filter(l -> l.contains("\"eval\"")).findFirst().orElseThrow();
        assertThat(new ObjectMapper().readTree(firstEval).path("val_loss").has("english")).isTrue(); // forgetting
    }

    @Test
    void aLedgerCorpusWithOtherContentIsRefusedSayingWhatTheLedgerHolds() throws IOException {
        Path config = continual("mismatch.yaml", "a: c", REWARM);
        String expected = String.format(Locale.ROOT, "corpus a (%s) is not the a that model.init read: its content "
                        + "hash is %s, the ledger's %s. model.init's ledger holds a (content %s, %d sequences of %d tokens, "
                        + "%d consumed, 0 replayed); point corpora.a at the folder prepared from the data the parent read",
                shared.resolve("c"), contentHash("c").substring(0, 12), contentHash("a").substring(0, 12),
                contentHash("a").substring(0, 12), sequences("a"), SEQ_LEN, PARENT_STEPS * BATCH);
        for (String command : new String[] {"mixture", "train"}) {
            CliTest.Result r = CliTest.run(command, config.toString());
            UserMistakeCliTest.refusedInOneLine(r, expected);
        }
        assertThat(Files.exists(shared.resolve("mismatch/final"))).isFalse();

        Path missing = continual("missing.yaml", "c: c", REWARM);
        UserMistakeCliTest.refusedInOneLine(CliTest.run("mixture", missing.toString()), "replay draws from corpus a, "
                + "which model.init read, but no corpus under corpora: holds it (by name or content). model.init's "
                + "ledger holds a (content " + contentHash("a").substring(0, 12));
        Path gone = continual("gone.yaml", "a: nowhere", REWARM);
        UserMistakeCliTest.refusedInOneLine(CliTest.run("mixture", gone.toString()), "corpus a ("
                + shared.resolve("nowhere") + ") is not a prepared corpus (no metadata.json), and model.init read a "
                + "corpus a. model.init's ledger holds a (content " + contentHash("a").substring(0, 12));
    }
}

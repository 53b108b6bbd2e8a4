package dev.perennial.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.perennial.config.ConfigLoader;
import dev.perennial.config.RunConfig;
import dev.perennial.config.ScheduleConfig;
import dev.perennial.config.StageConfig;
import dev.perennial.data.Corpus;
import dev.perennial.train.TrainPlan;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static dev.perennial.cli.CliTest.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * {@code perennial init} against real prepared corpora and a model trained by the CLI: each kind writes a config
 * that the real loader reads back with the paper's values and a comment above each choice, and that trains.
 */
class InitCommandTest {

    @TempDir
    static Path shared;

    static Path en;
    static Path de;
    /** A tiny model pre-trained with a cosine schedule, and one with an infinite schedule ending constant. */
    static Path cosineModel;
    static Path infiniteModel;

    @TempDir
    Path dir;

    @BeforeAll
    static void prepareCorporaAndPretrain() throws IOException {
        en = prepare("en");
        de = prepare("de");
        cosineModel = pretrain("cosine");
        infiniteModel = pretrain("infinite");
    }

    private static Path prepare(String name) throws IOException {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            text.append(name).append(" paragraph ").append(i).append(" has words of its own, ").append(i * 7)
                    .append(".\n\n");
        }
        Path file = shared.resolve(name + ".txt");
        Files.writeString(file, text);
        Path corpus = shared.resolve("corpora/" + name);
        CliTest.Result r = run("prepare", "--tokenizer", "byte", "--input", file.toString(), "--out", corpus.toString());
        assertThat(r.code()).as(r.err()).isZero();
        return corpus;
    }

    /** init pretrain, then train it for a few steps: the parent of the continual configs. */
    private static Path pretrain(String schedule) {
        Path yaml = shared.resolve("pretrain-" + schedule + ".yaml");
        CliTest.Result init = run("init", "pretrain", "--corpus", "d0=" + en, "--steps", "4", "--seq-len", "32",
                "--global-batch", "4", "--schedule", schedule, "--out", yaml.toString());
        assertThat(init.code()).as(init.err()).isZero();
        CliTest.Result train = run("train", yaml.toString());
        assertThat(train.code()).as(train.err()).isZero();
        return shared.resolve("runs/pretrain-" + schedule + "/final");
    }

    static RunConfig load(Path yaml) {
        return ConfigLoader.load(yaml);
    }

    /** The comment lines right above the first line that starts (after indentation) with {@code key}. */
    static String commentAbove(Path yaml, String key) throws IOException {
        List<String> lines = Files.readAllLines(yaml);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).strip().replaceFirst("^- ", "").startsWith(key)) {
                StringBuilder comment = new StringBuilder();
                for (int j = i - 1; j >= 0 && lines.get(j).strip().startsWith("#"); j--) {
                    comment.insert(0, lines.get(j).strip().substring(1).strip() + " ");
                }
                return comment.toString().strip();
            }
        }
        throw new AssertionError(key + " is not in " + yaml);
    }

    @Test
    void pretrainWritesTheTinyModelACosineScheduleAndOnePassOverTheCorpus() throws IOException {
        Path yaml = dir.resolve("run.yaml");
        CliTest.Result r = run("init", "pretrain", "--corpus", en.toString(), "--out", yaml.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("run config written to " + yaml).contains("perennial train " + yaml);

        RunConfig config = load(yaml);
        assertThat(config.seqLen()).isEqualTo(128);
        assertThat(config.globalBatch()).isEqualTo(16);
        assertThat(config.tokenizer()).isEqualTo("byte");
        assertThat(config.corpora()).containsEntry("en", en.toAbsolutePath().toString());
        assertThat(config.model().config().path("model_type").asText()).isEqualTo("gpt_neox");
        assertThat(config.model().config().path("vocab_size").asInt()).isEqualTo(257); // the byte tokenizer's ids
        assertThat(config.model().config().path("max_position_embeddings").asInt()).isEqualTo(128);
        StageConfig stage = config.stages().getFirst();
        long trainTokens;
        try (Corpus corpus = Corpus.open(en)) {
            trainTokens = corpus.train().tokens();
        }
        assertThat(stage.tokens()).isEqualTo((double) trainTokens);
        assertThat(stage.data()).containsExactly(new StageConfig.DataEntry("en", null));
        ScheduleConfig schedule = stage.schedule();
        assertThat(schedule.family()).isEqualTo("cosine");
        assertThat(schedule.maxLr()).isEqualTo(2e-3);
        assertThat(schedule.minLr()).isCloseTo(2e-4, within(1e-18));
        assertThat(schedule.warmup()).isEqualTo(0.01);
        assertThat(config.out()).isEqualTo(dir.resolve("runs/run").toString());
        long steps = (long) Math.ceil(trainTokens / (128.0 * 16));
        assertThat(config.eval().interval()).isEqualTo(Math.max(1, steps / 20));

        assertThat(Files.readString(yaml)).startsWith("# A run config written by 'perennial init pretrain'");
        assertThat(commentAbove(yaml, "tokens:")).contains("One pass over the training tokens of en")
                .contains(String.format("%,d tokens", trainTokens));
        assertThat(commentAbove(yaml, "min_lr:")).contains("η_max / 10");
        assertThat(commentAbove(yaml, "warmup:")).contains("1% of the stage").contains("warmup_steps");
        assertThat(commentAbove(yaml, "family:")).contains("cosine decay");
        // the config passes the trainer's own checks
        assertThat(TrainPlan.from(ConfigLoader.load(yaml, List.of())).schedule().totalSteps()).isEqualTo(steps);
    }

    @Test
    void anExistingConfigIsKeptUnlessForced() throws IOException {
        Path yaml = dir.resolve("run.yaml");
        Files.writeString(yaml, "mine\n");
        CliTest.Result refused = run("init", "pretrain", "--corpus", en.toString(), "--out", yaml.toString());
        assertThat(refused.code()).isEqualTo(2);
        assertThat(refused.err().strip()).isEqualTo("error: --out " + yaml + " exists; give --force to replace it, "
                + "or another --out");
        assertThat(Files.readString(yaml)).isEqualTo("mine\n");
        CliTest.Result forced = run("init", "pretrain", "--corpus", en.toString(), "--out", yaml.toString(),
                "--force");
        assertThat(forced.code()).as(forced.err()).isZero();
        assertThat(load(yaml).corpora()).containsKey("en");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(yaml); // nothing half-written beside it
        }
    }

    @Test
    void badInputsAreRefusedBeforeAnythingIsWritten() throws IOException {
        Path yaml = dir.resolve("run.yaml");
        assertThat(run("init", "pretrain", "--corpus", dir.resolve("nope").toString(), "--out", yaml.toString())
                .err()).contains("--corpus " + dir.resolve("nope") + ": no such folder; give a corpus folder made by "
                + "'perennial prepare'");
        Files.createDirectories(dir.resolve("raw"));
        assertThat(run("init", "pretrain", "--corpus", dir.resolve("raw").toString(), "--out", yaml.toString()).err())
                .contains("not a prepared corpus (no metadata.json)");
        assertThat(run("init", "pretrain", "--corpus", "a=" + en, "--corpus", "a=" + de, "--out", yaml.toString())
                .err()).contains("the name 'a' is given twice");
        assertThat(run("init", "continue", "--from", dir.resolve("nope").toString(), "--corpus", de.toString(),
                "--out", yaml.toString()).err()).contains("--from " + dir.resolve("nope") + ": no such model folder");
        assertThat(run("init", "continue", "--from", cosineModel.toString(), "--corpus", de.toString(),
                "--replay", "1", "--out", yaml.toString()).err()).contains("--replay 1 is not in [0, 1)");
        assertThat(run("init", "continue", "--from", cosineModel.toString(), "--corpus", "d0=" + de,
                "--out", yaml.toString()).err()).contains("read another corpus named 'd0'");
        assertThat(run("init", "continue", "--from", cosineModel.toString(), "--corpus", de.toString(),
                "--seq-len", "64", "--out", yaml.toString()).err())
                .contains("--seq-len 64: " + cosineModel + " was trained on sequences of 32 tokens");
        assertThat(yaml).doesNotExist();
    }

    @Test
    void continueRewarmsToTheParentsPeakRedecaysAndReplaysItsLedgerCorpora() throws IOException {
        Path yaml = dir.resolve("update.yaml");
        CliTest.Result r = run("init", "continue", "--from", cosineModel.toString(), "--corpus", "d1=" + de,
                "--steps", "4", "--out", yaml.toString());
        assertThat(r.code()).as(r.err()).isZero();

        RunConfig config = load(yaml);
        assertThat(config.model().init()).isEqualTo(cosineModel.toString());
        assertThat(config.tokenizer()).isNull(); // the model's own
        assertThat(config.seqLen()).isEqualTo(32); // as the parent was trained
        assertThat(config.globalBatch()).isEqualTo(4);
        assertThat(config.corpora()).containsEntry("d1", de.toString()).containsEntry("d0", en.toString());
        StageConfig stage = config.stages().getFirst();
        assertThat(stage.steps()).isEqualTo(4.0);
        assertThat(stage.data()).containsExactly(new StageConfig.DataEntry("d1", null));
        assertThat(stage.replay()).isEqualTo(0.05);
        assertThat(stage.schedule().family()).isEqualTo("cosine");
        assertThat(stage.schedule().maxLr()).isEqualTo(2e-3); // the parent's peak
        assertThat(stage.schedule().minLr()).isCloseTo(2e-4, within(1e-18));
        assertThat(stage.schedule().warmup()).isEqualTo(0.01);

        assertThat(commentAbove(yaml, "replay:")).contains("25% for a strong one").contains("(d0)");
        assertThat(commentAbove(yaml, "max_lr:")).contains("the peak the model was trained with");
        assertThat(commentAbove(yaml, "family:")).contains("Re-warm and re-decay");
        assertThat(commentAbove(yaml, "model:")).contains("ledger");

        // the mixture preview starts from the model's ledger too: 5% of the sequences replay d0
        CliTest.Result mixture = run("mixture", yaml.toString(), "--format", "json");
        assertThat(mixture.code()).as(mixture.err()).isZero();
        JsonNode replayed = new ObjectMapper().readTree(mixture.out()).get(0).path("accounting").path("rows").get(1);
        assertThat(replayed.path("corpus").asText()).isEqualTo("d0");
        assertThat(replayed.path("replay").asBoolean()).isTrue();
        assertThat(replayed.path("target_share").asDouble()).isCloseTo(0.05, within(1e-12));

        CliTest.Result train = run("train", yaml.toString());
        assertThat(train.code()).as(train.err()).isZero();
        assertThat(Files.readString(dir.resolve("runs/update/metrics.jsonl"))).contains("\"d0\"").contains("\"d1\"");
    }

    @Test
    void aCheckpointLeadsToItsRunToo() {
        Path checkpoint;
        try (Stream<Path> steps = Files.list(cosineModel.resolveSibling("checkpoints"))) {
            checkpoint = steps.filter(Files::isDirectory).sorted().toList().getLast();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path yaml = dir.resolve("update.yaml");
        CliTest.Result r = run("init", "continue", "--from", checkpoint.toString(), "--corpus", "d1=" + de,
                "--replay", "0.25", "--out", yaml.toString());
        assertThat(r.code()).as(r.err()).isZero();
        RunConfig config = load(yaml);
        assertThat(config.corpora()).containsEntry("d0", en.toString());
        assertThat(config.stages().getFirst().replay()).isEqualTo(0.25);
    }

    @Test
    void aModelAwayFromItsRunNeedsItsCorporaNamed() throws IOException {
        Path moved = dir.resolve("moved");
        copy(cosineModel, moved);
        Path yaml = dir.resolve("update.yaml");
        CliTest.Result refused = run("init", "continue", "--from", moved.toString(), "--corpus", "d1=" + de,
                "--out", yaml.toString());
        assertThat(refused.code()).isEqualTo(2);
        assertThat(refused.err()).contains("the model read corpus 'd0' (its ledger), whose folder its run's config "
                + "does not lead to; give it with --parent-corpus d0=DIR");
        assertThat(run("init", "continue", "--from", moved.toString(), "--corpus", "d1=" + de, "--parent-corpus",
                "d0=" + de, "--global-batch", "4", "--out", yaml.toString()).err())
                .contains("--parent-corpus d0=" + de + ": not the corpus the model read as 'd0'");
        CliTest.Result r = run("init", "continue", "--from", moved.toString(), "--corpus", "d1=" + de,
                "--parent-corpus", "d0=" + en, "--global-batch", "4", "--out", yaml.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(load(yaml).corpora()).containsEntry("d0", en.toString());
        assertThat(load(yaml).stages().getFirst().schedule().maxLr()).isEqualTo(3e-4); // no run to read a peak from
        assertThat(commentAbove(yaml, "max_lr:")).contains("has no run config");
    }

    @Test
    void infiniteCarriesOnAtTheConstantOfAParentThatEndedInIt() throws IOException {
        Path yaml = dir.resolve("update.yaml");
        CliTest.Result r = run("init", "infinite", "--from", infiniteModel.toString(), "--corpus", "d1=" + de,
                "--steps", "4", "--out", yaml.toString());
        assertThat(r.code()).as(r.err()).isZero();
        ScheduleConfig s = load(yaml).stages().getFirst().schedule();
        double c = 0.55 * 2e-3;
        assertThat(s.family()).isEqualTo("infinite-cosine");
        assertThat(s.constantLr()).isCloseTo(c, within(1e-18));
        assertThat(s.maxLr()).isEqualTo(s.constantLr());
        assertThat(s.warmup()).isZero();
        assertThat(s.cooldown()).isZero();
        assertThat(s.constantEnd()).isEqualTo(0.85);
        assertThat(load(yaml).stages().getFirst().replay()).isEqualTo(0.05);
        assertThat(commentAbove(yaml, "family:")).contains("carries on there").contains("§7.2");
        assertThat(commentAbove(yaml, "constant_end:")).contains("anneal");
        // the stage starts at η_const and holds it: no re-warming
        CliTest.Result preview = run("schedule", yaml.toString(), "--at", "0,2", "--format", "json");
        assertThat(preview.code()).as(preview.err()).isZero();
        JsonNode points = new ObjectMapper().readTree(preview.out());
        assertThat(points.get(0).path("lr").asDouble()).isCloseTo(c, within(1e-18));
        assertThat(points.get(1).path("lr").asDouble()).isCloseTo(c, within(1e-18));
        assertThat(points.get(1).path("phase").asText()).isEqualTo("constant");
    }

    @Test
    void infiniteFromACosineParentWarmsUpOnceAndCanEndConstant() throws IOException {
        Path yaml = dir.resolve("update.yaml");
        CliTest.Result r = run("init", "infinite", "--from", cosineModel.toString(), "--corpus", "d1=" + de,
                "--no-anneal", "--out", yaml.toString());
        assertThat(r.code()).as(r.err()).isZero();
        ScheduleConfig s = load(yaml).stages().getFirst().schedule();
        assertThat(s.maxLr()).isEqualTo(2e-3);
        assertThat(s.constantLr()).isCloseTo(1.1e-3, within(1e-18));
        assertThat(s.minLr()).isCloseTo(2e-4, within(1e-18));
        assertThat(s.warmup()).isEqualTo(0.01);
        assertThat(s.cooldown()).isEqualTo(0.6);
        assertThat(s.constantEnd()).isEqualTo(0.99);
        assertThat(commentAbove(yaml, "family:")).contains("did not end in the constant phase");
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(from.relativize(f).toString()));
            }
        }
    }
}

package dev.perennial.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.UserError;
import dev.perennial.config.ScheduleConfig;
import dev.perennial.config.ScheduleRules;
import dev.perennial.config.StageConfig;
import dev.perennial.config.TrainSettings;
import dev.perennial.io.Json;
import dev.perennial.model.ModelConfig;
import dev.perennial.model.ModelConfigs;
import dev.perennial.tokenizer.ByteTokenizer;
import dev.perennial.tokenizer.Tokenizers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** {@code perennial init pretrain}: a run config that pre-trains a fresh model on prepared corpora. */
@Command(name = "pretrain", mixinStandardHelpOptions = true,
        description = {"Write a run config that pre-trains a fresh model from scratch on the corpora: linear warmup "
                + "and cosine decay to max-lr / 10 (or an infinite schedule that ends in its constant phase).", ""})
final class InitPretrain implements Runnable {

    enum ScheduleKind { cosine, infinite }

    /** The quickstart's tiny GPT-NeoX (1.1M parameters with its 4,096-token vocabulary), its batch and its peak. */
    static final int TINY_HIDDEN = 96;
    static final int TINY_LAYERS = 3;
    static final int TINY_HEADS = 4;
    static final long TINY_SEQ_LEN = 128;
    static final double TINY_MAX_LR = 2e-3;
    static final long DEFAULT_GLOBAL_BATCH = 16;
    static final long MAX_DEFAULT_SEQ_LEN = 2048;

    @Spec
    CommandSpec spec;

    @Mixin
    InitCommand.Options options;

    @Option(names = "--model-config", paramLabel = "FILE",
            description = "The architecture as a Hugging Face config.json (default: the quickstart's tiny GPT-NeoX).")
    Path modelConfig;

    @Option(names = "--tokenizer", paramLabel = "T",
            description = "The corpora's tokenizer: 'byte', a tokenizer.json or its folder (needed unless byte).")
    String tokenizer;

    @Option(names = "--schedule", paramLabel = "KIND", defaultValue = "cosine",
            description = "cosine (default) or infinite: warmup, cooldown to η_const, constant to the end, no anneal.")
    ScheduleKind schedule;

    @Override
    public void run() {
        InitCommand.checkFlags(options);
        List<InitCommand.NewCorpus> corpora = InitCommand.newCorpora(options);
        InitCommand.NewCorpus first = corpora.getFirst();
        int vocab = first.tokenizer().vocabSize();
        String tokenizerSpec = tokenizer(first);

        ObjectNode architecture = modelConfig != null ? ModelConfigs.readJson(modelConfig) : null;
        long seqLen = options.seqLen != null ? options.seqLen : architecture == null ? TINY_SEQ_LEN
                : Math.min(MAX_DEFAULT_SEQ_LEN, ModelConfigs.parse(architecture, modelConfig.toString()).maxPositions());
        if (architecture == null) {
            architecture = tiny(vocab, seqLen);
        } else {
            checkArchitecture(ModelConfigs.parse(architecture, modelConfig.toString()), vocab, seqLen);
        }
        long globalBatch = options.globalBatch != null ? options.globalBatch : DEFAULT_GLOBAL_BATCH;
        InitCommand.Length length = InitCommand.length(options, corpora, seqLen * globalBatch, 0);
        double maxLr = options.maxLr != null ? options.maxLr : modelConfig == null ? TINY_MAX_LR
                : ScheduleRules.DEFAULT_MAX_LR;

        RunTemplate t = new RunTemplate()
                .header("A run config written by 'perennial init pretrain': pre-training a fresh model from scratch,",
                        "the first model of a continual series (Ibrahim et al., \"Simple and Scalable Strategies to",
                        "Continually Pre-train Large Language Models\", TMLR 2024). Every key is described in README.md,",
                        "\"Run configuration\". Continue the trained model with 'perennial init continue --from",
                        "OUT/final ...' (or 'perennial init infinite').")
                .seed(options.seed, "Fixes initialisation and the data order: the same seed trains the same model.")
                .batch(seqLen, globalBatch, null)
                .note("seq_len", "Tokens per sequence; a later update of this model keeps it (its ledger counts "
                        + "sequences of this length).")
                .note("global_batch", String.format(Locale.ROOT, "Sequences per optimizer step: %,d tokens per "
                        + "step. Add micro_batch: N (dividing it) to accumulate gradients when memory is short.",
                        seqLen * globalBatch))
                .note("corpora", "The prepared corpora by name (absolute folders).")
                .model(new TrainSettings.ModelSpec(null, architecture), modelConfig == null
                        ? "The quickstart's tiny GPT-NeoX (the paper's architecture, Pythia-style: rotary on 25% of "
                        + "each head), with the tokenizer's vocabulary; give --model-config config.json for another."
                        : "The architecture of " + modelConfig + ", initialised from the seed.")
                .tokenizer(tokenizerSpec, "The tokenizer the corpora were prepared with; the model's vocab_size "
                        + "covers its " + vocab + " token ids.")
                .out(InitCommand.runFolder(options).toString(), "The run folder: metrics.jsonl, checkpoints/ and "
                        + "final/, the trained model to continue from.");
        for (InitCommand.NewCorpus c : corpora) {
            t.corpus(c.name(), c.dir().toString());
        }
        String name = corpora.size() == 1 ? first.name() : "pretrain";
        List<StageConfig.DataEntry> data = corpora.stream().map(c -> new StageConfig.DataEntry(c.name(), null))
                .toList();
        t.stage(new StageConfig(name, length.steps(), length.tokens(), schedule(maxLr, t), data, null, null, null,
                null), length.stepCount());
        t.note("stages[0].tokens", length.comment()).note("stages[0].steps", length.comment());
        t.note("stages[0].data", corpora.size() == 1 ? "The stage's data." : "The corpora in equal shares; give "
                + "each a weight: to change them.");
        t.note("stages[0].schedule.max_lr", options.maxLr != null ? "η_max, given with --max-lr." : modelConfig == null
                ? "η_max: the quickstart's peak for this tiny model (small models take larger rates than the "
                + "paper's 3e-4 for 405M parameters)."
                : "η_max: the paper's 3e-4 for its 405M model (§7.2); smaller models usually take larger ones.");
        t.note("stages[0].schedule.min_lr", "η_min = η_max / 10, the paper's floor.");
        t.note("stages[0].schedule.warmup", "Linear warmup from 0 over 1% of the stage, the paper's; "
                + "warmup_steps: N or warmup_tokens: N give it in steps or tokens instead.");
        InitCommand.checkAndWrite(t, options, spec.commandLine().getOut());
    }

    private ScheduleConfig schedule(double maxLr, RunTemplate t) {
        double minLr = ScheduleRules.DEFAULT_MIN_LR_RATIO * maxLr;
        double warmup = ScheduleRules.DEFAULT_WARMUP;
        if (schedule == ScheduleKind.cosine) {
            t.note("stages[0].schedule.family", "Linear warmup, then cosine decay to min_lr at the end of the stage: "
                    + "the schedule the paper pre-trains with.");
            return RunTemplate.cosine(maxLr, minLr, warmup);
        }
        t.note("stages[0].schedule.family", "An infinite schedule (the paper's §7.2): warm up once, cool down to "
                + "constant_lr, and stay there, so that later updates ('perennial init infinite') carry on without "
                + "re-warming. Anneal to min_lr only before releasing a model.");
        t.note("stages[0].schedule.constant_lr", "η_const = 0.55 × η_max, the paper's (1.65e-4 for 3e-4).");
        t.note("stages[0].schedule.cooldown", "A cosine cooldown from η_max to η_const over 60% of the stage, the "
                + "paper's.");
        t.note("stages[0].schedule.constant_end", "warmup + constant_end = 1: the stage ends in its constant phase, "
                + "with no anneal.");
        return RunTemplate.infinite(maxLr, ScheduleRules.DEFAULT_CONSTANT_LR_RATIO * maxLr, minLr, warmup,
                ScheduleRules.DEFAULT_COOLDOWN, 1 - warmup);
    }

    /** The tokenizer to write: byte for byte corpora, else --tokenizer (checked against the corpora later). */
    private String tokenizer(InitCommand.NewCorpus corpus) {
        if (tokenizer != null) {
            return Tokenizers.located(tokenizer, Path.of("").toAbsolutePath());
        }
        if (ByteTokenizer.NAME.equals(corpus.tokenizer().name())) {
            return ByteTokenizer.NAME;
        }
        throw new UserError("--tokenizer is missing: " + corpus.dir() + " was prepared with the tokenizer '"
                + corpus.tokenizer().name() + "'; give that tokenizer.json (or its folder) with --tokenizer");
    }

    private static ObjectNode tiny(int vocab, long seqLen) {
        ObjectNode json = Json.MAPPER.createObjectNode();
        json.put("model_type", "gpt_neox");
        json.put("vocab_size", vocab);
        json.put("hidden_size", TINY_HIDDEN);
        json.put("num_hidden_layers", TINY_LAYERS);
        json.put("num_attention_heads", TINY_HEADS);
        json.put("intermediate_size", 4 * TINY_HIDDEN);
        json.put("rotary_pct", 0.25);
        json.put("max_position_embeddings", Math.toIntExact(seqLen));
        return json;
    }

    private void checkArchitecture(ModelConfig config, int vocab, long seqLen) {
        if (config.vocabSize() < vocab) {
            throw new UserError("--model-config " + modelConfig + ": vocab_size " + config.vocabSize() + " is below "
                    + "the " + vocab + " token ids of the corpora's tokenizer; make it at least " + vocab);
        }
        if (seqLen > config.maxPositions()) {
            throw new UserError("--seq-len " + seqLen + " is beyond the " + config.maxPositions() + " positions of "
                    + modelConfig + " (max_position_embeddings); choose --seq-len " + config.maxPositions()
                    + " or less");
        }
    }
}

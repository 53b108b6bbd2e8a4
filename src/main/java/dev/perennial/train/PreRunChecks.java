package dev.perennial.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.UserError;
import dev.perennial.config.ConfigLoader;
import dev.perennial.data.Corpus;
import dev.perennial.data.DataPlan;
import dev.perennial.io.Hashing;
import dev.perennial.model.Model;
import dev.perennial.run.CheckpointState;
import dev.perennial.run.RunFolder;
import dev.perennial.tokenizer.Tokenizer;
import dev.perennial.tokenizer.Tokenizers;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What must hold before a run trains a step, each refused with a message that says what to change: the workers
 * split the batch evenly, a resumed run keeps its past, and the tokenizer, corpora and vocabulary agree.
 */
final class PreRunChecks {

    private final TrainPlan plan;
    private final RunFolder run;

    PreRunChecks(TrainPlan plan, RunFolder run) {
        this.plan = plan;
        this.run = run;
    }

    /** Every worker gets an equal slice of the global batch, made of whole micro-batches. */
    void workersSplitTheBatch(Distributed dist) {
        int slice = plan.globalBatch() / dist.worldSize();
        if (plan.globalBatch() % dist.worldSize() != 0 || slice % Math.min(plan.microBatch(), slice) != 0) {
            throw new UserError("global_batch " + plan.globalBatch() + " cannot be split into " + dist.worldSize()
                    + " equal slices of whole micro-batches; choose a worker count that divides it");
        }
    }

    /** The newest valid checkpoint to resume from, if any, once its config is known to keep the past. */
    Optional<RunFolder.Checkpoint> resumePoint(Consumer<String> warn) {
        Optional<RunFolder.Checkpoint> newest = run.newestValid(warn);
        if (newest.isPresent()) {
            unchangedPast(newest.get().state());
        } else if (!run.checkpoints().isEmpty()) {
            throw new UserError(run.dir() + ": every checkpoint is damaged; remove " + run.checkpointsDir()
                    + " to start over");
        } else if (!run.partialCheckpoints().isEmpty()) {
            warn.accept("note: " + run.dir() + " holds only a half-written checkpoint ("
                    + run.partialCheckpoints().getLast().getFileName() + "), which cannot be resumed from; "
                    + "training starts over");
        }
        return newest;
    }

    /**
     * A resumed run may append stages and change how it reports (eval, checkpoints, micro-batching), but not
     * what already happened: the seed, batch shape, model, tokenizer, and every stage up to the checkpoint's.
     */
    private void unchangedPast(CheckpointState state) {
        JsonNode before;
        try {
            before = ConfigLoader.parse(Files.readString(run.configFile()), run.configFile().toString(), List.of())
                    .tree();
        } catch (IOException e) {
            throw new UserError(run.configFile() + ": cannot be read to check the resumed config (" + e.getMessage()
                    + ")", e);
        }
        ObjectNode now = plan.loaded().tree();
        List<String> changed = new ArrayList<>();
        for (String key : List.of("seed", "seq_len", "global_batch", "model", "tokenizer")) {
            if (!Objects.equals(before.get(key), now.get(key))) {
                changed.add(key);
            }
        }
        JsonNode oldStages = before.path("stages");
        JsonNode newStages = now.path("stages");
        for (int i = 0; i <= state.stage() && i < oldStages.size(); i++) {
            if (i >= newStages.size() || !oldStages.get(i).equals(newStages.get(i))) {
                changed.add("stages[" + i + "]");
            }
        }
        if (!changed.isEmpty()) {
            throw new UserError(run.dir() + " was trained up to step " + state.globalStep() + " with another "
                    + String.join(", ", changed) + "; changing them would rewrite what the model has already been "
                    + "trained on. Keep them as in " + run.configFile() + " (appending stages is fine), or train into "
                    + "another out: folder");
        }
    }

    /** The tokenizer of the config, of the model to continue from, and of every corpus must be one and the same. */
    String sameTokenizer(DataPlan data) {
        String hash = null;
        String from = null;
        if (plan.tokenizer() != null) {
            try (Tokenizer tokenizer = Tokenizers.open(plan.tokenizer())) {
                hash = tokenizer.hash();
            }
            from = "tokenizer " + plan.tokenizer();
        }
        if (plan.init() != null && Files.isRegularFile(plan.init().resolve("tokenizer.json"))) {
            String initHash = Hashing.sha256(plan.init().resolve("tokenizer.json"));
            if (hash != null && !hash.equals(initHash)) {
                throw new UserError(from + " (" + hash.substring(0, 12) + ") is not the tokenizer of the model in "
                        + plan.init() + " (" + initHash.substring(0, 12) + "); drop 'tokenizer:' to use the model's");
            }
            hash = initHash;
            from = "the tokenizer of " + plan.init();
        }
        if (hash == null) {
            throw new UserError(plan.init() + " has no tokenizer.json; name one with 'tokenizer:'");
        }
        for (Map.Entry<String, Corpus> c : data.corpora().entrySet()) {
            String corpusHash = c.getValue().metadata().tokenizer().hash();
            if (!corpusHash.equals(hash)) {
                throw new UserError("corpus " + c.getKey() + " (" + c.getValue().dir() + ") was tokenized with "
                        + c.getValue().metadata().tokenizer().name() + " (" + corpusHash.substring(0, 12) + "), not "
                        + from + " (" + hash.substring(0, 12) + "); prepare it again with the model's tokenizer");
            }
        }
        return hash;
    }

    /** A resumed run reads the tokenizer and corpus contents it was checkpointed with. */
    void sameInputsAsCheckpointed(CheckpointState state, InputHashes now) {
        if (!state.tokenizerHash().equals(now.tokenizer())) {
            throw new UserError(run.dir() + " was trained with another tokenizer; resume with the original one");
        }
        state.corpusHashes().forEach((name, hash) -> {
            if (now.corpora().containsKey(name) && !now.corpora().get(name).equals(hash)) {
                throw new UserError("corpus " + name + " changed since " + run.dir() + " was checkpointed (its content "
                        + "hash differs); resume with the original corpus or give the new one another name");
            }
        });
    }

    /** The model's embedding table covers every token id of every corpus. */
    void vocabularyFits(Model model, DataPlan data) {
        for (Map.Entry<String, Corpus> c : data.corpora().entrySet()) {
            int vocab = c.getValue().metadata().tokenizer().vocabSize();
            if (vocab > model.config().vocabSize()) {
                throw new UserError("corpus " + c.getKey() + " uses " + vocab + " token ids but the model's vocab_size "
                        + "is " + model.config().vocabSize() + "; give the model a vocabulary of at least " + vocab);
            }
        }
    }
}

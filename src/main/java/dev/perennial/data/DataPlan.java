package dev.perennial.data;

import dev.perennial.UserError;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The data of a whole run: its corpora, opened and checked to share one tokenizer, and one {@link StageMixture}
 * per stage, each starting from the ledger the stage before it leaves.
 */
public final class DataPlan implements AutoCloseable {

    /** A stage's mixture and length, as the run config gives them. */
    public record StageData(String name, MixtureSpec mixture, long steps) {
    }

    private final Map<String, Corpus> corpora;
    private final List<StageMixture> stages = new ArrayList<>();
    private final List<Ledger> ledgers = new ArrayList<>();
    private final List<String> notes;

    public DataPlan(Map<String, Path> corpusDirs, List<StageData> stageData, long seed, int seqLen, int globalBatch) {
        this(corpusDirs, stageData, seed, seqLen, globalBatch, Ledger.empty(seqLen));
    }

    /**
     * A plan whose first stage starts from {@code inherited}: the ledger of the model it continues, whose corpora are
     * found among {@code corpusDirs} by content (see {@link #notes()} for those found under another name).
     */
    public DataPlan(Map<String, Path> corpusDirs, List<StageData> stageData, long seed, int seqLen, int globalBatch,
                    Ledger inherited) {
        corpusDirs.forEach((name, dir) -> InheritedLedger.checkFolder(inherited, name, dir));
        this.corpora = open(corpusDirs);
        try {
            checkOneTokenizer();
            boolean replays = stageData.stream().anyMatch(s -> s.mixture().replay() > 0);
            InheritedLedger.Matched start = InheritedLedger.match(inherited, corpora, replays);
            this.notes = start.notes();
            Ledger ledger = start.ledger();
            for (int i = 0; i < stageData.size(); i++) {
                StageData stage = stageData.get(i);
                StageMixture mixture = new StageMixture(corpora, stage.mixture(), ledger, i, seed, seqLen, globalBatch,
                        stage.steps());
                ledgers.add(ledger);
                stages.add(mixture);
                ledger = mixture.ledgerAfter(stage.steps());
            }
            ledgers.add(ledger);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private static Map<String, Corpus> open(Map<String, Path> dirs) {
        Map<String, Corpus> opened = new LinkedHashMap<>();
        try {
            dirs.forEach((name, dir) -> opened.put(name, Corpus.open(dir)));
        } catch (RuntimeException e) {
            opened.values().forEach(Corpus::close);
            throw e;
        }
        return opened;
    }

    private void checkOneTokenizer() {
        Map.Entry<String, Corpus> first = corpora.entrySet().iterator().next();
        CorpusMetadata.TokenizerInfo expected = first.getValue().metadata().tokenizer();
        corpora.forEach((name, corpus) -> {
            CorpusMetadata.TokenizerInfo tokenizer = corpus.metadata().tokenizer();
            if (!tokenizer.hash().equals(expected.hash())) {
                throw new UserError("corpus " + name + " was tokenized with " + tokenizer.name() + " ("
                        + tokenizer.hash().substring(0, 12) + ") but corpus " + first.getKey() + " with "
                        + expected.name() + " (" + expected.hash().substring(0, 12) + "); prepare every corpus of a "
                        + "run with the same tokenizer");
            }
        });
    }

    /** A console line for every corpus of the inherited ledger found under another name, or not found. */
    public List<String> notes() {
        return notes;
    }

    public Map<String, Corpus> corpora() {
        return corpora;
    }

    public List<StageMixture> stages() {
        return stages;
    }

    /** The ledger at the start of stage {@code i}; {@code ledgerAt(stages().size())} is the run's final ledger. */
    public Ledger ledgerAt(int stage) {
        return ledgers.get(stage);
    }

    @Override
    public void close() {
        corpora.values().forEach(Corpus::close);
    }
}

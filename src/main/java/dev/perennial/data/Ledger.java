package dev.perennial.data;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the model has read so far, per corpus: how many sequences of its own order it consumed as new data (the
 * consumed set is exactly the first {@code consumed} positions of that order), and how many it re-read as replay.
 * Part of the training state; it serialises to JSON and lets a later stage continue each corpus where it left off.
 * The order is the entry's own ({@code order_key}), not the seed of the run that reads on, so that a run with
 * another seed continues and replays exactly the sequences its parent read.
 */
public record Ledger(int seqLen, Map<String, Entry> corpora) {

    /**
     * One corpus: its content hash, its number of sequences per pass, the counts, and the key of the order its
     * sequences are read in (the first run to read it derives it from its seed; null in ledgers written before
     * keys were recorded, whose order is that of the reading run's seed).
     */
    public record Entry(String hash, long sequences, long consumed, long replayed, Long orderKey) {

        public long passes() {
            return sequences == 0 ? 0 : Math.ceilDiv(consumed, sequences);
        }
    }

    public Ledger {
        corpora = Map.copyOf(new LinkedHashMap<>(corpora));
    }

    public static Ledger empty(int seqLen) {
        return new Ledger(seqLen, Map.of());
    }

    public Entry entry(String corpus) {
        return corpora.get(corpus);
    }
}

package dev.perennial.data;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the model has read so far, per corpus: how many sequences of its own order it consumed as new data (the
 * consumed set is exactly the first {@code consumed} positions of that order), and how many it re-read as replay.
 * Part of the training state; it serialises to JSON and lets a later stage continue each corpus where it left off.
 */
public record Ledger(int seqLen, Map<String, Entry> corpora) {

    /** One corpus: its content hash, its number of sequences per pass, and the counts. */
    public record Entry(String hash, long sequences, long consumed, long replayed) {

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

package dev.perennial.data;

import dev.perennial.Choice;

import java.util.List;

/**
 * A stage's data as the paper states it: the new corpora with their weights, and the fraction {@code replay} of
 * the stage's sequences drawn from the corpora of earlier stages (compute-equivalent: the new corpora share the
 * rest of the same budget).
 */
public record MixtureSpec(List<Weighted> corpora, double replay, ReplayFrom replayFrom, OnExhausted onExhausted) {

    /** A corpus, by the name the run gives it, and its weight among the stage's new data. */
    public record Weighted(String corpus, double weight) {
    }

    /** Where replayed sequences come from. */
    public enum ReplayFrom implements Choice {
        /** Only the sequences the model actually consumed in earlier stages (the ledger). */
        CONSUMED("consumed"),
        /** Any sequence of the earlier corpora. */
        ALL("all");

        private final String id;

        ReplayFrom(String id) {
            this.id = id;
        }

        @Override
        public String id() {
            return id;
        }
    }

    /** What happens when a new corpus has no unread sequences left. */
    public enum OnExhausted implements Choice {
        /** Start another pass in a new order, and count the repetition. */
        WRAP("wrap"),
        /** Refuse the stage before it starts. */
        STOP("stop");

        private final String id;

        OnExhausted(String id) {
            this.id = id;
        }

        @Override
        public String id() {
            return id;
        }
    }

    public MixtureSpec {
        corpora = List.copyOf(corpora);
    }
}

package dev.perennial.pipeline;

import java.util.List;

/** The results of the tasks, one record per kind; the CLI and HTTP API write them as JSON with these fields. */
public final class Outputs {

    private Outputs() {
    }

    /** A text's embedding and how many tokens of it the model read (after truncation, special tokens included). */
    public record Embedding(float[] embedding, int tokens) {
    }

    /** The cosine similarity of the source sentence to each sentence, in the order given. */
    public record Similarities(List<Double> scores) {
    }

    /** A label and its probability. */
    public record LabelScore(String label, double score) {
    }

    /** Every candidate label with its probability, best first (as transformers' pipeline sorts them). */
    public record ImageLabels(List<LabelScore> labels) {
    }

    /** An image of the index (its path relative to the indexed folder) and its cosine similarity to the query. */
    public record SearchHit(String file, double score) {
    }

    /** The best images for a query, best first. */
    public record SearchHits(List<SearchHit> hits) {
    }
}

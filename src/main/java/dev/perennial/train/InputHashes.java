package dev.perennial.train;

import dev.perennial.data.DataPlan;

import java.util.LinkedHashMap;
import java.util.Map;

/** The content hashes of what a run reads, its tokenizer and each corpus by name (kept in checkpoints and lineage). */
record InputHashes(String tokenizer, Map<String, String> corpora) {

    static InputHashes of(String tokenizerHash, DataPlan data) {
        Map<String, String> corpora = new LinkedHashMap<>();
        data.corpora().forEach((name, corpus) -> corpora.put(name, corpus.hash()));
        return new InputHashes(tokenizerHash, corpora);
    }
}

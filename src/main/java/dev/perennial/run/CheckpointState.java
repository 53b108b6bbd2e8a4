package dev.perennial.run;

import dev.perennial.data.Ledger;

import java.util.Map;

/**
 * What a checkpoint records besides the weights and the optimizer: where training stands, the bytes of
 * metrics.jsonl written so far (a resumed run cuts the file back to them), the non-finite step counts, the
 * validation losses at the start of the current stage (the baseline of forgetting and adaptation), the data
 * ledger, and the hashes the run depends on.
 */
public record CheckpointState(
        long globalStep,
        int stage,
        long stageStep,
        long metricsBytes,
        int nonfiniteStreak,
        long nonfiniteTotal,
        Map<String, Double> stageStartLosses,
        Ledger ledger,
        String tokenizerHash,
        Map<String, String> corpusHashes) {
}

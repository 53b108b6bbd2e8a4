package dev.perennial.run;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * lineage.json of a final model: where it started (the parent's weights hash), every stage with its schedule,
 * data and length, the tokens read from each corpus as new data and as replay, the seed, and the hashes of the
 * tokenizer and corpora. {@link #story()} tells the same in prose for the model card.
 */
public record Lineage(
        String parent,
        String parentWeightsSha256,
        long seed,
        int seqLen,
        int globalBatch,
        String tokenizerSha256,
        Map<String, String> corpusSha256,
        List<Stage> stages,
        Map<String, Long> tokensConsumed,
        Map<String, Long> tokensReplayed) {

    public record Stage(String name, long steps, long tokens, JsonNode schedule, JsonNode data, double replay) {
    }

    /** The lineage in prose, for the model card. */
    public String story() {
        StringBuilder text = new StringBuilder("## Lineage\n\n");
        text.append(parent == null ? "Trained from scratch (seed " + seed + ")."
                : "Continued from `" + parent + "` (weights sha256 " + parentWeightsSha256 + ").");
        text.append(" Stages, in order:\n\n");
        for (Stage s : stages) {
            text.append(String.format(Locale.ROOT, "- **%s**: %,d steps, %,d tokens, %s schedule, data %s%s%n",
                    s.name(), s.steps(), s.tokens(), s.schedule().path("family").asText(), s.data(),
                    s.replay() > 0 ? String.format(Locale.ROOT, ", %.1f%% replay of earlier data", 100 * s.replay())
                            : ""));
        }
        text.append("\nTokens read per corpus (new data / replay): ");
        List<String> parts = new ArrayList<>();
        tokensConsumed.forEach((name, n) -> parts.add(String.format(Locale.ROOT, "%s %,d / %,d", name, n,
                tokensReplayed.getOrDefault(name, 0L))));
        text.append(String.join("; ", parts)).append(". Tokenizer sha256 ").append(tokenizerSha256).append('.');
        return text.toString();
    }
}

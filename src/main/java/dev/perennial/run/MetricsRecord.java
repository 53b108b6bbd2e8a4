package dev.perennial.run;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

import java.util.Map;

/**
 * One line of metrics.jsonl. The JSON keys are the components in snake_case, in this order, after the "type"
 * ("step" or "eval"); the web app's charts, the experiment report and scripts read them by these names.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({@JsonSubTypes.Type(value = MetricsRecord.Step.class, name = "step"),
        @JsonSubTypes.Type(value = MetricsRecord.Eval.class, name = "eval")})
public sealed interface MetricsRecord permits MetricsRecord.Step, MetricsRecord.Eval {

    /** The run's global step: the one just trained, or the one after which it was evaluated. */
    long step();

    String stage();

    long stageStep();

    /**
     * One optimizer step: the tokens trained so far, its learning rate, loss, gradient norm (before clipping),
     * whether it was skipped as non-finite, its speed, and the tokens read so far in the stage per corpus.
     */
    record Step(long step, String stage, long stageStep, long tokens, double lr, double loss, double gradNorm,
                boolean skipped, double tokensPerS, Map<String, Long> consumedTokens,
                Map<String, Long> replayedTokens) implements MetricsRecord {
    }

    /**
     * An evaluation: validation loss per corpus, its change since the stage began (forgetting when positive on
     * an earlier corpus, adaptation when negative on the new one), the benchmark tasks' metrics, when any, and the
     * standard error of each validation loss over its batches of sequences (absent in older files).
     */
    record Eval(long step, String stage, long stageStep, Map<String, Double> valLoss,
                Map<String, Double> deltaSinceStageStart,
                @JsonInclude(JsonInclude.Include.NON_NULL) Map<String, Map<String, Double>> tasks,
                @JsonInclude(JsonInclude.Include.NON_NULL) Map<String, Double> valLossStderr)
            implements MetricsRecord {
    }
}

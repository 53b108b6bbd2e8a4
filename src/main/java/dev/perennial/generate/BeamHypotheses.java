package dev.perennial.generate;

import java.util.ArrayList;
import java.util.List;

/**
 * The finished hypotheses of one input in beam search, as transformers' BeamHypotheses keeps them
 * (generation/beam_search.py): the {@code numBeams} best by length-penalised score, sum of log-probabilities /
 * length^length_penalty, and whether the search for this input is done.
 */
final class BeamHypotheses {

    private record Hypothesis(double score, int[] tokens) {
    }

    private final BeamSearch.Settings settings;
    private final List<Hypothesis> beams = new ArrayList<>();
    private double worst = 1e9;

    BeamHypotheses(BeamSearch.Settings settings) {
        this.settings = settings;
    }

    /** Offers {@code tokens} whose log-probabilities sum to {@code sumLogProbs} over {@code length} tokens. */
    void add(int[] tokens, double sumLogProbs, int length) {
        double score = sumLogProbs / Math.pow(length, settings.lengthPenalty());
        if (beams.size() < settings.numBeams() || score > worst) {
            beams.add(new Hypothesis(score, tokens));
            if (beams.size() > settings.numBeams()) {
                // drop the worst (the earliest of equal scores, as sorting (score, index) pairs does)
                int drop = 0;
                for (int i = 1; i < beams.size(); i++) {
                    if (beams.get(i).score() < beams.get(drop).score()) {
                        drop = i;
                    }
                }
                beams.remove(drop);
                worst = beams.stream().mapToDouble(Hypothesis::score).min().orElseThrow();
            } else {
                worst = Math.min(score, worst);
            }
        }
    }

    /**
     * BeamHypotheses.is_done: enough hypotheses, and (early_stopping false) none of the running beams, whose best
     * sum is {@code bestSumLogProbs} at {@code length} tokens, can beat the worst of them any more; "never" bounds
     * that beam's score at the maximal length instead when the length penalty rewards length.
     */
    boolean isDone(double bestSumLogProbs, int length) {
        if (beams.size() < settings.numBeams()) {
            return false;
        }
        return switch (settings.earlyStopping()) {
            case TRUE -> true;
            case FALSE -> worst >= bestSumLogProbs / Math.pow(length, settings.lengthPenalty());
            case NEVER -> worst >= bestSumLogProbs / Math.pow(settings.lengthPenalty() > 0
                    ? settings.maxNewTokens() : length, settings.lengthPenalty());
        };
    }

    /** The best hypothesis (the last added of equal scores, as sorted(...).pop() picks it). */
    int[] best() {
        Hypothesis best = beams.getFirst();
        for (Hypothesis h : beams) {
            if (h.score() >= best.score()) {
                best = h;
            }
        }
        return best.tokens();
    }
}

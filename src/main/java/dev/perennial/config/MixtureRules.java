package dev.perennial.config;

import dev.perennial.data.MixtureSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one place where the data of the run's stages is checked: corpus names against {@code corpora:}, weights,
 * the replay share (none in the first stage of a run from scratch, which has nothing to replay) and the replay and exhaustion
 * policies. Defaults: replay 0, replay_from consumed, on_exhausted wrap.
 */
public final class MixtureRules {

    private MixtureRules() {
    }

    /** The stages' mixtures in order, or a UserError listing every problem. */
    public static List<MixtureSpec> mixtures(RunConfig config, KeyPath at, String source) {
        Problems problems = new Problems();
        Map<String, String> corpora = config.corpora() == null ? Map.of() : config.corpora();
        if (corpora.isEmpty()) {
            problems.add(at.key("corpora"), "missing; name the prepared corpus folders, e.g. 'corpora: {d0: corpora/en}'");
        }
        corpora.forEach((name, path) -> {
            if (path == null || path.isBlank()) {
                problems.add(at.key("corpora").key(name), "no folder given; write the path of a prepared corpus");
            }
        });
        List<MixtureSpec> mixtures = new ArrayList<>();
        List<StageConfig> stages = config.stages() == null ? List.of() : config.stages();
        if (stages.isEmpty()) {
            problems.add(at.key("stages"), "missing; a run needs at least one stage");
        }
        for (int i = 0; i < stages.size(); i++) {
            StageConfig stage = stages.get(i);
            KeyPath stageAt = at.key("stages").index(i);
            if (stage != null) {
                // a run that continues from a model may replay what that model read (its ledger) from the start
                boolean nothingToReplay = i == 0 && (config.model() == null || config.model().init() == null);
                mixture(stage, nothingToReplay, corpora, stageAt, problems).ifPresent(mixtures::add);
            }
        }
        problems.throwIfAny(source);
        return mixtures;
    }

    private static Optional<MixtureSpec> mixture(StageConfig stage, boolean nothingToReplay, Map<String, String> corpora,
                                                 KeyPath at, Problems problems) {
        boolean ok = true;
        List<MixtureSpec.Weighted> weighted = new ArrayList<>();
        if (stage.data() == null || stage.data().isEmpty()) {
            problems.add(at.key("data"), "missing; list the stage's corpora, e.g. 'data: [{corpus: d1}]'");
            ok = false;
        } else {
            for (int j = 0; j < stage.data().size(); j++) {
                StageConfig.DataEntry entry = stage.data().get(j);
                KeyPath entryAt = at.key("data").index(j);
                if (entry == null || entry.corpus() == null) {
                    problems.add(entryAt.key("corpus"), "missing; name one of the corpora: " + String.join(", ",
                            corpora.keySet()));
                    ok = false;
                    continue;
                }
                if (!corpora.containsKey(entry.corpus())) {
                    problems.add(entryAt.key("corpus"), "'" + entry.corpus() + "' is not under corpora: ("
                            + String.join(", ", corpora.keySet()) + ")");
                    ok = false;
                }
                double weight = entry.weight() == null ? 1 : entry.weight();
                ok &= problems.positive(entryAt.key("weight"), weight, "the corpus's share of the new data");
                weighted.add(new MixtureSpec.Weighted(entry.corpus(), weight));
            }
        }
        double replay = stage.replay() == null ? 0 : stage.replay();
        if (!(replay >= 0 && replay < 1)) {
            problems.add(at.key("replay"), Numbers.format(replay) + " is not in [0, 1) (the share of the stage's "
                    + "sequences drawn from earlier stages)");
            ok = false;
        } else if (nothingToReplay && replay > 0) {
            problems.add(at.key("replay"), Numbers.format(replay) + ": the first stage of a run from scratch has no "
                    + "earlier data to replay; set replay on later stages (or continue from a model with model.init)");
            ok = false;
        }
        Optional<MixtureSpec.ReplayFrom> from = problems.choice(MixtureSpec.ReplayFrom.class,
                stage.replayFrom(), MixtureSpec.ReplayFrom.CONSUMED, at.key("replay_from"));
        Optional<MixtureSpec.OnExhausted> exhausted = problems.choice(MixtureSpec.OnExhausted.class,
                stage.onExhausted(), MixtureSpec.OnExhausted.WRAP, at.key("on_exhausted"));
        if (!ok || from.isEmpty() || exhausted.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new MixtureSpec(weighted, replay, from.get(), exhausted.get()));
    }
}

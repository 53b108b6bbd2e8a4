package dev.perennial.config;

import dev.perennial.UserError;
import dev.perennial.data.MixtureSpec;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class MixtureRulesTest {

    static List<MixtureSpec> mixtures(String yaml) {
        return MixtureRules.mixtures(ConfigLoader.parse(yaml, "run.yaml"), KeyPath.root(), "run.yaml");
    }

    static List<String> problems(String yaml) {
        return catchThrowableOfType(UserError.class, () -> mixtures(yaml)).problems();
    }

    static final String CORPORA = "corpora: {d0: corpora/en, d1: corpora/de}\n";

    @Test
    void readsTheStagesDataWithDefaults() {
        List<MixtureSpec> specs = mixtures(CORPORA + """
                stages:
                  - {steps: 10, schedule: {family: cosine}, data: [{corpus: d0}]}
                  - steps: 10
                    schedule: {family: cosine}
                    data: [{corpus: d1, weight: 3}, {corpus: d0, weight: 1}]
                    replay: 0.05
                    replay_from: all
                    on_exhausted: stop
                """);
        assertThat(specs.get(0)).isEqualTo(new MixtureSpec(List.of(new MixtureSpec.Weighted("d0", 1)), 0,
                MixtureSpec.ReplayFrom.CONSUMED, MixtureSpec.OnExhausted.WRAP));
        assertThat(specs.get(1)).isEqualTo(new MixtureSpec(List.of(new MixtureSpec.Weighted("d1", 3),
                new MixtureSpec.Weighted("d0", 1)), 0.05, MixtureSpec.ReplayFrom.ALL, MixtureSpec.OnExhausted.STOP));
    }

    @Test
    void refusesEveryBadDataSettingByKey() {
        assertThat(problems(CORPORA + """
                stages:
                  - {steps: 10, schedule: {family: cosine}, data: [{corpus: d0}], replay: 0.1}
                  - {steps: 10, schedule: {family: cosine}, data: [{corpus: d2, weight: 0}], replay: 1.5}
                  - {steps: 10, schedule: {family: cosine}, replay_from: seen, on_exhausted: halt}
                """)).containsExactly(
                "run.yaml: stages[0].replay: 0.1: the first stage of a run from scratch has no earlier data to replay; "
                        + "set replay on later stages (or continue from a model with model.init)",
                "run.yaml: stages[1].data[0].corpus: 'd2' is not under corpora: (d0, d1)",
                "run.yaml: stages[1].data[0].weight: 0 must be a number above 0 (the corpus's share of the new data)",
                "run.yaml: stages[1].replay: 1.5 is not in [0, 1) (the share of the stage's sequences drawn from earlier stages)",
                "run.yaml: stages[2].data: missing; list the stage's corpora, e.g. 'data: [{corpus: d1}]'",
                "run.yaml: stages[2].replay_from: 'seen' is not one of consumed, all",
                "run.yaml: stages[2].on_exhausted: 'halt' is not one of wrap, stop");
        assertThat(problems("stages: [{steps: 1, schedule: {family: cosine}, data: [{corpus: d0}]}]").getFirst())
                .startsWith("run.yaml: corpora: missing");
    }
}

package dev.perennial.experiment;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The verdict's sentence, on the figures of the weak-shift reproduce run (README "perennial reproduce"). */
class VerdictTest {

    static Report.Row row(String run, String kind, double d0, double d1) {
        return new Report.Row(run, run, kind, null, 2e-3, d0, d1, (d0 + d1) / 2, 0.08, null, 0, 0, 0.33, null);
    }

    @Test
    void aMissWithoutInterferenceIsCalledUninformativeAfterTheOutcome() {
        Report.Row d0Only = row(ExperimentRuns.D0_ONLY, "baseline", 3.8072, 6.1575);
        Report.Row union = row(ExperimentRuns.UNION, "union", 3.7960, 4.2040);
        Report.Row best = row("rewarm-redecay-replay-25", "continual", 4.1220, 4.1054);
        Regime regime = Regime.of(List.of(d0Only, union, best));
        // two sequences per corpus, scored by both final models: the noise counts the 4 of them
        PairedNoise paired = PairedNoise.of(Map.of("d0", new double[] {4.326, 4.326}, "d1", new double[] {4.0886, 4.1086}),
                Map.of("d0", new double[] {4.0, 4.0}, "d1", new double[] {4.1972, 4.1872}));

        String verdict = Report.verdict(best, union, 0.04, false, 0.33, regime, paired);

        assertThat(regime.uninformative()).isTrue();
        assertThat(verdict).contains("difference +0.1137, +2.84% of union's; tolerance 0.040")
                .contains("paired standard error over the 4 validation sequences")
                .contains("it does not match union re-training, using 33% of its compute for the update (67% saved). "
                        + "The regime makes this comparison uninformative")
                .doesNotContain("does NOT match");
    }
}

package dev.perennial.experiment;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The paired noise of a difference of average losses, against values worked out by hand. */
class PairedNoiseTest {

    @Test
    void aConstantShiftHasNoNoiseHoweverHardTheSequencesDiffer() {
        // per-sequence losses spread from 1 to 7, the other model exactly 0.5 better on each: the difference is
        // certain, though two independent standard errors (each s/√n = 1.29) would call it noise
        PairedNoise noise = PairedNoise.of(Map.of("d0", new double[] {1, 3, 5, 7}),
                Map.of("d0", new double[] {0.5, 2.5, 4.5, 6.5}));
        assertThat(noise.difference()).isCloseTo(0.5, within(1e-15));
        assertThat(noise.stderr()).isCloseTo(0, within(1e-15));
        assertThat(noise.sequences()).isEqualTo(4);
    }

    @Test
    void theAverageOverCorporaHalvesTheirCombinedStandardError() {
        // d0 differences 1 and 3: mean 2, sample variance 2, over n = 2: 1. d1 differences 0, 0, 0: mean 0, variance 0.
        // average difference (2 + 0) / 2 = 1; standard error √(1 + 0) / 2 = 0.5
        PairedNoise noise = PairedNoise.of(
                Map.of("d0", new double[] {4, 6}, "d1", new double[] {2, 2, 2}),
                Map.of("d0", new double[] {3, 3}, "d1", new double[] {2, 2, 2}));
        assertThat(noise.difference()).isCloseTo(1, within(1e-15));
        assertThat(noise.stderr()).isCloseTo(0.5, within(1e-15));
        assertThat(noise.sequences()).isEqualTo(5);
    }

    @Test
    void refusesSequencesThatDoNotPairUp() {
        assertThatThrownBy(() -> PairedNoise.of(Map.of("d0", new double[] {1, 2}), Map.of("d0", new double[] {1})))
                .hasMessageContaining("corpus d0 was not scored on the same sequences");
    }
}

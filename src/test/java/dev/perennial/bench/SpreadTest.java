package dev.perennial.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The repetition statistics against numpy's definitions (percentile, linear; std with ddof=1), worked by hand. */
class SpreadTest {

    @Test
    void tenValuesInAnyOrderGiveNumpysPercentilesAndTheSampleStandardDeviation() {
        Spread s = Spread.of(new double[] {7, 3, 10, 1, 9, 2, 8, 4, 6, 5});
        assertThat(s.count()).isEqualTo(10);
        assertThat(s.median()).isEqualTo(5.5);
        assertThat(s.p10()).isCloseTo(1.9, within(1e-12)); // rank 0.1·9 = 0.9: 1 + 0.9·(2 − 1)
        assertThat(s.p90()).isCloseTo(9.1, within(1e-12)); // rank 8.1: 9 + 0.1·(10 − 9)
        assertThat(s.min()).isEqualTo(1);
        assertThat(s.max()).isEqualTo(10);
        assertThat(s.stdev()).isCloseTo(Math.sqrt(82.5 / 9), within(1e-12)); // Σ(x − 5.5)² = 82.5
    }

    @Test
    void oneValueIsItsOwnSpreadAndNoneIsRefused() {
        Spread s = Spread.of(new double[] {4.2});
        assertThat(s.median()).isEqualTo(4.2);
        assertThat(s.p10()).isEqualTo(4.2);
        assertThat(s.p90()).isEqualTo(4.2);
        assertThat(s.stdev()).isZero();
        assertThatThrownBy(() -> Spread.of(new double[0])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theTableTextNamesEveryFigure() {
        assertThat(Spread.of(new double[] {1, 2, 3}).text())
                .isEqualTo("median 2.00 (p10–p90 1.20–2.80, min 1.00, max 3.00, 3 runs)");
    }
}

package dev.perennial.schedule;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Every family against values computed here, independently, from the formulas in docs/architecture.md ("Schedules,
 * exactly"), at the boundaries that matter. T = 1234 and a warmup of 1.3% make W = 16.042 a real number, so a
 * rounded warmup would show.
 */
class ScheduleFormulaTest {

    static final double T = 1234;
    static final double M = 3e-4;
    static final double m = 3e-5;
    static final double c = 1.65e-4;
    static final double WARMUP = 0.013;
    static final double W = WARMUP * T; // 16.042
    static final double EPS = 1e-15;

    static LrCurve curve(Schedule s) {
        return s.curve(T, 0);
    }

    @Test
    void cosineWarmsLinearlyThenDecaysByTheCosineFormula() {
        LrCurve lr = curve(new Schedule.Cosine(M, m, WARMUP, WarmupStart.ZERO));
        assertThat(lr.lr(0)).isEqualTo(0);
        assertThat(lr.lr(8)).isCloseTo(M * 8 / 16.042, within(EPS));
        assertThat(lr.lr(16)).isCloseTo(M * 16 / 16.042, within(EPS)); // still warming: W is not rounded to 16
        assertThat(lr.phase(16)).isEqualTo("warmup");
        assertThat(lr.lr(W)).isCloseTo(M, within(EPS));
        assertThat(lr.phase(W)).isEqualTo("warmup");
        double middle = (W + T) / 2;
        assertThat(lr.lr(middle)).isCloseTo((M + m) / 2, within(EPS));
        assertThat(lr.phase(middle)).isEqualTo("decay");
        double n = 900;
        assertThat(lr.lr(n)).isCloseTo(m + (M - m) / 2 * (1 + Math.cos(Math.PI * (n - W) / (T - W))), within(EPS));
        assertThat(lr.lr(T)).isCloseTo(m, within(EPS));
        assertThat(lr.lr(T + 500)).isEqualTo(lr.lr(T)); // never below the floor after the stage
    }

    @Test
    void cosineNeverGoesBelowItsFloor() {
        LrCurve lr = curve(new Schedule.Cosine(M, m, WARMUP, WarmupStart.ZERO));
        for (double n = 0; n <= T; n += 0.25) {
            assertThat(lr.lr(n)).isBetween(0.0, M);
            if (n > W) {
                assertThat(lr.lr(n)).isGreaterThanOrEqualTo(m);
            }
        }
    }

    @Test
    void constantHoldsAfterItsOptionalWarmup() {
        LrCurve plain = curve(new Schedule.Constant(m, 0, WarmupStart.ZERO));
        assertThat(plain.lr(0)).isEqualTo(m);
        assertThat(plain.lr(T)).isEqualTo(m);
        assertThat(plain.segments()).hasSize(1);

        LrCurve warmed = curve(new Schedule.Constant(M, WARMUP, WarmupStart.ZERO));
        assertThat(warmed.lr(W / 2)).isCloseTo(M / 2, within(EPS));
        assertThat(warmed.lr(W)).isCloseTo(M, within(EPS));
        assertThat(warmed.lr(T)).isEqualTo(M);
        assertThat(warmed.phase(T)).isEqualTo("constant");
    }

    @Test
    void wsdIsStableThenDecaysOverItsFinalFractionInEachShape() {
        double decay = 0.25;
        double d = T - decay * T; // decay starts at 925.5
        for (DecayShape shape : DecayShape.values()) {
            LrCurve lr = curve(new Schedule.WarmupStableDecay(M, m, WARMUP, WarmupStart.ZERO, decay, shape));
            assertThat(lr.lr(W)).isCloseTo(M, within(EPS));
            assertThat(lr.lr(500)).isEqualTo(M);
            assertThat(lr.phase(500)).isEqualTo("stable");
            assertThat(lr.lr(d)).isCloseTo(M, within(EPS));
            assertThat(lr.phase(d)).isEqualTo("stable");
            assertThat(lr.lr(T)).isCloseTo(m, within(EPS));
            double q = d + (T - d) / 4; // a quarter of the way through the decay
            double expected = switch (shape) {
                case LINEAR -> M - (M - m) * 0.25;
                case COSINE -> m + (M - m) / 2 * (1 + Math.cos(Math.PI * 0.25));
                case ONE_MINUS_SQRT -> m + (M - m) * (1 - Math.sqrt(0.25));
            };
            assertThat(lr.lr(q)).as(shape.id()).isCloseTo(expected, within(EPS));
            assertThat(lr.phase(q)).isEqualTo("decay");
        }
    }

    @Test
    void inverseSqrtDecaysAsTheSquareRootOfWarmupOverStepAndStopsAtTheFloor() {
        LrCurve lr = curve(new Schedule.InverseSqrt(M, 1e-4, WARMUP, WarmupStart.ZERO));
        assertThat(lr.lr(W)).isCloseTo(M, within(EPS));
        assertThat(lr.lr(4 * W)).isCloseTo(M / 2, within(EPS));
        assertThat(lr.lr(100)).isCloseTo(M * Math.sqrt(W / 100), within(EPS));
        // M·√(W/n) reaches 1e-4 at n = 9W = 144.378; after that the floor holds
        assertThat(lr.lr(9 * W + 1)).isEqualTo(1e-4);
        assertThat(lr.lr(T)).isEqualTo(1e-4);
    }

    /** The infinite schedules share warmup, constant and anneal; k = n − W. */
    private static void checkInfiniteCommonPoints(LrCurve lr, double cooldown, double constantEnd) {
        double tcd = cooldown * T;
        double kc = constantEnd * T;
        double tann = T - W - kc;
        assertThat(lr.lr(W / 2)).isCloseTo(M / 2, within(EPS));
        assertThat(lr.lr(W)).isCloseTo(M, within(EPS));
        assertThat(lr.lr(W + tcd)).isCloseTo(c, within(EPS));
        assertThat(lr.phase(W + tcd)).isEqualTo("cooldown");
        assertThat(lr.lr(W + tcd + 1)).isEqualTo(c);
        assertThat(lr.phase(W + tcd + 1)).isEqualTo("constant");
        assertThat(lr.lr(W + kc)).isEqualTo(c);
        assertThat(lr.phase(W + kc)).isEqualTo("constant");
        double half = W + kc + tann / 2;
        assertThat(lr.lr(half)).isCloseTo(c * Math.pow(m / c, 0.5), within(EPS));
        assertThat(lr.phase(half)).isEqualTo("anneal");
        assertThat(lr.lr(T)).isCloseTo(m, within(EPS));
    }

    @Test
    void infiniteCosineFollowsThePaper() {
        LrCurve lr = curve(new Schedule.Infinite(Family.INFINITE_COSINE, M, c, m, WARMUP, WarmupStart.ZERO, 0.6,
                0.85, 10));
        double tcd = 0.6 * T;
        assertThat(lr.lr(W + tcd / 2)).isCloseTo(c + (M - c) / 2 * (1 + Math.cos(Math.PI / 2)), within(EPS));
        assertThat(lr.lr(W + 100)).isCloseTo(c + (M - c) / 2 * (1 + Math.cos(Math.PI * 100 / tcd)), within(EPS));
        checkInfiniteCommonPoints(lr, 0.6, 0.85);
    }

    @Test
    void infiniteInverseSqrtFollowsThePaper() {
        double alpha = 10;
        LrCurve lr = curve(new Schedule.Infinite(Family.INFINITE_INVERSE_SQRT, M, c, m, WARMUP, WarmupStart.ZERO,
                0.6, 0.85, alpha));
        double tcd = 0.6 * T;
        double h1 = 1 / Math.sqrt(1 + alpha) - 1;
        double hHalf = 1 / Math.sqrt(1 + alpha * 0.5) - 1;
        assertThat(lr.lr(W + tcd / 2)).isCloseTo(M + (c - M) * hHalf / h1, within(EPS));
        checkInfiniteCommonPoints(lr, 0.6, 0.85);
    }

    @Test
    void infiniteLinearFollowsThePaper() {
        LrCurve lr = curve(new Schedule.Infinite(Family.INFINITE_LINEAR, M, c, m, WARMUP, WarmupStart.ZERO, 0.6,
                0.85, 10));
        double tcd = 0.6 * T;
        assertThat(lr.lr(W + tcd / 2)).isCloseTo(M - (M - c) / 2, within(EPS));
        assertThat(lr.lr(W + 100)).isCloseTo(M - (M - c) * 100 / tcd, within(EPS));
        checkInfiniteCommonPoints(lr, 0.6, 0.85);
    }

    @Test
    void infiniteWithoutAnnealEndsTheStageInTheConstantPhase() {
        LrCurve lr = curve(new Schedule.Infinite(Family.INFINITE_COSINE, M, c, m, WARMUP, WarmupStart.ZERO, 0.6,
                1 - WARMUP, 10));
        assertThat(lr.lr(T)).isEqualTo(c);
        assertThat(lr.phase(T)).isEqualTo("constant");
        assertThat(lr.segments()).extracting(Segment::phase).containsExactly("warmup", "cooldown", "constant");
    }

    @Test
    void noAnnealHoldsWhenWarmupPlusConstantEndFallsAHairShortOfOne() {
        // 0.01 × 6 + 0.99 × 6 = 5.999999999999999 in doubles: no sliver of anneal may end the stage at min_lr
        LrCurve lr = new Schedule.Infinite(Family.INFINITE_COSINE, M, c, m, 0.01, WarmupStart.ZERO, 0.6, 0.99, 10)
                .curve(6, 0);
        assertThat(lr.lr(6)).isEqualTo(c);
        assertThat(lr.segments()).extracting(Segment::phase).containsExactly("warmup", "cooldown", "constant");
    }

    @Test
    void warmupCanStartFromAGivenLearningRate() {
        LrCurve lr = new Schedule.Cosine(M, m, WARMUP, WarmupStart.PREVIOUS).curve(T, m);
        assertThat(lr.lr(0)).isEqualTo(m);
        assertThat(lr.lr(W / 2)).isCloseTo(m + (M - m) / 2, within(EPS));
        assertThat(lr.lr(W)).isCloseTo(M, within(EPS));
    }

    @Test
    void emptyPhasesOwnNoStep() {
        LrCurve lr = curve(new Schedule.Cosine(M, m, 0, WarmupStart.ZERO));
        assertThat(lr.segments()).extracting(Segment::phase).containsExactly("decay");
        assertThat(lr.lr(0)).isEqualTo(M);
    }
}

package dev.perennial.schedule;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Stages one after another: global steps, re-warming, continuity. */
class RunScheduleTest {

    static final double M = 3e-4;
    static final double m = 3e-5;

    static StageSchedule stage(String name, long steps, Schedule schedule) {
        return new StageSchedule(name, steps, 0, schedule);
    }

    @Test
    void rewarmingFromZeroStartsTheSecondStageAtZeroAndReportsTheJump() {
        RunSchedule run = new RunSchedule(List.of(
                stage("d0", 1000, new Schedule.Cosine(M, m, 0.01, WarmupStart.ZERO)),
                stage("d1", 500, new Schedule.Cosine(M, m, 0.02, WarmupStart.ZERO))));
        assertThat(run.totalSteps()).isEqualTo(1500);
        assertThat(run.lr(999)).isCloseTo(m + (M - m) / 2 * (1 + Math.cos(Math.PI * 989 / 990)), within(1e-15));
        assertThat(run.point(1000).stage()).isEqualTo("d1");
        assertThat(run.lr(1000)).isEqualTo(0);
        assertThat(run.lr(1005)).isCloseTo(M / 2, within(1e-15)); // W = 0.02 · 500 = 10
        assertThat(run.lr(1010)).isCloseTo(M, within(1e-15));
        assertThat(run.lr(1500)).isCloseTo(m, within(1e-15));
        assertThat(run.jumps()).containsExactly(new Jump(1000, m, 0, "stage d0 → d1"));
    }

    @Test
    void rewarmingFromThePreviousFloorIsContinuous() {
        RunSchedule run = new RunSchedule(List.of(
                stage("d0", 1000, new Schedule.Cosine(M, m, 0.01, WarmupStart.ZERO)),
                stage("d1", 1000, new Schedule.Cosine(M, m, 0.01, WarmupStart.PREVIOUS))));
        assertThat(run.lr(1000)).isCloseTo(m, within(1e-15));
        assertThat(run.lr(1005)).isCloseTo((m + M) / 2, within(1e-15));
        assertThat(run.jumps()).isEmpty();
    }

    @Test
    void continuingAtTheFloorIsContinuousAndAHigherConstantIsAJump() {
        RunSchedule atFloor = new RunSchedule(List.of(
                stage("d0", 100, new Schedule.Cosine(M, m, 0.01, WarmupStart.ZERO)),
                stage("d1", 100, new Schedule.Constant(m, 0, WarmupStart.ZERO))));
        assertThat(atFloor.jumps()).isEmpty();
        RunSchedule atPeak = new RunSchedule(List.of(
                stage("d0", 100, new Schedule.Cosine(M, m, 0.01, WarmupStart.ZERO)),
                stage("d1", 100, new Schedule.Constant(M, 0, WarmupStart.ZERO))));
        assertThat(atPeak.jumps()).singleElement().satisfies(j -> {
            assertThat(j.step()).isEqualTo(100);
            assertThat(j.from()).isCloseTo(m, within(1e-15));
            assertThat(j.to()).isEqualTo(M);
        });
    }

    @Test
    void anInfiniteConstantPhaseCarriesAcrossStagesWithTheAnnealOnlyAtTheEnd() {
        double c = 1.65e-4;
        RunSchedule run = new RunSchedule(List.of(
                stage("d0", 1000, new Schedule.Infinite(Family.INFINITE_COSINE, M, c, m, 0.01, WarmupStart.ZERO,
                        0.6, 0.99, 10)),
                stage("d1", 1000, new Schedule.Infinite(Family.INFINITE_COSINE, c, c, m, 0, WarmupStart.ZERO,
                        0, 0.85, 10))));
        assertThat(run.lr(1000)).isEqualTo(c);
        assertThat(run.point(1000).phase()).isEqualTo("constant");
        assertThat(run.lr(1850)).isEqualTo(c);
        assertThat(run.point(1900).phase()).isEqualTo("anneal");
        assertThat(run.lr(2000)).isCloseTo(m, within(1e-15));
        assertThat(run.jumps()).isEmpty();
    }

    @Test
    void aCooldownOfZeroLengthIsReportedAsAJumpInsideTheStage() {
        RunSchedule run = new RunSchedule(List.of(stage("s", 1000, new Schedule.Infinite(Family.INFINITE_LINEAR,
                M, 1e-4, m, 0.1, WarmupStart.ZERO, 0, 0.5, 10))));
        assertThat(run.jumps()).containsExactly(new Jump(100, M, 1e-4, "stage s: warmup → constant"));
    }

    @Test
    void tokensCountFromTheStartOfTheRun() {
        RunSchedule run = new RunSchedule(List.of(
                new StageSchedule("a", 10, 4096, new Schedule.Constant(M, 0, WarmupStart.ZERO)),
                new StageSchedule("b", 10, 4096, new Schedule.Constant(M, 0, WarmupStart.ZERO))));
        assertThat(run.point(15).tokens()).isEqualTo(15 * 4096);
        assertThat(run.point(15).stageStep()).isEqualTo(5);
    }

    @Test
    void theOverviewShowsBothSidesOfAStageBoundary() {
        RunSchedule run = new RunSchedule(List.of(
                stage("d0", 100, new Schedule.Cosine(M, m, 0.1, WarmupStart.ZERO)),
                stage("d1", 100, new Schedule.Cosine(M, m, 0.1, WarmupStart.ZERO))));
        List<RunSchedule.Point> atBoundary = run.overview(4).stream().filter(p -> p.step() == 100).toList();
        assertThat(atBoundary).extracting(RunSchedule.Point::stage).containsExactly("d0", "d1");
        assertThat(atBoundary.get(0).lr()).isCloseTo(m, within(1e-15));
        assertThat(atBoundary.get(1).lr()).isEqualTo(0);
        assertThat(run.overview(4)).extracting(RunSchedule.Point::step)
                .containsExactly(0.0, 10.0, 25.0, 50.0, 75.0, 100.0, 100.0, 110.0, 125.0, 150.0, 175.0, 200.0);
    }

    @Test
    void everyStepCoversTheWholeRunInclusive() {
        RunSchedule run = new RunSchedule(List.of(stage("s", 50, new Schedule.Cosine(M, m, 0.1, WarmupStart.ZERO))));
        assertThat(run.everyStep()).hasSize(51);
        assertThat(run.everyStep().getLast().lr()).isCloseTo(m, within(1e-15));
    }

    @Test
    void refusesStepsOutsideTheRunAndAFirstStageWarmingFromNothing() {
        RunSchedule run = new RunSchedule(List.of(stage("s", 50, new Schedule.Constant(M, 0, WarmupStart.ZERO))));
        assertThatThrownBy(() -> run.point(51)).hasMessageContaining("outside the run's [0, 50]");
        assertThatThrownBy(() -> run.point(-1)).hasMessageContaining("outside");
        assertThatThrownBy(() -> new RunSchedule(List.of(stage("s", 5,
                new Schedule.Constant(M, 0.5, WarmupStart.PREVIOUS))))).hasMessageContaining("no previous stage");
    }
}

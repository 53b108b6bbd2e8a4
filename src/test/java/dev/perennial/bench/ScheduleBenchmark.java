package dev.perennial.bench;

import dev.perennial.schedule.Family;
import dev.perennial.schedule.LrCurve;
import dev.perennial.schedule.RunSchedule;
import dev.perennial.schedule.Schedule;
import dev.perennial.schedule.StageSchedule;
import dev.perennial.schedule.WarmupStart;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The cost of one learning-rate evaluation, as the trainer pays it once per optimizer step. Run with
 * {@code bench/jmh.sh ScheduleBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ScheduleBenchmark {

    private static final long STEPS = 100_000;

    private final LrCurve cosine = new Schedule.Cosine(3e-4, 3e-5, 0.01, WarmupStart.ZERO).curve(STEPS, 0);
    private final LrCurve infinite = new Schedule.Infinite(Family.INFINITE_INVERSE_SQRT, 3e-4, 1.65e-4, 3e-5, 0.01,
            WarmupStart.ZERO, 0.6, 0.85, 10).curve(STEPS, 0);
    private final RunSchedule twoStages = new RunSchedule(List.of(
            new StageSchedule("d0", STEPS, 0, new Schedule.Cosine(3e-4, 3e-5, 0.01, WarmupStart.ZERO)),
            new StageSchedule("d1", STEPS, 0, new Schedule.Cosine(3e-4, 3e-5, 0.01, WarmupStart.ZERO))));
    private long step;

    private long nextStep(long total) {
        step = (step + 7919) % total;
        return step;
    }

    @Benchmark
    public double cosineStage() {
        return cosine.lr(nextStep(STEPS));
    }

    @Benchmark
    public double infiniteInverseSqrtStage() {
        return infinite.lr(nextStep(STEPS));
    }

    @Benchmark
    public double twoStageRunAtGlobalStep() {
        return twoStages.lr(nextStep(2 * STEPS));
    }
}

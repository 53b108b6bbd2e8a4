package dev.perennial.config;

import dev.perennial.schedule.RunSchedule;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * A warmup given in steps or tokens gives the learning rates of docs/architecture.md's formulas with W in steps:
 * warmup M·n/W for n ≤ W, then cosine m + (M − m)/2·(1 + cos(π(n − W)/(T − W))). Expected values are computed here
 * from W as given, never from the fraction the code derives.
 */
class WarmupLengthTest {

    static final double M = 3e-4;
    static final double m = 3e-5;
    static final double EPS = 1e-15;

    static double cosine(double n, double w, double t) {
        return n <= w ? M * n / w : m + (M - m) / 2 * (1 + Math.cos(Math.PI * (n - w) / (t - w)));
    }

    @Test
    void warmupInStepsIsThatManySteps() {
        RunSchedule run = ConfigRefusalTest.schedule("""
                stages: [{steps: 1234, schedule: {family: cosine, max_lr: 3e-4, min_lr: 3e-5, warmup_steps: 16.042}}]
                """);
        double w = 16.042;
        for (double n : new double[] {0, 8, 16, 16.042, 17, 600, 1234}) {
            assertThat(run.lr(n)).as("step %s", n).isCloseTo(cosine(n, w, 1234), within(EPS));
        }
        assertThat(run.point(16).phase()).isEqualTo("warmup"); // W is not rounded to 16
        assertThat(run.point(16.1).phase()).isEqualTo("decay");
    }

    @Test
    void warmupInTokensIsTokensOverTokensPerStep() {
        // 8 × 4 = 32 tokens per step; 40,000 tokens = 1,250 steps; 500 tokens of warmup = 15.625 steps
        RunSchedule run = ConfigRefusalTest.schedule("""
                seq_len: 8
                global_batch: 4
                stages: [{tokens: 40000, schedule: {family: cosine, max_lr: 3e-4, min_lr: 3e-5, warmup_tokens: 500}}]
                """);
        double w = 500.0 / 32;
        for (double n : new double[] {0, 5, 15, 15.625, 16, 700, 1250}) {
            assertThat(run.lr(n)).as("step %s", n).isCloseTo(cosine(n, w, 1250), within(EPS));
        }
        assertThat(run.point(15.6).phase()).isEqualTo("warmup");
        assertThat(run.point(15.7).phase()).isEqualTo("decay");
    }

    @Test
    void warmupInStepsWorksForEveryFamilyThatWarmsUp() {
        RunSchedule run = ConfigRefusalTest.schedule("""
                stages: [{steps: 1000, schedule: {family: infinite-linear, max_lr: 3e-4, warmup_steps: 40}}]
                """);
        assertThat(run.lr(20)).isCloseTo(M / 2, within(EPS));
        // the linear cooldown of 0.6 × 1000 steps starts at W = 40: halfway at step 340
        assertThat(run.lr(340)).isCloseTo((M + 1.65e-4) / 2, within(EPS));
    }

    @Test
    void twoWarmupKeysAreRefused() {
        assertThat(ConfigRefusalTest.refusal(ConfigRefusalTest.stage("family: cosine, warmup: 0.01, warmup_steps: 10")))
                .contains("run.yaml: stages[1].schedule.warmup_steps: given with warmup; give only one of warmup "
                        + "(a fraction of the stage), warmup_steps (optimizer steps) or warmup_tokens (tokens)");
        assertThat(ConfigRefusalTest.refusal("seq_len: 8\nglobal_batch: 4\n"
                + ConfigRefusalTest.stage("family: cosine, warmup_steps: 10, warmup_tokens: 320")))
                .contains("stages[1].schedule.warmup_tokens: given with warmup_steps; give only one of");
    }

    @Test
    void aWarmupInStepsOrTokensMustFitTheStage() {
        assertThat(ConfigRefusalTest.refusal(ConfigRefusalTest.stage("family: cosine, warmup_steps: 1001")))
                .contains("stages[1].schedule.warmup_steps: 1001 steps is longer than the stage's 1000 steps");
        assertThat(ConfigRefusalTest.refusal("seq_len: 8\nglobal_batch: 4\n"
                + ConfigRefusalTest.stage("family: cosine, warmup_tokens: 32032")))
                .contains("stages[1].schedule.warmup_tokens: 32032 tokens (1001 steps) is longer than the stage's 1000");
        assertThat(ConfigRefusalTest.refusal(ConfigRefusalTest.stage("family: cosine, warmup_steps: -1")))
                .contains("stages[1].schedule.warmup_steps: -1 must be 0 or above (optimizer steps of warmup)");
        assertThat(ConfigRefusalTest.refusal(ConfigRefusalTest.stage("family: cosine, warmup_tokens: 100")))
                .contains("stages[1].schedule.warmup_tokens: needs tokens per step to become steps; set seq_len and "
                        + "global_batch");
        assertThat(ConfigRefusalTest.refusal(ConfigRefusalTest.stage("family: inverse-sqrt, warmup_steps: 0")))
                .contains("stages[1].schedule.warmup_steps: 0: inverse-sqrt decays");
    }
}

package dev.perennial.config;

import dev.perennial.UserError;
import dev.perennial.schedule.RunSchedule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Every refusal of a run config names the file and the key path, and says what is allowed. */
class ConfigRefusalTest {

    static RunSchedule schedule(String yaml) {
        return StageRules.runSchedule(ConfigLoader.parse(yaml, "run.yaml"), KeyPath.root(), "run.yaml");
    }

    static String stage(String scheduleKeys) {
        return "stages:\n  - name: a\n    steps: 1000\n    schedule: {family: cosine}\n"
                + "  - name: b\n    steps: 1000\n    schedule: {" + scheduleKeys + "}\n";
    }

    static String refusal(String yaml) {
        try {
            schedule(yaml);
        } catch (UserError e) {
            return e.getMessage();
        }
        throw new AssertionError("accepted: " + yaml);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "family: cosine, warmup: 1.5 | run.yaml: stages[1].schedule.warmup: 1.5 is not in [0, 1]",
            "family: cosine, warmup: -0.1 | stages[1].schedule.warmup: -0.1 is not in [0, 1]",
            "family: infinite-cosine, cooldown: 1.2 | stages[1].schedule.cooldown: 1.2 is not in [0, 1]",
            "family: infinite-cosine, constant_end: -1 | stages[1].schedule.constant_end: -1 is not in [0, 1]",
            "family: wsd, decay: 2 | stages[1].schedule.decay: 2 is not in [0, 1]",
            "family: cosine, max_lr: 0 | stages[1].schedule.max_lr: 0 must be a number above 0",
            "family: cosine, max_lr: -3e-4 | stages[1].schedule.max_lr: -3e-4 must be a number above 0",
            "family: cosine, max_lr: 1e300 | stages[1].schedule.max_lr: 1e300 is more than libtorch holds in a float",
            "family: cosine, max_lr: 1e-4, min_lr: 2e-4 | stages[1].schedule.min_lr: 2e-4 is above max_lr 1e-4",
            "family: cosine, min_lr: -1e-5 | stages[1].schedule.min_lr: -1e-5 must be 0 or above",
            "family: infinite-cosine, cooldown: 0.9, constant_end: 0.8 | stages[1].schedule.cooldown: 0.9 ends after "
                    + "the constant phase, which ends at constant_end 0.8; make cooldown ≤ constant_end",
            "family: infinite-linear, warmup: 0.2, constant_end: 0.9 | stages[1].schedule.constant_end: 0.9 plus "
                    + "warmup 0.2 is past the end of the stage",
            "family: infinite-cosine, min_lr: 0 | stages[1].schedule.min_lr: 0: the exponential anneal",
            "family: infinite-cosine, constant_lr: 4e-4 | stages[1].schedule.constant_lr: 4e-4 is not in [3e-5, 3e-4]",
            "family: infinite-inverse-sqrt, timescale: 0 | stages[1].schedule.timescale: 0 must be a number above 0",
            "family: wsd, warmup: 0.5, decay: 0.6 | stages[1].schedule.decay: 0.6 plus warmup 0.5 is more than the "
                    + "whole stage",
            "family: wsd, decay_shape: sqrt | stages[1].schedule.decay_shape: 'sqrt' is not one of linear, cosine, 1-sqrt",
            "family: inverse-sqrt, warmup: 0 | stages[1].schedule.warmup: 0: inverse-sqrt decays",
            "family: cosin | stages[1].schedule.family: 'cosin' is not one of constant, cosine, wsd, inverse-sqrt, "
                    + "infinite-cosine, infinite-inverse-sqrt, infinite-linear",
            "max_lr: 1e-4 | stages[1].schedule.family: missing; choose one of constant, cosine",
            "family: cosine, cooldown: 0.5 | stages[1].schedule.cooldown: does not apply to family cosine; it is a "
                    + "setting of infinite-cosine, infinite-inverse-sqrt, infinite-linear",
            "family: constant, min_lr: 1e-5 | stages[1].schedule.min_lr: does not apply to family constant",
            "family: cosine, warmup_from: floor | stages[1].schedule.warmup_from: 'floor' is not one of zero, previous",
    })
    void refusesABadScheduleNamingTheKey(String keys, String expected) {
        assertThat(refusal(stage(keys))).contains(expected);
    }

    @Test
    void refusesBadStageLengths() {
        assertThat(refusal("stages: [{steps: 0, schedule: {family: cosine}}]"))
                .contains("stages[0].steps: 0 must be a whole number of at least 1 (optimizer steps in the stage)");
        assertThat(refusal("stages: [{steps: -5, schedule: {family: cosine}}]"))
                .contains("stages[0].steps: -5 must be a whole number of at least 1");
        assertThat(refusal("stages: [{steps: 10.5, schedule: {family: cosine}}]"))
                .contains("stages[0].steps: 10.5 must be a whole number");
        assertThat(refusal("seq_len: 8\nglobal_batch: 2\nstages: [{tokens: 0, schedule: {family: cosine}}]"))
                .contains("stages[0].tokens: 0 must be a whole number of at least 1 (tokens in the stage)");
        assertThat(refusal("stages: [{schedule: {family: cosine}}]"))
                .contains("stages[0]: no length; give exactly one of steps");
        assertThat(refusal("seq_len: 8\nglobal_batch: 2\nstages: [{steps: 5, tokens: 80, schedule: {family: cosine}}]"))
                .contains("stages[0]: both steps and tokens");
        assertThat(refusal("stages: [{tokens: 1000, schedule: {family: cosine}}]"))
                .contains("stages[0].tokens: needs tokens per step to become steps; set seq_len and global_batch");
        assertThat(refusal("seq_len: 0\nglobal_batch: 2\nstages: [{tokens: 80, schedule: {family: cosine}}]"))
                .contains("seq_len: 0 must be a whole number of at least 1");
    }

    @Test
    void refusesBadStageLists() {
        assertThat(refusal("seq_len: 8\n")).contains("run.yaml: stages: missing; a run needs at least one stage");
        assertThat(refusal("stages: []")).contains("stages: missing");
        assertThat(refusal("stages: [{steps: 5}]")).contains("stages[0].schedule: missing");
        assertThat(refusal("stages:\n  - {name: x, steps: 5, schedule: {family: cosine}}\n"
                + "  - {name: x, steps: 5, schedule: {family: cosine}}"))
                .contains("stages[1].name: 'x' is used twice");
        assertThat(refusal("stages: [{steps: 5, schedule: {family: cosine, warmup_from: previous}}]"))
                .contains("stages[0].schedule.warmup_from: previous: the first stage has no previous stage; use zero");
    }

    @Test
    void reportsEveryProblemAndSummarisesTheRest() {
        UserError e = (UserError) org.assertj.core.api.Assertions.catchThrowable(() -> schedule(
                "stages: [{steps: 0, schedule: {family: cosine, warmup: 2, max_lr: -1}}]"));
        assertThat(e.problems()).hasSize(3);
        assertThat(e.getMessage()).contains("(and 2 more; --verbose lists them all)").doesNotContain("\n");
    }

    @Test
    void refusesUnknownKeysWithASuggestion() {
        assertThatThrownBy(() -> ConfigLoader.parse("stages:\n  - steps: 5\n    schedule: {family: cosine, warmpu: 0.1}\n",
                "run.yaml"))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("run.yaml: stages[0].schedule.warmpu is not a known key; did you mean 'warmup'?");
        assertThatThrownBy(() -> ConfigLoader.parse("stagez: []", "run.yaml"))
                .hasMessageContaining("run.yaml: stagez is not a known key; did you mean 'stages'?");
    }

    @Test
    void refusesWrongTypes() {
        assertThatThrownBy(() -> ConfigLoader.parse("stages: [{steps: 5, schedule: {family: cosine, max_lr: fast}}]",
                "run.yaml")).hasMessageContaining("run.yaml: stages[0].schedule.max_lr: 'fast' is not a number");
        assertThatThrownBy(() -> ConfigLoader.parse("stages: {steps: 5}", "run.yaml"))
                .hasMessageContaining("run.yaml: stages: expected a list");
        assertThatThrownBy(() -> ConfigLoader.parse("seq_len: 1.5\nstages: []", "run.yaml"))
                .hasMessageContaining("run.yaml: seq_len");
        assertThatThrownBy(() -> ConfigLoader.parse("stages: [{steps: 5, schedule: cosine}]", "run.yaml"))
                .hasMessageContaining("run.yaml: stages[0].schedule: expected a mapping of keys to values");
    }

    @Test
    void refusesBrokenYamlWithItsLine() {
        assertThatThrownBy(() -> ConfigLoader.parse("stages:\n  - steps: 5\n   schedule: [", "run.yaml"))
                .hasMessageMatching("run\\.yaml line \\d+, column \\d+: not valid YAML: .*");
        assertThatThrownBy(() -> ConfigLoader.parse("  \n", "run.yaml")).hasMessageContaining("run.yaml: the file is empty");
    }

    @Test
    void readsNumbersTheWayPeopleWriteThem() {
        RunSchedule run = schedule("seq_len: 128\nglobal_batch: 32\nstages:\n"
                + "  - tokens: 1e6\n    schedule: {family: cosine, max_lr: 3e-4, min_lr: 0.00003}\n"
                + "  - tokens: 1_000_000\n    schedule: {family: constant, max_lr: 3.0e-5}\n");
        // 1e6 tokens / 4096 per step = 244.14 → 245 steps, so the budget is met
        assertThat(run.stages()).extracting(p -> p.stage().steps()).containsExactly(245L, 245L);
        assertThat(run.stages().getFirst().stage().name()).isEqualTo("stage1");
        assertThat(run.lr(245)).isCloseTo(3e-5, within(1e-18));
        assertThat(run.jumps()).isEmpty();
    }

    @Test
    void appliesThePapersDefaults() {
        RunSchedule run = schedule("stages: [{steps: 10000, schedule: {family: infinite-cosine}}]");
        // η_max 3e-4, warmup 1% = 100 steps, cooldown 0.6 → 6100, constant until 100 + 8500, η_const 1.65e-4
        assertThat(run.lr(100)).isCloseTo(3e-4, within(1e-18));
        assertThat(run.lr(6100)).isCloseTo(1.65e-4, within(1e-18));
        assertThat(run.point(8600).phase()).isEqualTo("constant");
        assertThat(run.lr(10000)).isCloseTo(3e-5, within(1e-18));
    }
}

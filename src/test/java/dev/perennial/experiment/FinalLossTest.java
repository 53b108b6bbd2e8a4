package dev.perennial.experiment;

import dev.perennial.eval.Evaluation;
import dev.perennial.io.Json;
import dev.perennial.run.MetricsRecord;
import dev.perennial.train.TrainPlan;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The paper's final loss: dense evaluations at the end of a stage, their mean, and its noise. */
class FinalLossTest {

    @TempDir
    Path dir;

    @Test
    void evaluationsDensifyInTheLastFractionOfAStage() {
        TrainPlan.Evaluation eval = new TrainPlan.Evaluation(25, 128, 16, List.of(), List.of(), 0, 0.01, 2, true);
        List<Long> due = LongStream.rangeClosed(1, 1000).filter(done -> eval.due(done, 1000)).boxed().toList();
        // every 25 steps, and in the last 1% (steps 990..1000) every 2nd step counted back from the end
        assertThat(due).containsSubsequence(25L, 50L, 975L, 990L, 992L, 994L, 996L, 998L, 1000L)
                .doesNotContain(991L, 989L, 999L);
        assertThat(due).hasSize(40 + 5);
        assertThat(TrainPlan.Evaluation.finalWindowStart(97, 0.01)).isEqualTo(96);
    }

    @Test
    void theFinalLossIsTheMeanOfTheEvaluationsInTheFinalWindow() throws Exception {
        List<String> lines = new ArrayList<>();
        double[] d0 = {5.0, 4.0, 3.5, 3.2, 3.1, 3.0};
        long[] at = {0, 50, 100, 197, 198, 200};
        for (int i = 0; i < at.length; i++) {
            if (at[i] > 0) {
                lines.add(Json.MAPPER.writeValueAsString(new MetricsRecord.Step(at[i], "d0", at[i], at[i] * 64, 1e-3,
                        3.0, 1.0, false, 1000, Map.of("d0", at[i] * 64), Map.of())));
            }
            lines.add(Json.MAPPER.writeValueAsString(new MetricsRecord.Eval(at[i], "d0", at[i], Map.of("d0", d0[i]),
                    Map.of("d0", d0[i] - d0[0]), null, Map.of("d0", 0.01 * (i + 1)))));
        }
        Files.write(dir.resolve("metrics.jsonl"), lines);
        // 1% of 200 steps: the window starts at step 198, so the evaluations at 198 and 200 count, not 197
        RunResult r = RunResult.read("run", dir, 0.01, 0, 64);
        assertThat(r.finalEvals()).isEqualTo(2);
        assertThat(r.finalLoss().get("d0")).isCloseTo((3.1 + 3.0) / 2, within(1e-12));
        assertThat(r.finalStderr().get("d0")).isCloseTo((0.05 + 0.06) / 2, within(1e-12));
        // 5%: from step 190, three evaluations
        assertThat(RunResult.read("run", dir, 0.05, 0, 64).finalLoss().get("d0"))
                .isCloseTo((3.2 + 3.1 + 3.0) / 3, within(1e-12));
    }

    @Test
    void theStandardErrorOfAValidationLossIsThatOfItsBatchMeans() {
        // batch means 1, 2, 3: mean 2, sample variance 1, three batches: √(1/3)
        Evaluation.LossSums sums = new Evaluation.LossSums(6 * 4, 1 + 2 + 3, 1 + 4 + 9, 3);
        assertThat(sums.stderr()).isCloseTo(Math.sqrt(1.0 / 3), within(1e-12));
        assertThat(new Evaluation.LossSums(2, 2, 4, 1).stderr()).isNaN();
    }
}

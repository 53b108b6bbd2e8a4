package dev.perennial.bench;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The depth-estimation benchmark on the tiny DPT-Hybrid: what it times and reports (never how fast). */
class DepthBenchmarkTest {

    @Test
    void timesEachImageAfterTheWarmUpOnTheGivenOrSyntheticImage() {
        Path tiny = Path.of("src/test/resources/reference/dpt");
        List<Double> each = new ArrayList<>();
        DepthBenchmark.Result r = DepthBenchmark.run(tiny, tiny.resolve("image-1.png"), 1, 2, each::add);
        assertThat(each).hasSize(2).allMatch(ms -> ms > 0);
        assertThat(r.ms().count()).isEqualTo(2);
        assertThat(r.width()).isEqualTo(40);
        assertThat(r.height()).isEqualTo(120);
        assertThat(r.imagesPerSecond()).isEqualTo(1000 / r.ms().median());
        DepthBenchmark.Result synthetic = DepthBenchmark.run(tiny, null, 0, 1, ms -> { });
        assertThat(new int[] {synthetic.width(), synthetic.height()}).containsExactly(640, 480);
    }
}

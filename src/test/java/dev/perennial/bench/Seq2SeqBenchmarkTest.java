package dev.perennial.bench;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The generation benchmark on the tiny NLLB and BART folders: every round generates exactly the tokens asked for,
 * greedy and with beams (eos banned until the end, as PyTorch's side does), so that both sides time the same work.
 */
class Seq2SeqBenchmarkTest {

    @Test
    void everyRoundGeneratesExactlyTheTokensAskedForWithEachSearch() {
        for (String folder : List.of("nllb", "bart")) {
            List<Seq2SeqBenchmark.Round> rounds = Seq2SeqBenchmark.run(Path.of("src/test/resources/reference",
                    folder), 6, 12, List.of(1, 3), 2, r -> { });
            assertThat(rounds).extracting(Seq2SeqBenchmark.Round::search).containsExactly("greedy", "greedy", "beam",
                    "beam");
            assertThat(rounds).extracting(Seq2SeqBenchmark.Round::beams).containsExactly(1, 1, 3, 3);
            assertThat(rounds).allSatisfy(r -> {
                assertThat(r.tokens()).as(folder).isEqualTo(12);
                assertThat(r.tokensPerSecond()).isPositive();
            });
        }
    }
}

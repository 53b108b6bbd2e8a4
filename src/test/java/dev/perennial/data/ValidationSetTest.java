package dev.perennial.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

class ValidationSetTest {

    @TempDir
    Path dir;

    @Test
    void aSpreadSetTakesWindowsEvenlyOverTheWholeHeldOutSplit() {
        try (Corpus corpus = TestCorpora.make(dir, "c", 300)) {
            int seqLen = 16;
            long available = (corpus.val().tokens() - 1) / seqLen;
            ValidationSet first = new ValidationSet(corpus, "c", seqLen, 4);
            ValidationSet spread = new ValidationSet(corpus, "c", seqLen, 4, true);
            Batch batch = spread.batch(0, 4);
            for (int i = 0; i < 4; i++) {
                int[] expected = new int[seqLen + 1];
                corpus.val().read(i * available / 4 * seqLen, expected, 0, seqLen + 1);
                assertThat(batch.row(i)).as("sequence %d", i).isEqualTo(expected);
            }
            assertThat(Arrays.equals(first.batch(0, 4).row(3), batch.row(3))).isFalse();
            // a set as large as the split is the same either way
            int all = (int) available;
            assertThat(new ValidationSet(corpus, "c", seqLen, all, true).batch(1, 4).tokens())
                    .isEqualTo(new ValidationSet(corpus, "c", seqLen, all).batch(1, 4).tokens());
        }
    }
}

package dev.perennial.progress;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class ProgressTest {

    @Test
    void aResumedBarCountsOnlyTheWorkDoneSinceInItsRate() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Progress bar = new Progress("train", " tok", 1_000_000, new PrintStream(bytes, true, StandardCharsets.UTF_8),
                true);
        bar.startAt(900_000); // a run resumed at 90%
        Thread.sleep(200);
        bar.advanceTo(900_100);
        bar.note("evaluation");
        String drawn = bytes.toString(StandardCharsets.UTF_8);
        assertThat(drawn).contains(" 90.0%");
        Matcher rate = Pattern.compile("([0-9.]+)([kMG]?) tok/s").matcher(drawn);
        assertThat(rate.find()).as(drawn).isTrue();
        // 100 tokens in at least 0.2 s: at most 500 tokens/s; counting the resumed 900,000 would show millions
        assertThat(rate.group(2)).as(drawn).isEmpty();
        assertThat(Double.parseDouble(rate.group(1))).isLessThanOrEqualTo(500);
    }
}

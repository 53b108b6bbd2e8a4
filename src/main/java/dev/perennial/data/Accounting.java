package dev.perennial.data;

import java.util.List;

/** Exact accounting of a stage after some steps: what each source supplied, against its target share. */
public record Accounting(long steps, long sequences, List<Row> rows) {

    /** One source of the stage. {@code passes} counts how many passes over the corpus the stage has begun. */
    public record Row(String corpus, boolean replay, double targetShare, long sequences, long tokens, long passes) {

        public double achievedShare(long total) {
            return total == 0 ? 0 : (double) sequences / total;
        }
    }
}

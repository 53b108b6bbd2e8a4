package dev.perennial.experiment;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Whether an experiment ran in the regime where the paper's comparison says something, checked before the verdict
 * (issue 24): union re-training's D0 loss is worse than D0-only's (interference, which continual training avoids;
 * the paper: +0.09), and re-warming and re-decaying with 0% replay reaches a better D1 loss than D1 from scratch
 * (D0 knowledge transfers). A model far below its capacity shows neither, and then no update can match union
 * re-training at a fraction of its compute: the comparison is uninformative rather than failed.
 *
 * @param interference union's D0 loss minus D0-only's (positive: present), null when a run is missing
 * @param transfer     D1-from-scratch's D1 loss minus 0%-replay's (positive: present), null when a run is missing
 * @param findings     both, in words
 */
public record Regime(Double interference, Double transfer, String findings) {

    static Regime of(List<Report.Row> rows) {
        Double interference = difference(rows, ExperimentRuns.UNION, ExperimentRuns.D0_ONLY, true);
        Double transfer = difference(rows, ExperimentRuns.D1_SCRATCH, ExperimentRuns.replayName(0), false);
        String findings = line("interference (union's D0 loss − D0-only's)", interference, "present",
                "absent: every extra step helps, so union gains on D0 and the comparison favours it", ExperimentRuns.UNION
                        + " and " + ExperimentRuns.D0_ONLY) + "; " + line("transfer (D1-from-scratch's D1 loss − "
                        + "0%-replay's)", transfer, "present", "absent: D0 knowledge does not help on D1",
                ExperimentRuns.D1_SCRATCH + " and " + ExperimentRuns.replayName(0)) + ".";
        return new Regime(interference, transfer, findings);
    }

    /** The check as one line: "Regime check: interference … ; transfer … .". */
    public String text() {
        return "Regime check: " + findings;
    }

    /** Whether a check that was made found its condition absent, so a failed match says nothing. */
    boolean uninformative() {
        return (interference != null && interference <= 0) || (transfer != null && transfer <= 0);
    }

    private static String line(String what, Double value, String yes, String no, String runs) {
        if (value == null) {
            return what + ": not measured (needs the runs " + runs + ")";
        }
        return String.format(Locale.ROOT, "%s %+.4f, %s", what, value, value > 0 ? yes : no);
    }

    /** {@code a − b} of the D0 ({@code d0}) or D1 loss, or null when either run was not made. */
    private static Double difference(List<Report.Row> rows, String a, String b, boolean d0) {
        Optional<Report.Row> first = row(rows, a);
        Optional<Report.Row> second = row(rows, b);
        if (first.isEmpty() || second.isEmpty()) {
            return null;
        }
        return d0 ? first.get().d0() - second.get().d0() : first.get().d1() - second.get().d1();
    }

    private static Optional<Report.Row> row(List<Report.Row> rows, String run) {
        return rows.stream().filter(r -> r.run().equals(run)).findFirst();
    }
}

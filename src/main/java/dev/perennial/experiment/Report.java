package dev.perennial.experiment;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.perennial.io.AtomicFiles;
import dev.perennial.io.Json;
import dev.perennial.plot.LineChart;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The experiment's report: the paper-style table (final validation loss per corpus and their average, forgetting
 * and adaptation, compute per run and what continual runs save against union re-training), the verdict, and the
 * plots, as results.json, report.md and report.html with PNGs beside them.
 */
public final class Report {

    /**
     * One row of the table; {@code noise} is the standard error of {@code average} from the validation sets
     * (√(s.e.(D0)² + s.e.(D1)²) / 2), NaN when the metrics do not record it.
     */
    public record Row(String run, String description, String kind, Double replay, double maxLr, double d0, double d1,
               double average, double noise, Double forgetting, long tokens, double flops, Double computeVsUnion,
               Double benchmarkAverage) {
    }

    /**
     * The verdict: does the best continual run match union re-training, and at what share of its compute, after the
     * regime check that says whether the comparison is informative?
     */
    public record Summary(List<Row> rows, String bestContinual, double bestAverage, double unionAverage, double tolerance,
                   boolean matches, double computeRatio, Regime regime, PairedNoise pairedNoise, String verdict,
                   String table) {
    }

    private Report() {
    }

    /**
     * {@code sequenceLosses} holds, per run name, its final model's loss on each validation sequence per corpus (see
     * {@link PairedNoise}); where it lacks the best continual run or union, the verdict falls back to the
     * validation-batch standard errors.
     */
    static Summary write(Path out, ExperimentSpec spec, List<RunDefinition> runs, List<RunResult> results,
                         Map<String, Map<String, double[]>> sequenceLosses, double flopsPerToken, long parameters) {
        RunResult d0 = results.getFirst();
        double d0AtCheckpoint = d0.finalLoss().getOrDefault("d0", Double.NaN);
        long unionTokens = 0;
        for (int i = 0; i < runs.size(); i++) {
            if (runs.get(i).kind() == RunDefinition.Kind.UNION) {
                unionTokens = results.get(i).tokens();
            }
        }
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            RunDefinition def = runs.get(i);
            RunResult r = results.get(i);
            double l0 = r.finalLoss().getOrDefault("d0", Double.NaN);
            double l1 = r.finalLoss().getOrDefault("d1", Double.NaN);
            boolean continual = def.kind() == RunDefinition.Kind.CONTINUAL;
            // a continual run's update costs its own tokens; the D0 checkpoint it starts from was already paid for
            long tokens = r.tokens();
            Double vsUnion = continual && unionTokens > 0
                    ? (double) (def.parent() != null ? tokens : tokens - d0.tokens()) / unionTokens : null;
            double se0 = r.finalStderr().getOrDefault("d0", Double.NaN);
            double se1 = r.finalStderr().getOrDefault("d1", Double.NaN);
            rows.add(new Row(def.name(), def.description(), def.kind().name().toLowerCase(Locale.ROOT),
                    continual ? def.replay() : null, def.maxLr(), l0, l1, (l0 + l1) / 2,
                    Math.sqrt(se0 * se0 + se1 * se1) / 2, continual ? l0 - d0AtCheckpoint : null, tokens,
                    tokens * flopsPerToken, vsUnion, r.benchmarkAverage()));
        }
        Row union = rows.stream().filter(r -> r.kind().equals("union")).findFirst().orElseThrow();
        Row best = rows.stream().filter(r -> r.kind().equals("continual"))
                .min((a, b) -> Double.compare(a.average(), b.average())).orElseThrow();
        double tolerance = spec.tolerance(union.average());
        boolean matches = best.average() <= union.average() + tolerance;
        double ratio = best.computeVsUnion() == null ? Double.NaN : best.computeVsUnion();
        Regime regime = Regime.of(rows);
        PairedNoise paired = sequenceLosses.containsKey(best.run()) && sequenceLosses.containsKey(union.run())
                ? PairedNoise.of(sequenceLosses.get(best.run()), sequenceLosses.get(union.run())) : null;
        String verdict = verdict(best, union, tolerance, matches, ratio, regime, paired);
        String table = markdownTable(rows);
        Summary summary = new Summary(rows, best.run(), best.average(), union.average(), tolerance, matches, ratio,
                regime, paired, verdict, table);
        plots(out, runs, results, rows);
        writeFiles(out, spec, summary, parameters);
        return summary;
    }

    /**
     * The comparison with union re-training: the difference in nats and in percent of union's average loss, its
     * noise (paired over the validation sequences when {@code paired} is given, else both rows' standard errors as
     * if independent, which overstates it), the compute share; a failed match in a regime the check found
     * uninformative says so.
     */
    static String verdict(Row best, Row union, double tolerance, boolean matches, double ratio, Regime regime,
                          PairedNoise paired) {
        double difference = best.average() - union.average();
        double noise = paired != null ? paired.stderr()
                : Math.sqrt(best.noise() * best.noise() + union.noise() * union.noise());
        String noiseSource = paired != null ? String.format(Locale.ROOT, "paired standard error over the %d "
                + "validation sequences both final models scored", paired.sequences())
                : "standard errors over validation batches";
        String outcome = matches ? "MATCHES" : regime.uninformative() ? "does not match" : "does NOT match";
        String caveat = !matches && regime.uninformative() ? " The regime makes this comparison uninformative (see the "
                + "regime check: the paper's result needs a model near its capacity; train more tokens per stage)." : "";
        String noiseText = Double.isNaN(noise) ? "" : String.format(Locale.ROOT, "; validation noise of the "
                + "difference ±%.4f (%s)%s", noise, noiseSource,
                Math.abs(difference - tolerance) < 2 * noise ? ", within two of which the outcome could flip" : "");
        return String.format(Locale.ROOT, "The best continual run, %s, reaches an average final loss of %.4f against "
                        + "%.4f for union re-training (difference %+.4f, %+.2f%% of union's; tolerance %.3f%s): it %s "
                        + "union re-training, using %.0f%% of its compute for the update (%.0f%% saved).%s", best.run(),
                best.average(), union.average(), difference, 100 * difference / union.average(), tolerance, noiseText,
                outcome, 100 * ratio, 100 * (1 - ratio), caveat);
    }

    static String markdownTable(List<Row> rows) {
        StringBuilder t = new StringBuilder();
        boolean tasks = rows.stream().anyMatch(r -> r.benchmarkAverage() != null);
        t.append("| run | D0 loss | D1 loss | average | ± s.e. | forgetting (ΔD0) | tokens | PFLOPs | update compute vs "
                + "union |").append(tasks ? " benchmark avg acc |\n" : "\n");
        t.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |").append(tasks ? " ---: |\n" : "\n");
        for (Row r : rows) {
            t.append(String.format(Locale.ROOT, "| %s | %.4f | %.4f | %.4f | %.4f | %s | %,d | %.4f | %s |", r.run(),
                    r.d0(), r.d1(), r.average(), r.noise(), r.forgetting() == null ? "" : String.format(Locale.ROOT, "%+.4f", r.forgetting()),
                    r.tokens(), r.flops() / 1e15, r.computeVsUnion() == null ? ""
                            : String.format(Locale.ROOT, "%.0f%%", 100 * r.computeVsUnion())));
            t.append(tasks ? String.format(Locale.ROOT, " %.4f |%n", r.benchmarkAverage()) : "\n");
        }
        return t.toString();
    }

    private static void writeFiles(Path out, ExperimentSpec spec, Summary summary, long parameters) {
        try {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("name", spec.name());
            json.put("parameters", parameters);
            json.put("tokens_per_stage", spec.tokensPerStage());
            json.put("d1_tokens", spec.d1Budget());
            json.put("summary", summary);
            byte[] bytes = Json.FILE.writeValueAsBytes(json);
            AtomicFiles.write(out.resolve("results.json"), o -> o.write(bytes));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        String intro = String.format(Locale.ROOT, "A %,d-parameter model; %,.0f tokens for D0 and %,.0f for D1 "
                        + "(%.2f tokens per parameter per stage); corpora D0 = %s, D1 = %s. Final losses are the mean of "
                        + "the evaluations in the last %s%% of each run's last stage (%d validation sequences per corpus, "
                        + "%s); ± s.e. is the standard error of the average loss over the validation batches; forgetting "
                        + "is the change of the D0 loss since the D0 checkpoint.", parameters, spec.d0Budget(),
                spec.d1Budget(), spec.d0Budget() / parameters, spec.corpora().get("d0"), spec.corpora().get("d1"),
                ExperimentRuns.percent(spec.finalFraction()), spec.evalSequences(), spec.spreadValidation()
                        ? "spread over the held-out split" : "the first of the held-out split");
        String md = "# Experiment " + (spec.name() == null ? "" : spec.name()) + "\n\n" + intro + "\n\n" + summary.table()
                + "\n**Regime check.** " + summary.regime().findings() + "\n\n**Verdict.** " + summary.verdict()
                + "\n\n"
                + "![learning rates](lr.png)\n\n![D0 loss](val-d0.png)\n\n![D1 loss](val-d1.png)\n\n"
                + "![replay](replay.png)\n\n![forgetting and adaptation](tradeoff.png)\n";
        AtomicFiles.writeString(out.resolve("report.md"), md);
        StringBuilder html = new StringBuilder("<!doctype html><html><head><meta charset=\"utf-8\"><title>Perennial "
                + "experiment</title><style>body{font-family:sans-serif;max-width:1250px;margin:2em auto}"
                + "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}"
                + "td:first-child{text-align:left}img{max-width:100%}</style></head><body>");
        html.append("<h1>Experiment ").append(escape(spec.name() == null ? "" : spec.name())).append("</h1><p>")
                .append(escape(intro)).append("</p><table><tr><th>run</th><th>D0 loss</th><th>D1 loss</th>"
                        + "<th>average</th><th>± s.e.</th><th>forgetting</th><th>tokens</th><th>PFLOPs</th><th>update compute vs union</th>"
                        + (summary.rows().getFirst().benchmarkAverage() != null ? "<th>benchmark avg acc</th>" : "")
                        + "</tr>");
        for (Row r : summary.rows()) {
            html.append(String.format(Locale.ROOT, "<tr><td title=\"%s\">%s</td><td>%.4f</td><td>%.4f</td><td>%.4f</td>"
                            + "<td>%.4f</td><td>%s</td><td>%,d</td><td>%.4f</td><td>%s</td></tr>", escape(r.description()),
                    escape(r.run()), r.d0(), r.d1(), r.average(), r.noise(), r.forgetting() == null ? "" : String.format(Locale.ROOT, "%+.4f",
                            r.forgetting()), r.tokens(), r.flops() / 1e15, r.computeVsUnion() == null ? ""
                            : String.format(Locale.ROOT, "%.0f%%", 100 * r.computeVsUnion())));
            if (r.benchmarkAverage() != null) {
                html.insert(html.length() - "</tr>".length(), String.format(Locale.ROOT, "<td>%.4f</td>",
                        r.benchmarkAverage()));
            }
        }
        html.append("</table><p><b>Regime check.</b> ").append(escape(summary.regime().findings()))
                .append("</p><p><b>Verdict.</b> ").append(escape(summary.verdict())).append("</p>");
        for (String png : List.of("lr", "val-d0", "val-d1", "replay", "tradeoff")) {
            html.append("<p><img src=\"").append(png).append(".png\" alt=\"").append(png).append("\"></p>");
        }
        html.append("</body></html>\n");
        AtomicFiles.writeString(out.resolve("report.html"), html.toString());
    }

    private static void plots(Path out, List<RunDefinition> runs, List<RunResult> results, List<Row> rows) {
        LineChart lr = new LineChart("Learning rate of every run", "tokens", "learning rate");
        for (String corpus : List.of("d0", "d1")) {
            LineChart chart = new LineChart("Validation loss on " + corpus.toUpperCase(Locale.ROOT), "tokens",
                    "loss");
            for (int i = 0; i < results.size(); i++) {
                List<double[]> curve = results.get(i).curves().getOrDefault(corpus, List.of());
                chart.add(new LineChart.Series(results.get(i).name(), column(curve, 0), column(curve, 1),
                        LineChart.PALETTE[i % LineChart.PALETTE.length]));
            }
            chart.yTickFormat(v -> String.format(Locale.ROOT, "%.2f", v)).yFromZero(false);
            chart.writePng(out.resolve("val-" + corpus + ".png"));
        }
        for (int i = 0; i < results.size(); i++) {
            List<double[]> curve = results.get(i).lr();
            lr.add(new LineChart.Series(results.get(i).name(), column(curve, 0), column(curve, 1),
                    LineChart.PALETTE[i % LineChart.PALETTE.length]));
        }
        lr.writePng(out.resolve("lr.png"));

        List<Row> replays = rows.stream().filter(r -> r.run().startsWith("rewarm-redecay-replay")).toList();
        LineChart replay = new LineChart("Final loss against replay fraction (re-warm + re-decay)", "replay (%)",
                "final loss").yTickFormat(v -> String.format(Locale.ROOT, "%.2f", v)).yFromZero(false);
        double[] x = replays.stream().mapToDouble(r -> 100 * r.replay()).toArray();
        replay.add(new LineChart.Series("D0", x, replays.stream().mapToDouble(Row::d0).toArray(), LineChart.PALETTE[0],
                true, true));
        replay.add(new LineChart.Series("D1", x, replays.stream().mapToDouble(Row::d1).toArray(), LineChart.PALETTE[1],
                true, true));
        replay.add(new LineChart.Series("average", x, replays.stream().mapToDouble(Row::average).toArray(),
                LineChart.PALETTE[2], true, true));
        replay.writePng(out.resolve("replay.png"));

        LineChart tradeoff = new LineChart("Forgetting against adaptation (continual runs)", "D1 loss (adaptation)",
                "D0 loss (forgetting)").yTickFormat(v -> String.format(Locale.ROOT, "%.2f", v)).yFromZero(false);
        int color = 0;
        for (Row r : rows) {
            tradeoff.add(new LineChart.Series(r.run(), new double[] {r.d1()}, new double[] {r.d0()},
                    LineChart.PALETTE[color++ % LineChart.PALETTE.length], true, false));
        }
        tradeoff.writePng(out.resolve("tradeoff.png"));
    }

    private static double[] column(List<double[]> points, int index) {
        return points.stream().mapToDouble(p -> p[index]).toArray();
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}

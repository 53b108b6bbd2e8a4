package dev.perennial.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.perennial.UserError;
import dev.perennial.config.ConfigLoader;
import dev.perennial.config.KeyPath;
import dev.perennial.config.MixtureRules;
import dev.perennial.config.RunConfig;
import dev.perennial.config.StageRules;
import dev.perennial.data.Accounting;
import dev.perennial.data.DataPlan;
import dev.perennial.data.Ledger;
import dev.perennial.data.MixtureSpec;
import dev.perennial.data.StageMixture;
import dev.perennial.io.Json;
import dev.perennial.schedule.RunSchedule;
import dev.perennial.train.ParentModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code perennial mixture CONFIG}: what every stage of a run will read, before it runs: per corpus the
 * sequences and tokens as new data or replay, the target and achieved shares, and the passes over each corpus.
 */
@Command(name = "mixture", mixinStandardHelpOptions = true,
        description = {"Preview the data of a run config's stages: per corpus the sequences and tokens read as new "
                + "data or replay, target against achieved share, passes, and the ledger each stage leaves. A run "
                + "from model.init starts from that model's ledger, as train does.", ""})
public final class MixtureCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "CONFIG", description = "A YAML run config with corpora and stages' data.")
    Path config;

    @Option(names = "--format", defaultValue = "table", paramLabel = "FORMAT",
            description = "table (default) or json (per stage: accounting and the ledger after it).")
    ScheduleCommand.Format format;

    @Override
    public void run() {
        RunConfig run = ConfigLoader.load(config);
        String source = config.toString();
        RunSchedule schedule = StageRules.runSchedule(run, KeyPath.root(), source);
        List<MixtureSpec> mixtures = MixtureRules.mixtures(run, KeyPath.root(), source);
        if (run.seqLen() == null || run.globalBatch() == null) {
            throw new UserError(source + ": seq_len and global_batch are needed to cut corpora into "
                    + "sequences and batches; set both");
        }
        Map<String, Path> dirs = new LinkedHashMap<>();
        Path base = config.toAbsolutePath().getParent();
        run.corpora().forEach((name, dir) -> dirs.put(name, base.resolve(dir)));
        List<DataPlan.StageData> stages = new ArrayList<>();
        for (int i = 0; i < mixtures.size(); i++) {
            RunSchedule.Placed placed = schedule.stages().get(i);
            stages.add(new DataPlan.StageData(placed.stage().name(), mixtures.get(i), placed.stage().steps()));
        }
        long seed = run.seed() == null ? 0 : run.seed();
        int seqLen = Math.toIntExact(run.seqLen());
        List<String> notes = new ArrayList<>();
        Optional<ParentModel> parent = ParentModel.forPreview(run, config, notes);
        Ledger inherited = parent.map(p -> p.ledger(seqLen)).orElseGet(() -> Ledger.empty(seqLen));
        try (DataPlan plan = new DataPlan(dirs, stages, seed, seqLen, Math.toIntExact(run.globalBatch()),
                inherited)) {
            PrintWriter out = spec.commandLine().getOut();
            notes.addAll(plan.notes());
            notes.forEach((format == ScheduleCommand.Format.json ? spec.commandLine().getErr() : out)::println);
            if (format == ScheduleCommand.Format.json) {
                out.println(json(plan, stages));
            } else {
                parent.ifPresent(p -> ledger("ledger before the run, from model.init " + run.model().init()
                        + (p.hasLedger() ? "" : " (which carries no ledger.json: it read nothing to replay)"),
                        plan.ledgerAt(0), out));
                table(plan, stages, out);
            }
        }
    }

    private static void table(DataPlan plan, List<DataPlan.StageData> stages, PrintWriter out) {
        for (int i = 0; i < stages.size(); i++) {
            StageMixture mixture = plan.stages().get(i);
            Accounting a = mixture.accounting(mixture.steps());
            out.printf(Locale.ROOT, "stage %s: %,d steps × %d sequences = %,d sequences of %d tokens, replay %s%n",
                    stages.get(i).name(), mixture.steps(), mixture.globalBatch(), a.sequences(), mixture.seqLen(),
                    stages.get(i).mixture().replay());
            out.printf(Locale.ROOT, "  %-12s %-7s %9s %9s %14s %16s %7s%n", "corpus", "as", "target", "achieved",
                    "sequences", "tokens", "passes");
            for (Accounting.Row row : a.rows()) {
                out.printf(Locale.ROOT, "  %-12s %-7s %8.3f%% %8.3f%% %,14d %,16d %7d%n", row.corpus(),
                        row.replay() ? "replay" : "new", 100 * row.targetShare(), 100 * row.achievedShare(a.sequences()),
                        row.sequences(), row.tokens(), row.passes());
            }
            out.println();
        }
        ledger("ledger after the run", plan.ledgerAt(stages.size()), out);
    }

    /** A ledger, one line per corpus, after {@code title}. */
    private static void ledger(String title, Ledger ledger, PrintWriter out) {
        out.println(title + " (sequences consumed as new data / re-read as replay, of each corpus's total):");
        ledger.corpora().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e ->
                out.printf(Locale.ROOT, "  %-12s consumed %,d, replayed %,d, of %,d%n", e.getKey(),
                        e.getValue().consumed(), e.getValue().replayed(), e.getValue().sequences()));
        out.println();
    }

    private static String json(DataPlan plan, List<DataPlan.StageData> stages) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < stages.size(); i++) {
            StageMixture mixture = plan.stages().get(i);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("stage", stages.get(i).name());
            row.put("ledger_before", plan.ledgerAt(i));
            row.put("accounting", mixture.accounting(mixture.steps()));
            row.put("ledger_after", plan.ledgerAt(i + 1));
            rows.add(row);
        }
        try {
            return Json.FILE.writeValueAsString(rows);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}

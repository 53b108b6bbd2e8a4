package dev.perennial.experiment;

import dev.perennial.UserError;
import dev.perennial.config.ConfigLoader;
import dev.perennial.hub.HubSettings;
import dev.perennial.io.AtomicFiles;
import dev.perennial.model.ModelConfig;
import dev.perennial.model.ModelConfigs;
import dev.perennial.run.RunFolder;
import dev.perennial.train.TrainPlan;
import dev.perennial.train.Trainer;
import dev.perennial.train.ValidationSequenceLosses;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code perennial experiment SPEC}: trains every run of the spec that is not finished yet (continual runs after
 * the D0 run they start from; an interrupted run resumes from its checkpoint), then writes results.json,
 * report.md, report.html and the plots.
 */
public final class Experiment {

    /** How an experiment ended, and where its report is. */
    public record Outcome(boolean completed, Report.Summary summary, Path report, String message) {
    }

    private Experiment() {
    }

    public static Outcome run(Path specFile, PrintStream log, boolean showProgress) {
        ExperimentSpec spec = ExperimentSpec.load(specFile);
        Path base = specFile.toAbsolutePath().getParent();
        Path out = base.resolve(spec.out() == null ? "experiments/" + (spec.name() == null ? "experiment"
                : spec.name()) : spec.out());
        Path runs = out.resolve("runs");
        List<RunDefinition> definitions = new ExperimentRuns(spec, base, runs).selected();
        int done = 0;
        for (RunDefinition run : definitions) {
            Path folder = runs.resolve(run.name());
            if (new RunFolder(folder).isFinished()) {
                log.printf("experiment: %s is complete, skipped%n", run.name());
                done++;
                continue;
            }
            log.printf("experiment: run %d/%d %s (%s)%n", done + 1, definitions.size(), run.name(), run.description());
            Path config = folder.resolve("run.yaml");
            try {
                Files.createDirectories(folder);
                AtomicFiles.writeString(config, ConfigLoader.yaml(run.config()));
            } catch (IOException e) {
                throw new UserError("could not write " + config + ": " + e.getMessage(), e);
            }
            TrainPlan plan = TrainPlan.from(ConfigLoader.load(config, List.of()))
                    .resolved(HubSettings.fromEnvironment(), showProgress);
            Trainer.Outcome outcome = Trainer.run(plan, true, log, showProgress);
            if (!outcome.completed()) {
                return new Outcome(false, null, null, "stopped during run " + run.name() + "; resume with: "
                        + "perennial experiment " + specFile);
            }
            done++;
        }
        ModelConfig model = ModelConfigs.parse(spec.model(), specFile + ": model");
        long parameters = model.parameterCount();
        double flopsPerToken = model.trainingFlopsPerToken(spec.seqLen());
        List<RunResult> results = new ArrayList<>();
        long tokensPerStep = spec.seqLen() * spec.globalBatch();
        for (RunDefinition run : definitions) {
            long offset = run.parent() != null ? results.getFirst().tokens() : 0; // after the D0 run it continues
            results.add(RunResult.read(run.name(), runs.resolve(run.name()), spec.finalFraction(), offset,
                    tokensPerStep));
        }
        Report.Summary summary = Report.write(out, spec, definitions, results,
                sequenceLosses(spec, base, runs, definitions), flopsPerToken, parameters);
        return new Outcome(true, summary, out.resolve("report.html"), "report: " + out.resolve("report.html"));
    }

    /**
     * Per-sequence validation losses of the final models of union and every continual run, on the sequences their
     * evaluations used, for the verdict's paired noise ({@link PairedNoise}).
     */
    private static Map<String, Map<String, double[]>> sequenceLosses(ExperimentSpec spec, Path base, Path runs,
                                                                     List<RunDefinition> definitions) {
        Map<String, Path> corpora = new LinkedHashMap<>();
        spec.corpora().forEach((name, dir) -> corpora.put(name, base.resolve(dir)));
        int batch = Math.toIntExact(spec.microBatch() == null ? spec.globalBatch() : spec.microBatch());
        Map<String, Map<String, double[]>> losses = new LinkedHashMap<>();
        for (RunDefinition run : definitions) {
            if (run.kind() == RunDefinition.Kind.UNION || run.kind() == RunDefinition.Kind.CONTINUAL) {
                losses.put(run.name(), ValidationSequenceLosses.of(new RunFolder(runs.resolve(run.name())).finalDir(),
                        corpora, Math.toIntExact(spec.seqLen()), Math.toIntExact(spec.evalSequences()),
                        spec.spreadValidation(), batch));
            }
        }
        return losses;
    }
}

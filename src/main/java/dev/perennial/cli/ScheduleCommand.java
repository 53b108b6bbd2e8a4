package dev.perennial.cli;

import dev.perennial.UserError;
import dev.perennial.config.ConfigLoader;
import dev.perennial.config.KeyPath;
import dev.perennial.config.Numbers;
import dev.perennial.config.Problems;
import dev.perennial.config.RunConfig;
import dev.perennial.config.ScheduleConfig;
import dev.perennial.config.StageConfig;
import dev.perennial.config.StageRules;
import dev.perennial.schedule.RunSchedule;
import dev.perennial.train.ParentModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code perennial schedule}: previews the learning rate of a run config's stages, or of one stage described by
 * flags that mirror the config keys, as a table, JSON or a PNG plot, with every LR jump reported.
 */
@Command(name = "schedule", mixinStandardHelpOptions = true,
        description = {"Preview the learning-rate schedule of a run config (all its stages), or of one stage given "
                + "by flags. Reports every jump of the learning rate, so an unintended discontinuity is seen before "
                + "the run.", ""},
        footer = {"", "Examples:",
                "  perennial schedule examples/continual-rewarm.yaml --plot lr.png",
                "  perennial schedule --family infinite-cosine --total-steps 10000 --at 0,100,6100,8600,10000",
                "  perennial schedule --family wsd --total-steps 1000 --decay 0.2 --decay-shape 1-sqrt --format json"})
public final class ScheduleCommand implements Runnable {

    enum Format { table, json }

    enum Axis { steps, tokens }

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "CONFIG", description = "A YAML run config.")
    Path config;

    @Option(names = "--family", paramLabel = "FAMILY",
            description = "constant, cosine, wsd, inverse-sqrt, infinite-cosine, infinite-inverse-sqrt, infinite-linear")
    String family;

    @Option(names = "--total-steps", paramLabel = "N", description = "Length of the stage in optimizer steps.")
    Double totalSteps;

    @Option(names = "--total-tokens", paramLabel = "N",
            description = "Length of the stage in tokens (needs --tokens-per-step).")
    Double totalTokens;

    @Option(names = "--tokens-per-step", paramLabel = "N",
            description = "Tokens one optimizer step reads (seq_len × global_batch).")
    Long tokensPerStep;

    @Option(names = "--max-lr", paramLabel = "LR", description = "Peak learning rate η_max (default 3e-4).")
    Double maxLr;

    @Option(names = "--min-lr", paramLabel = "LR", description = "Floor η_min (default 0.1 × max-lr).")
    Double minLr;

    @Option(names = "--warmup", paramLabel = "FRACTION",
            description = "Warmup as a fraction of the stage (default 0.01; 0 for constant).")
    Double warmup;

    @Option(names = "--warmup-steps", paramLabel = "N",
            description = "Warmup in optimizer steps instead (a real number; instead of --warmup).")
    Double warmupSteps;

    @Option(names = "--warmup-tokens", paramLabel = "N",
            description = "Warmup in tokens instead (needs --tokens-per-step; instead of --warmup).")
    Double warmupTokens;

    @Option(names = "--constant-lr", paramLabel = "LR",
            description = "Infinite schedules: the constant η_const (default 0.55 × max-lr).")
    Double constantLr;

    @Option(names = "--cooldown", paramLabel = "FRACTION",
            description = "Infinite schedules: cooldown length as a fraction of the stage (default 0.6).")
    Double cooldown;

    @Option(names = "--constant-end", paramLabel = "FRACTION",
            description = "Infinite schedules: where the constant phase ends, counted from the end of the warmup "
                    + "(default 0.85).")
    Double constantEnd;

    @Option(names = "--decay", paramLabel = "FRACTION", description = "WSD: final fraction spent decaying (default 0.2).")
    Double decay;

    @Option(names = "--decay-shape", paramLabel = "SHAPE", description = "WSD: linear, cosine or 1-sqrt (default).")
    String decayShape;

    @Option(names = "--timescale", paramLabel = "ALPHA",
            description = "Infinite inverse-sqrt: the cooldown's timescale α (default 10).")
    Double timescale;

    @Option(names = "--at", split = ",", paramLabel = "STEP",
            description = "Only these global steps (real numbers allowed), comma-separated.")
    List<Double> at;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table",
            description = "table (default) or json: a list of {step, lr, phase, stage, and tokens when known}.")
    Format format;

    @Option(names = "--plot", paramLabel = "FILE.png", description = "Also draw the schedule into a PNG file.")
    Path plot;

    @Option(names = "--x", paramLabel = "AXIS", defaultValue = "steps",
            description = "The plot's horizontal axis: steps (default) or tokens.")
    Axis axis;

    @Override
    public void run() {
        RunConfig run = config != null ? ConfigLoader.load(config) : null;
        RunSchedule schedule = run != null ? fromConfig(run) : fromFlags();
        if (plot != null && axis == Axis.tokens && schedule.tokensPerStep() == 0) { // before printing anything
            throw new UserError("--x tokens: the run does not say how many tokens a step reads; set seq_len and "
                    + "global_batch in the config, or --tokens-per-step");
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter report = format == Format.json ? spec.commandLine().getErr() : out;
        List<String> notes = new ArrayList<>();
        Optional<ScheduleText.Parent> parent = run == null ? Optional.empty() : ParentModel.forPreview(run, config, notes)
                .map(p -> new ScheduleText.Parent(run.model().init(), p.lastLr()));
        List<RunSchedule.Point> points = points(schedule);
        notes.forEach(report::println);
        if (format == Format.json) {
            out.println(ScheduleText.json(points, schedule.tokensPerStep() > 0));
        } else {
            ScheduleText.table(schedule, points, out);
        }
        ScheduleText.jumps(schedule, parent, report);
        if (plot != null) {
            SchedulePlot.of(schedule, axis == Axis.tokens).writePng(plot);
            report.println("plot written to " + plot);
        }
        out.flush();
    }

    private List<RunSchedule.Point> points(RunSchedule schedule) {
        if (at == null) {
            return format == Format.json ? schedule.everyStep() : schedule.overview(10);
        }
        for (double step : at) {
            if (!(step >= 0 && step <= schedule.totalSteps())) {
                throw new UserError("--at " + Numbers.format(step) + " is outside the run's steps [0, " + schedule.totalSteps()
                        + "]; give steps of the whole run, counted from 0");
            }
        }
        return at.stream().map(schedule::point).toList();
    }

    private RunSchedule fromConfig(RunConfig run) {
        List<String> flagsSet = stageFlags().entrySet().stream()
                .filter(e -> e.getValue() != null).map(Map.Entry::getKey).toList();
        if (!flagsSet.isEmpty()) {
            throw new UserError(String.join(", ", flagsSet) + ": schedule flags describe one stage without a "
                    + "config; with " + config + " edit the config instead, or drop the config");
        }
        return StageRules.runSchedule(run, KeyPath.root(), config.toString());
    }

    private RunSchedule fromFlags() {
        if (family == null) {
            throw new UserError("give a run config (perennial schedule CONFIG) or describe one stage with --family "
                    + "and --total-steps; see 'perennial schedule --help'");
        }
        if (totalSteps == null && totalTokens == null) {
            throw new UserError("--total-steps is missing: give the stage's length in optimizer steps "
                    + "(or --total-tokens with --tokens-per-step)");
        }
        Problems problems = new Problems();
        long perStep = 0;
        if (tokensPerStep != null && problems.wholeAtLeastOne(KeyPath.flags().key("tokens_per_step"),
                tokensPerStep, "tokens one optimizer step reads")) {
            perStep = tokensPerStep;
        }
        ScheduleConfig schedule = new ScheduleConfig(family, maxLr, minLr, constantLr, warmup, warmupSteps, warmupTokens,
                null, cooldown, constantEnd, decay, decayShape, timescale);
        StageConfig stage = StageConfig.scheduleOnly("stage1", totalSteps, totalTokens, schedule);
        return StageRules.runSchedule(List.of(stage), perStep, KeyPath.flags(), "", problems);
    }

    private Map<String, Object> stageFlags() {
        Map<String, Object> flags = new LinkedHashMap<>();
        flags.put("--family", family);
        flags.put("--total-steps", totalSteps);
        flags.put("--total-tokens", totalTokens);
        flags.put("--tokens-per-step", tokensPerStep);
        flags.put("--max-lr", maxLr);
        flags.put("--min-lr", minLr);
        flags.put("--warmup", warmup);
        flags.put("--warmup-steps", warmupSteps);
        flags.put("--warmup-tokens", warmupTokens);
        flags.put("--constant-lr", constantLr);
        flags.put("--cooldown", cooldown);
        flags.put("--constant-end", constantEnd);
        flags.put("--decay", decay);
        flags.put("--decay-shape", decayShape);
        flags.put("--timescale", timescale);
        return flags;
    }
}

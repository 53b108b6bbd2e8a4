package dev.perennial.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.perennial.UserError;
import dev.perennial.data.Prepare;
import dev.perennial.data.PrepareOptions;
import dev.perennial.data.TextUnit;
import dev.perennial.tokenizer.ByteTokenizer;
import dev.perennial.train.ValidationSequenceLosses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A whole experiment in small: every run trains, the report is written, and a rerun skips finished runs. */
class ExperimentTest {

    @TempDir
    Path dir;

    void corpus(String name, String alphabet) throws Exception {
        SplittableRandom random = new SplittableRandom(name.hashCode());
        StringBuilder text = new StringBuilder();
        for (int d = 0; d < 200; d++) {
            for (int w = 0; w < 30; w++) {
                text.append(alphabet.charAt(random.nextInt(alphabet.length()))).append(' ');
            }
            text.append("\n\n");
        }
        Path file = dir.resolve(name + ".txt");
        Files.writeString(file, text);
        new Prepare(new PrepareOptions(List.of(file.toString()), dir.resolve(name), "text", TextUnit.PARAGRAPH, 0.1,
                false, false, PrepareOptions.DEFAULT_SHARD_TOKENS, 2), new ByteTokenizer(), false).run();
    }

    /** Two tiny byte corpora and a spec NAME.yaml over them: a 1-layer model, 960 tokens per stage, and {@code rest}. */
    Path spec(String name, String rest) throws Exception {
        corpus("en", "abcdefgh");
        corpus("de", "stuvwxyz");
        Path spec = dir.resolve(name + ".yaml");
        Files.writeString(spec, """
                name: NAME
                corpora: {d0: en, d1: de}
                tokenizer: byte
                model: {model_type: gpt_neox, vocab_size: 257, hidden_size: 32, num_hidden_layers: 1,
                        num_attention_heads: 2, intermediate_size: 64, max_position_embeddings: 32}
                seq_len: 16
                global_batch: 4
                tokens_per_stage: 960
                lr: {max: 3.0e-3, warmup: 0.1}
                """.replace("NAME", name) + rest);
        return spec;
    }

    @Test
    void runsTheProtocolWritesTheReportAndSkipsFinishedRuns() throws Exception {
        Path spec = spec("tiny", """
                replay: [0.0, 0.25]
                eval: {interval: 5, sequences: 4}
                tasks: [mc.yaml]
                task_limit: 3
                out: exp
                """);
        Files.writeString(dir.resolve("mc.yaml"), "name: mc\nformat: multiple_choice\ndata: mc.jsonl\n");
        Files.writeString(dir.resolve("mc.jsonl"), """
                {"context": "a b c d", "choices": [" e f", " w x"], "answer": 0}
                {"context": "s t u v", "choices": [" e f", " w x"], "answer": 1}
                {"context": "a c e g", "choices": [" a b", " y z"], "answer": 0}
                """);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Experiment.Outcome outcome = Experiment.run(spec, new PrintStream(log, true), false);
        assertThat(outcome.completed()).isTrue();
        Path out = dir.resolve("exp");
        for (String file : List.of("results.json", "report.md", "report.html", "lr.png", "val-d0.png", "val-d1.png",
                "replay.png", "tradeoff.png")) {
            assertThat(out.resolve(file)).as(file).isNotEmptyFile();
        }
        JsonNode results = new ObjectMapper().readTree(out.resolve("results.json").toFile());
        JsonNode rows = results.path("summary").path("rows");
        assertThat(rows).extracting(r -> r.path("run").asText()).containsExactly("d0-only", "d1-scratch", "union",
                "constant-min", "rewarm-constant", "rewarm-redecay-replay-0", "rewarm-redecay-replay-25", "infinite");
        JsonNode union = rows.get(2);
        assertThat(union.path("tokens").asLong()).isEqualTo(2 * rows.get(0).path("tokens").asLong());
        JsonNode replay25 = rows.get(6);
        assertThat(replay25.path("compute_vs_union").asDouble(-1)).isEqualTo(0.5);
        // forgetting is measured against the D0 checkpoint's own D0 loss
        assertThat(replay25.path("forgetting").asDouble()).isEqualTo(
                replay25.path("d0").asDouble() - rows.get(0).path("d0").asDouble(), org.assertj.core.api.Assertions.within(1e-12));
        assertThat(outcome.summary().verdict()).contains("union re-training").contains("% of its compute");
        assertThat(Files.readString(out.resolve("report.html"))).contains("<table>").contains("rewarm-redecay-replay-25")
                .contains("Verdict").contains("benchmark avg acc");
        assertThat(replay25.path("benchmark_average").asDouble(-1)).isBetween(0.0, 1.0);
        assertThat(outcome.summary().table()).contains("benchmark avg acc");

        ByteArrayOutputStream again = new ByteArrayOutputStream();
        Experiment.Outcome rerun = Experiment.run(spec, new PrintStream(again, true), false);
        assertThat(again.toString()).contains("d0-only is complete, skipped").contains("infinite is complete, skipped");
        assertThat(rerun.summary().table()).isEqualTo(outcome.summary().table());
    }

    @Test
    void makesTheSelectedRunsWithD1sOwnBudgetAndChecksTheRegimeBeforeTheVerdict() throws Exception {
        Path spec = spec("selected", """
                d1_tokens: 448
                replay: [0.0, 0.25]
                eta_max_sweep: [1.0e-3]
                runs: [rewarm-redecay-replay-25]
                eval: {interval: 5, sequences: 8, final_fraction: 0.2, final_evals: 2}
                tolerance: 1%
                out: selected
                """);
        Experiment.Outcome outcome = Experiment.run(spec, new PrintStream(new ByteArrayOutputStream(), true), false);
        List<Report.Row> rows = outcome.summary().rows();
        // d0-only (the checkpoint) and union (the comparison) are always made
        assertThat(rows).extracting(Report.Row::run).containsExactly("d0-only", "union", "rewarm-redecay-replay-25");
        assertThat(rows.get(0).tokens()).isEqualTo(960);
        assertThat(rows.get(1).tokens()).isEqualTo(960 + 448);
        assertThat(rows.get(2).tokens()).isEqualTo(448);
        assertThat(rows.get(2).computeVsUnion()).isEqualTo(448.0 / (960 + 448));
        // union reads each corpus in proportion to its budget: 15 and 7 of its 22 batches' worth
        List<String> unionLines = Files.readAllLines(dir.resolve("selected/runs/union/metrics.jsonl"));
        JsonNode lastStep = new ObjectMapper().readTree(unionLines.stream().filter(l -> l.contains("\"step\""))
                .filter(l -> l.contains("consumed_tokens")).reduce((a, b) -> b).orElseThrow());
        assertThat(lastStep.path("consumed_tokens").path("d0").asLong()).isCloseTo(960,
                org.assertj.core.api.Assertions.within(32L));
        assertThat(lastStep.path("consumed_tokens").path("d1").asLong()).isCloseTo(448,
                org.assertj.core.api.Assertions.within(32L));
        Regime regime = outcome.summary().regime();
        assertThat(regime.interference()).isEqualTo(rows.get(1).d0() - rows.get(0).d0());
        assertThat(regime.transfer()).isNull();
        assertThat(regime.findings()).contains("transfer").contains("not measured (needs the runs d1-scratch and "
                + "rewarm-redecay-replay-0)");
        assertThat(rows).allSatisfy(r -> assertThat(r.noise()).isPositive());
        String report = Files.readString(dir.resolve("selected/report.md"));
        assertThat(report.indexOf("**Regime check.**")).isPositive().isLessThan(report.indexOf("**Verdict.**"));
        assertThat(report).contains("± s.e.").contains("tokens for D0 and 448 for D1");
        // the last 20% of the 22-step union: evaluations from step 17 on, every 2nd step back from its end
        JsonNode evals = new ObjectMapper().readTree("[" + String.join(",", Files.readAllLines(
                dir.resolve("selected/runs/union/metrics.jsonl")).stream().filter(l -> l.contains("\"eval\"")).toList())
                + "]");
        assertThat(evals).extracting(e -> e.path("stage_step").asLong()).contains(18L, 20L, 22L)
                .doesNotContain(17L, 19L, 21L);
        assertThat(evals.get(1).path("val_loss_stderr").path("d0").asDouble()).isPositive();

        // 1% of union's average; the noise is paired over the 8 sequences of each corpus that both models scored
        assertThat(outcome.summary().tolerance()).isCloseTo(0.01 * rows.get(1).average(),
                org.assertj.core.api.Assertions.within(1e-12));
        assertThat(outcome.summary().pairedNoise().sequences()).isEqualTo(16);
        assertThat(outcome.summary().verdict()).contains("paired standard error over the 16 validation sequences");
        // the final model scores the sequences the run's evaluations used: their mean is its last evaluation's loss
        Map<String, double[]> unionLosses = ValidationSequenceLosses.of(dir.resolve("selected/runs/union/final"),
                Map.of("d0", dir.resolve("en"), "d1", dir.resolve("de")), 16, 8, true, 4);
        JsonNode lastEval = evals.get(evals.size() - 1).path("val_loss");
        for (String corpus : List.of("d0", "d1")) {
            assertThat(Arrays.stream(unionLosses.get(corpus)).average().orElseThrow()).as(corpus)
                    .isCloseTo(lastEval.path(corpus).asDouble(), org.assertj.core.api.Assertions.within(1e-5));
        }

        ExperimentSpec loaded = ExperimentSpec.load(spec);
        RunDefinition sweep = new ExperimentRuns(loaded, dir, dir.resolve("runs")).all().stream()
                .filter(r -> r.name().equals("rewarm-redecay-eta-0.001")).findFirst().orElseThrow();
        // η_min follows η_max: 0.1 · 1e-3 (the spec's min is 0.1 · 3e-3 by default)
        assertThat(sweep.config().stages().getFirst().schedule().minLr()).isCloseTo(1.0e-4,
                org.assertj.core.api.Assertions.within(1e-15));
    }

    @Test
    void refusesAnIncompleteSpec() throws Exception {
        Path spec = dir.resolve("bad.yaml");
        Files.writeString(spec, "corpora: {d0: en}\nreplay: [1.5]\nruns: [everything]\neval: {last: 2}\n"
                + "tolerance: 1 percent\n");
        assertThatThrownBy(() -> Experiment.run(spec, new PrintStream(new ByteArrayOutputStream()), false))
                .isInstanceOf(UserError.class)
                .satisfies(e -> assertThat(((UserError) e).problems()).anySatisfy(p -> assertThat(p).contains("corpora: needs d0 and d1"))
                        .anySatisfy(p -> assertThat(p).contains("runs[0]: 'everything' is not a run of this spec"))
                        .anySatisfy(p -> assertThat(p).contains("eval.last: no longer used"))
                        .anySatisfy(p -> assertThat(p).contains("replay[0]: 1.5 is not in [0, 0.99]"))
                        .anySatisfy(p -> assertThat(p).contains("tolerance: '1 percent' is not a tolerance"))
                        .anySatisfy(p -> assertThat(p).contains("tokens_per_stage")));
    }
}

package dev.perennial.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.perennial.UserError;
import dev.perennial.checkpoint.ModelFolder;
import dev.perennial.data.Corpus;
import dev.perennial.eval.Evaluation;
import dev.perennial.eval.TaskSpec;
import dev.perennial.hub.HubModels;
import dev.perennial.hub.HubSettings;
import dev.perennial.io.AtomicFiles;
import dev.perennial.io.Json;
import dev.perennial.model.ModelConfigs;
import dev.perennial.tensor.DType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code perennial eval}: validation loss per corpus and benchmark tasks, for one or more models side by side. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {"Evaluate models: validation loss and perplexity on each corpus's held-out split, and tasks "
                + "scored by log-likelihood the lm-evaluation-harness way (multiple choice: acc, acc_norm and "
                + "acc_bytes; cloze: greedy accuracy and perplexity), with standard errors. With two or more models, "
                + "every number's change against the first: forgetting and adaptation in one table.", ""},
        footer = {"", "Tasks: a task YAML file, FORMAT=DATA_FILE for a published dataset (hellaswag, arc, piqa, "
                + "openbookqa, boolq, winogrande, lambada), or a shipped task name (see data/tasks).",
                "Example:", "  perennial eval --model runs/a/final --model runs/b/final --corpus corpora/en "
                + "--task en-continuation --task piqa=piqa_valid.jsonl"})
public final class EvalCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "MODEL",
            description = "A model folder or ORG/NAME[@REVISION] (repeatable).")
    List<String> models;

    @Option(names = "--corpus", paramLabel = "[NAME=]DIR", description = "A prepared corpus (repeatable).")
    List<String> corpora = new ArrayList<>();

    @Option(names = "--task", paramLabel = "TASK", description = "A task (repeatable).")
    List<String> tasks = new ArrayList<>();

    @Option(names = "--limit", defaultValue = "0", paramLabel = "N", description = "At most N examples per task (0: all).")
    int limit;

    @Option(names = "--seq-len", defaultValue = "128", paramLabel = "T",
            description = "Validation sequence length, at most each model's max_position_embeddings (default: "
                    + "${DEFAULT-VALUE}).")
    int seqLen;

    @Option(names = "--sequences", defaultValue = "64", paramLabel = "N",
            description = "Validation sequences per corpus (default: ${DEFAULT-VALUE}).")
    int sequences;

    @Option(names = "--out", paramLabel = "FILE", description = "Also write the results: FILE.json and FILE.md.")
    Path out;

    @Override
    public void run() {
        if (corpora.isEmpty() && tasks.isEmpty()) {
            throw new UserError("nothing to evaluate: give --corpus and/or --task");
        }
        checkCounts();
        Path tasksDir = QuickstartCommand.home().resolve("data/tasks");
        List<TaskSpec.Task> resolved = tasks.stream().map(t -> TaskSpec.resolve(t, tasksDir)).toList();
        Map<String, Corpus> opened = new LinkedHashMap<>();
        try {
            for (String c : corpora) {
                CorpusArgument corpus = CorpusArgument.parse(c);
                opened.put(corpus.name(), Corpus.open(corpus.dir()));
            }
            Map<String, Path> folders = new LinkedHashMap<>();
            for (String model : models) {
                folders.put(model, HubModels.resolve(model, Path.of(""), HubSettings.fromEnvironment(), true));
            }
            folders.values().forEach(this::checkPositions); // every model before any is evaluated
            List<Evaluation.ModelResult> results = new ArrayList<>();
            for (Map.Entry<String, Path> entry : folders.entrySet()) {
                String model = entry.getKey();
                try (ModelFolder.Loaded loaded = ModelFolder.load(entry.getValue(), DType.F32)) {
                    checkTokenizer(loaded, opened);
                    results.add(Evaluation.evaluate(model, loaded.model(), loaded.tokenizer(), opened,
                            resolved, seqLen, sequences, limit, true));
                }
            }
            Evaluation.Report report = Evaluation.report(results);
            spec.commandLine().getOut().print(report.markdown());
            spec.commandLine().getOut().flush();
            if (out != null) {
                String base = out.toString().replaceFirst("\\.(json|md)$", "");
                byte[] json = Json.FILE.writeValueAsBytes(Map.of("models", results));
                AtomicFiles.write(Path.of(base + ".json"), o -> o.write(json));
                AtomicFiles.writeString(Path.of(base + ".md"), report.markdown());
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        } finally {
            opened.values().forEach(Corpus::close);
        }
    }

    private void checkCounts() {
        if (seqLen < 1) {
            throw new UserError("--seq-len " + seqLen + " must be at least 1 (tokens per validation sequence)");
        }
        if (sequences < 1) {
            throw new UserError("--sequences " + sequences + " must be at least 1 (validation sequences per corpus)");
        }
        if (limit < 0) {
            throw new UserError("--limit " + limit + " must be 0 (all examples) or more");
        }
    }

    /** A sequence longer than the model's positions is refused, as generate and serve refuse a long prompt. */
    private void checkPositions(Path model) {
        if (!Files.isRegularFile(model.resolve("config.json"))) {
            return; // loading it says what a model folder holds
        }
        int positions = ModelConfigs.read(model.resolve("config.json")).maxPositions();
        if (seqLen > positions) {
            throw new UserError("--seq-len " + seqLen + " is beyond the " + positions + " positions of " + model
                    + " (max_position_embeddings); choose --seq-len " + positions + " or less");
        }
    }

    private static void checkTokenizer(ModelFolder.Loaded loaded, Map<String, Corpus> corpora) {
        corpora.forEach((name, corpus) -> {
            if (!corpus.metadata().tokenizer().hash().equals(loaded.tokenizer().hash())) {
                throw new UserError("corpus " + name + " was tokenized with another tokenizer than " + loaded.dir()
                        + "'s; prepare it with the model's tokenizer.json");
            }
        });
    }
}

package dev.perennial.eval;

import dev.perennial.Choice;
import dev.perennial.UserError;
import dev.perennial.io.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A task definition (a small YAML file): its data file (.jsonl, .jsonl.gz/.zst or .parquet, relative to the task
 * file), the record format, the field names for the generic formats, and k-shot settings, with the file of the
 * few-shot split when there is one ({@code fewshot_data}, as a harness task's {@code fewshot_split}).
 */
public record TaskSpec(String name, String format, String data, Fields fields, Integer numFewshot, Long fewshotSeed,
                       String fewshotDelimiter, String targetDelimiter, String fewshotData) {

    /** Field names for {@code multiple_choice} (context, choices, answer) and {@code cloze} (text). */
    public record Fields(String context, String choices, String answer, String text) {
        static Fields defaults() {
            return new Fields("context", "choices", "answer", "text");
        }
    }

    /**
     * A resolved task: its spec, parsed format and data path; {@code fewshotData} is the few-shot split's file, or
     * null to draw shots from the task's other examples.
     */
    public record Task(String name, TaskFormat format, Path data, Fields fields, int numFewshot, long fewshotSeed,
                       String fewshotDelimiter, String targetDelimiter, Path fewshotData) {
    }

    /**
     * A task as a config in {@code configFolder} names it, ready for {@link #resolve}: a task file (.yaml or .yml)
     * is taken relative to the config's folder; a shipped task's name and {@code FORMAT=DATA_FILE} stay as written.
     */
    public static String located(String task, Path configFolder) {
        boolean file = (task.endsWith(".yaml") || task.endsWith(".yml")) && !task.contains("=");
        return file ? configFolder.resolve(task).toString() : task;
    }

    /**
     * A task from {@code NAME_OR_FILE}: a task YAML file, {@code FORMAT=DATA_FILE} for a published dataset in one
     * of the built-in formats, or the name of a shipped task under {@code tasksDir}.
     */
    public static Task resolve(String spec, Path tasksDir) {
        int eq = spec.indexOf('=');
        if (eq > 0) {
            TaskFormat format = format(spec.substring(0, eq), "--task " + spec);
            Path data = Path.of(spec.substring(eq + 1));
            if (!Files.isRegularFile(data)) {
                throw new UserError("--task " + spec + ": no such data file " + data);
            }
            return new Task(format.id(), format, data, Fields.defaults(), 0, 1234, "\n\n",
                    format.defaultTargetDelimiter(), null);
        }
        Path file = Path.of(spec);
        if (!Files.isRegularFile(file)) {
            file = tasksDir.resolve(spec + ".yaml");
        }
        if (!Files.isRegularFile(file)) {
            throw new UserError("--task " + spec + ": not a task file, not FORMAT=DATA (formats: " + String.join(", ",
                    Choice.ids(TaskFormat.class)) + "), and not a shipped task under " + tasksDir);
        }
        return load(file);
    }

    static Task load(Path file) {
        TaskSpec s;
        try {
            s = Json.YAML.readValue(file.toFile(), TaskSpec.class);
        } catch (IOException e) {
            throw new TaskException(file + ": not a valid task file (" + e.getMessage().lines().findFirst().orElse("")
                    + ")");
        }
        if (s == null || s.data() == null || s.format() == null) {
            throw new TaskException(file + ": a task needs format: and data:");
        }
        Path data = file.toAbsolutePath().getParent().resolve(s.data());
        if (!Files.isRegularFile(data)) {
            throw new TaskException(file + ": data " + data + " does not exist");
        }
        Path fewshotData = s.fewshotData() == null ? null : file.toAbsolutePath().getParent().resolve(s.fewshotData());
        if (fewshotData != null && !Files.isRegularFile(fewshotData)) {
            throw new TaskException(file + ": fewshot_data " + fewshotData + " does not exist");
        }
        int shots = s.numFewshot() == null ? 0 : s.numFewshot();
        if (shots < 0) {
            throw new TaskException(file + ": num_fewshot " + shots + " must be 0 or more");
        }
        Fields f = s.fields() == null ? Fields.defaults() : new Fields(
                or(s.fields().context(), "context"), or(s.fields().choices(), "choices"),
                or(s.fields().answer(), "answer"), or(s.fields().text(), "text"));
        String name = s.name() != null ? s.name() : file.getFileName().toString().replaceFirst("\\.ya?ml$", "");
        TaskFormat format = format(s.format(), file.toString());
        return new Task(name, format, data, f, shots, s.fewshotSeed() == null ? 1234 : s.fewshotSeed(),
                or(s.fewshotDelimiter(), "\n\n"), or(s.targetDelimiter(), format.defaultTargetDelimiter()),
                fewshotData);
    }

    private static TaskFormat format(String id, String where) {
        return Choice.byId(TaskFormat.class, id).orElseThrow(() -> new TaskException(where + ": format '" + id
                + "' is not one of " + String.join(", ", Choice.ids(TaskFormat.class))));
    }

    private static String or(String v, String fallback) {
        return v != null ? v : fallback;
    }
}

package dev.perennial.train;

import dev.perennial.eval.Scorer;
import dev.perennial.eval.TaskRunner;
import dev.perennial.eval.TaskSpec;
import dev.perennial.model.Model;
import dev.perennial.tokenizer.Tokenizer;
import dev.perennial.tokenizer.Tokenizers;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The benchmark tasks a run scores at each evaluation; the run's tokenizer is opened on the first. */
final class TaskScores implements AutoCloseable {

    private final List<TaskSpec.Task> tasks;
    private final int limit;
    private final String tokenizerSpec;
    private Tokenizer tokenizer;

    TaskScores(List<TaskSpec.Task> tasks, int limit, String tokenizerSpec) {
        this.tasks = tasks;
        this.limit = limit;
        this.tokenizerSpec = tokenizerSpec;
    }

    /** Each task's metrics for {@code model}; empty when the run scores no tasks. */
    Map<String, Map<String, Double>> score(Model model) {
        Map<String, Map<String, Double>> scores = new LinkedHashMap<>();
        if (tasks.isEmpty()) {
            return scores;
        }
        if (tokenizer == null) {
            tokenizer = Tokenizers.open(tokenizerSpec);
        }
        Scorer scorer = new Scorer(model, tokenizer);
        for (TaskSpec.Task task : tasks) {
            scores.put(task.name(), TaskRunner.run(task, scorer, limit).metrics());
        }
        return scores;
    }

    @Override
    public void close() {
        if (tokenizer != null) {
            tokenizer.close();
        }
    }
}

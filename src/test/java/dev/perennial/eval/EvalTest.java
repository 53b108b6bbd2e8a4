package dev.perennial.eval;

import dev.perennial.model.Model;
import dev.perennial.model.ModelFixtures;
import dev.perennial.tensor.Tensors;
import dev.perennial.tokenizer.ByteTokenizer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class EvalTest {

    static Model model;
    static final ByteTokenizer BYTES = new ByteTokenizer();

    @TempDir
    Path dir;

    @BeforeAll
    static void model() {
        model = ModelFixtures.byteLlama(21);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    /** Σ log p(continuation tokens) from a plain forward pass over context + continuation. */
    static double byHand(String context, String continuation) {
        int[] ctx = BYTES.encode(context);
        int[] all = BYTES.encode(context + continuation);
        try (NoGradGuard guard = new NoGradGuard(); PointerScope scope = new PointerScope()) {
            Tensor logits = model.logits(Tensors.fromLongs(Arrays.stream(all).asLongStream().toArray(), 1, all.length));
            float[] logProbs = Tensors.toFloats(torch.log_softmax(logits, -1));
            int vocab = model.config().vocabSize();
            double sum = 0;
            for (int t = ctx.length; t < all.length; t++) {
                sum += logProbs[(t - 1) * vocab + all[t]];
            }
            return sum;
        }
    }

    @Test
    void aChoicesLogLikelihoodIsTheSumOfItsTokenLogProbabilities() {
        Scorer scorer = new Scorer(model, BYTES);
        List<String> contexts = List.of("The cat sat on the", "The cat sat on the", "Short");
        List<String> continuations = List.of(" mat", " very long windowsill", "!");
        List<Scorer.LogLikelihood> scored = scorer.score(contexts, continuations); // one padded batch
        for (int i = 0; i < 3; i++) {
            assertThat(scored.get(i).logProb()).as(continuations.get(i))
                    .isCloseTo(byHand(contexts.get(i), continuations.get(i)), within(1e-4));
            assertThat(scored.get(i).tokens()).isEqualTo(continuations.get(i).length());
        }
    }

    @Test
    void multipleChoicePicksTheMostLikelyAndNormalisesByCharacters() throws Exception {
        Path data = dir.resolve("mc.jsonl");
        Files.writeString(data, """
                {"context": "one two three", "choices": [" four", " elephant parade"], "answer": 0}
                {"context": "alpha beta", "choices": [" gamma", " delta", " x"], "answer": 2}
                """);
        TaskSpec.Task task = new TaskSpec.Task("mc", TaskFormat.MULTIPLE_CHOICE, data,
                new TaskSpec.Fields("context", "choices", "answer", "text"), 0, 1, "\n\n", "", null);
        TaskResult result = TaskRunner.run(task, new Scorer(model, BYTES), 0);
        double expectedAcc = 0;
        double expectedNorm = 0;
        for (Example e : TaskRunner.examples(task, 0)) {
            int best = 0;
            int bestNorm = 0;
            for (int c = 1; c < e.choices().size(); c++) {
                if (byHand(e.context(), e.choices().get(c)) > byHand(e.context(), e.choices().get(best))) {
                    best = c;
                }
                if (byHand(e.context(), e.choices().get(c)) / e.choices().get(c).length()
                        > byHand(e.context(), e.choices().get(bestNorm)) / e.choices().get(bestNorm).length()) {
                    bestNorm = c;
                }
            }
            expectedAcc += best == e.answer() ? 0.5 : 0;
            expectedNorm += bestNorm == e.answer() ? 0.5 : 0;
        }
        assertThat(result.examples()).isEqualTo(2);
        assertThat(result.metrics().get("acc")).isEqualTo(expectedAcc);
        assertThat(result.metrics().get("acc_norm")).isEqualTo(expectedNorm);
    }

    @Test
    void clozeScoresTheLastWordByGreedyMatchAndPerplexity() throws Exception {
        Path data = dir.resolve("cloze.jsonl");
        Files.writeString(data, "{\"text\": \"the quick brown fox\"}\n{\"text\": \"a b c d\"}\n");
        TaskSpec.Task task = new TaskSpec.Task("cloze", TaskFormat.CLOZE, data,
                new TaskSpec.Fields("context", "choices", "answer", "text"), 0, 1, "\n\n", "", null);
        TaskResult result = TaskRunner.run(task, new Scorer(model, BYTES), 0);
        double meanLl = (byHand("the quick brown", " fox") + byHand("a b c", " d")) / 2;
        assertThat(result.metrics().get("perplexity")).isCloseTo(Math.exp(-meanLl), within(1e-3 * Math.exp(-meanLl)));
        assertThat(result.metrics().get("acc")).isBetween(0.0, 1.0);
    }

    @Test
    void kShotContextsAreFixedBySeedAndNeverIncludeTheExampleItself() throws Exception {
        Path data = dir.resolve("shots.jsonl");
        StringBuilder rows = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            rows.append("{\"context\": \"q").append(i).append("\", \"choices\": [\" a").append(i).append("\", \" b\"], "
                    + "\"answer\": 0}\n");
        }
        Files.writeString(data, rows);
        TaskSpec.Task task = new TaskSpec.Task("shots", TaskFormat.MULTIPLE_CHOICE, data,
                new TaskSpec.Fields("context", "choices", "answer", "text"), 3, 7, "\n\n", "", null);
        List<Example> pool = TaskRunner.examples(task, 0);
        String first = TaskRunner.withShots(task, pool, true, 4, "q4");
        assertThat(TaskRunner.withShots(task, pool, true, 4, "q4")).isEqualTo(first);
        assertThat(first).endsWith("\n\nq4").doesNotContain("q4 a4");
        assertThat(first.split("\n\n")).hasSize(4);
        TaskSpec.Task otherSeed = new TaskSpec.Task("shots", TaskFormat.MULTIPLE_CHOICE, data, task.fields(), 3, 8,
                "\n\n", "", null);
        assertThat(TaskRunner.withShots(otherSeed, pool, true, 4, "q4")).isNotEqualTo(first);
    }

    @Test
    void theStandardErrorIsThatOfAMean() {
        // mean 0.75, sample variance 0.25, n = 4: √(0.25 / 4) = 0.25
        assertThat(TaskResult.stderrOfMean(new double[] {1, 0, 1, 1})).isCloseTo(0.25, within(1e-12));
    }

    @Test
    void readsThePublishedFormatsAsLmEvaluationHarnessPromptsThem() throws Exception {
        Map<TaskFormat, String> records = Map.of(
                TaskFormat.ARC, "{\"question\": \"Why?\", \"choices\": {\"text\": [\"a\", \"b\"], \"label\": [\"A\", \"B\"]}, \"answerKey\": \"B\"}",
                TaskFormat.PIQA, "{\"goal\": \"Open a jar\", \"sol1\": \"twist\", \"sol2\": \"pull\", \"label\": 0}",
                TaskFormat.BOOLQ, "{\"passage\": \"Sky is blue.\", \"question\": \"is the sky blue\", \"answer\": true}",
                TaskFormat.HELLASWAG, "{\"activity_label\": \"Cooking\", \"ctx_a\": \"He cuts.\", \"ctx_b\": \"then he\", "
                        + "\"endings\": [\"eats [title] it.\", \"runs\"], \"label\": \"0\"}",
                TaskFormat.WINOGRANDE, "{\"sentence\": \"Tom gave Bob a book because _ was kind.\", \"option1\": \"Tom\", "
                        + "\"option2\": \"Bob\", \"answer\": \"1\"}",
                TaskFormat.LAMBADA, "{\"text\": \"She opened the door\"}");
        Map<TaskFormat, Example> examples = new java.util.HashMap<>();
        for (var r : records.entrySet()) {
            Path file = dir.resolve(r.getKey().id() + ".jsonl");
            Files.writeString(file, r.getValue() + "\n");
            examples.put(r.getKey(), TaskRunner.examples(TaskSpec.resolve(r.getKey().id() + "=" + file, dir), 0).getFirst());
        }
        assertThat(examples.get(TaskFormat.ARC).context()).isEqualTo("Question: Why?\nAnswer:");
        assertThat(examples.get(TaskFormat.ARC).choices()).containsExactly("a", "b");
        assertThat(examples.get(TaskFormat.ARC).answer()).isEqualTo(1);
        assertThat(examples.get(TaskFormat.PIQA).context()).isEqualTo("Question: Open a jar\nAnswer:");
        assertThat(examples.get(TaskFormat.BOOLQ).context()).isEqualTo("Sky is blue.\nQuestion: is the sky blue?\nAnswer:");
        assertThat(examples.get(TaskFormat.BOOLQ).answer()).isEqualTo(1);
        assertThat(examples.get(TaskFormat.HELLASWAG).context()).isEqualTo("Cooking: He cuts. Then he");
        assertThat(examples.get(TaskFormat.HELLASWAG).choices()).containsExactly("eats. it.", "runs");
        Example wino = examples.get(TaskFormat.WINOGRANDE);
        assertThat(wino.contextOf(0)).isEqualTo("Tom gave Bob a book because Tom");
        assertThat(wino.contextOf(1)).isEqualTo("Tom gave Bob a book because Bob");
        assertThat(wino.choices()).containsExactly("was kind.", "was kind.");
        assertThat(examples.get(TaskFormat.LAMBADA).context()).isEqualTo("She opened the");
        assertThat(examples.get(TaskFormat.LAMBADA).choices()).containsExactly(" door");
    }

    @Test
    void refusesBadTaskFilesNamingFileAndLine() throws Exception {
        Path data = dir.resolve("bad.jsonl");
        TaskSpec.Task task = new TaskSpec.Task("bad", TaskFormat.MULTIPLE_CHOICE, data,
                new TaskSpec.Fields("context", "choices", "answer", "text"), 0, 1, "\n\n", "", null);
        Files.writeString(data, "{\"context\": \"x\", \"choices\": [\" a\"], \"answer\": 0}\n{\"choices\": [\" a\"], \"answer\": 0}\n");
        assertThatThrownBy(() -> TaskRunner.examples(task, 0)).isInstanceOf(TaskException.class)
                .hasMessage(data + " line 2: no \"context\" field");
        Files.writeString(data, "{\"context\": \"x\", \"choices\": [\" a\", \" b\"], \"answer\": 2}\n");
        assertThatThrownBy(() -> TaskRunner.examples(task, 0)).hasMessage(data + " line 1: answer 2 is out of range for 2 choices");
        Files.writeString(data, "{\"context\": \"x\", \"choices\": [], \"answer\": 0}\n");
        assertThatThrownBy(() -> TaskRunner.examples(task, 0)).hasMessageContaining(data + " line 1: \"choices\" must be a non-empty list");
        Files.writeString(data, "{\"context\": \"x\", \"choices\": [\"\", \" b\"], \"answer\": 0}\n");
        assertThatThrownBy(() -> TaskRunner.examples(task, 0)).hasMessageContaining("has an empty choice");
        Path yaml = dir.resolve("t.yaml");
        Files.writeString(yaml, "name: t\nformat: quiz\ndata: bad.jsonl\n");
        assertThatThrownBy(() -> TaskSpec.resolve(yaml.toString(), dir)).hasMessageContaining("format 'quiz' is not one of");
        assertThatThrownBy(() -> TaskSpec.resolve("nonesuch", dir)).hasMessageContaining("--task nonesuch: not a task file");
    }

    @Test
    void theShippedDemoTasksLoad() {
        Path tasks = Path.of("data/tasks");
        for (String name : List.of("en-continuation", "de-continuation", "en-lastword", "de-lastword")) {
            TaskSpec.Task task = TaskSpec.resolve(name, tasks);
            assertThat(TaskRunner.examples(task, 0)).as(name).hasSizeGreaterThan(50);
        }
    }
}

package dev.perennial.eval;

import dev.perennial.model.Model;
import dev.perennial.model.ModelFixtures;
import dev.perennial.tensor.Tensors;
import dev.perennial.tokenizer.ByteTokenizer;
import dev.perennial.tokenizer.HfTokenizer;
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

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Each rule of lm-evaluation-harness's log-likelihood scoring on hand-built examples; the expected values follow
 * from the harness's code at commit 4e7e0d4 (EleutherAI/lm-evaluation-harness), cited per test.
 */
class HarnessRulesTest {

    static final ByteTokenizer BYTES = new ByteTokenizer();

    /**
     * A Llama-style tokenizer.json: BPE over single characters with the one merge "a b", BOS {@code <s>} (id 0)
     * added by a TemplateProcessing post-processor, as Llama's tokenizer.json does; EOS {@code </s>} (id 1).
     */
    static final String LLAMA_LIKE = """
            {"version": "1.0", "truncation": null, "padding": null,
             "added_tokens": [
               {"id": 0, "content": "<s>", "single_word": false, "lstrip": false, "rstrip": false,
                "normalized": false, "special": true},
               {"id": 1, "content": "</s>", "single_word": false, "lstrip": false, "rstrip": false,
                "normalized": false, "special": true}],
             "normalizer": null, "pre_tokenizer": null,
             "post_processor": {"type": "TemplateProcessing",
               "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
               "pair": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                        {"Sequence": {"id": "B", "type_id": 1}}],
               "special_tokens": {"<s>": {"id": "<s>", "ids": [0], "tokens": ["<s>"]}}},
             "decoder": null,
             "model": {"type": "BPE", "dropout": null, "unk_token": null, "continuing_subword_prefix": null,
               "end_of_word_suffix": null, "fuse_unk": false, "byte_fallback": false,
               "vocab": {"<s>": 0, "</s>": 1, "x": 2, "a": 3, "b": 4, "c": 5, "ab": 6, " ": 7},
               "merges": ["a b"]}}
            """;

    static Model model;

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

    HfTokenizer llamaLike() throws Exception {
        Files.writeString(dir.resolve("tokenizer.json"), LLAMA_LIKE);
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"bos_token\": \"<s>\", \"eos_token\": \"</s>\"}");
        return HfTokenizer.load(dir);
    }

    @Test
    void trailingWhitespaceOfTheContextMovesIntoTheContinuation() {
        // lm_eval/api/model.py _encode_pair, lines 390-393: n_spaces = len(context) - len(context.rstrip())
        Request r = Request.of(BYTES, "Answer:\t ", "yes");
        assertThat(r.context()).isEqualTo(BYTES.encode("Answer:"));
        assertThat(r.continuation()).isEqualTo(BYTES.encode("\t yes"));
        // U+00A0 is whitespace to Python's str.rstrip and moves too
        assertThat(Request.of(BYTES, "Q:\u00a0", "x").continuation()).isEqualTo(BYTES.encode("\u00a0x"));
    }

    @Test
    void theContinuationIsTheWholesIdsBeyondTheContextsLength() throws Exception {
        // lm_eval/api/model.py _encode_pair, lines 396-400: whole = tok(context + continuation),
        // continuation = whole[len(tok(context)):]. "xabc" merges a|b across the boundary: [<s>, x, ab, c], while
        // the context "xa" is [<s>, x, a]: the continuation is whole[3:] = [c], the "b" is lost as in the harness.
        try (HfTokenizer llama = llamaLike()) {
            Request r = Request.of(llama, "xa", "bc");
            assertThat(r.context()).containsExactly(0, 2, 3);
            assertThat(r.continuation()).containsExactly(5);
        }
    }

    @Test
    void llamaTokenizersAddTheirBosAsTheHarnessesTokenizerCallDoes() throws Exception {
        // lm_eval/models/huggingface.py tok_encode, lines 1049-1057: add_special_tokens left to the tokenizer
        // (its post-processor adds <s>) unless the text already starts with the prefix token's text
        try (HfTokenizer llama = llamaLike()) {
            assertThat(llama.bosId()).isZero();
            assertThat(Request.of(llama, "x", "c").context()).containsExactly(0, 2);
            assertThat(Request.of(llama, "<s>x", "c").context()).containsExactly(0, 2);
        }
        assertThat(Request.of(BYTES, "x", "c").context()).containsExactly('x');
    }

    @Test
    void anEmptyContextIsThePrefixTokenBosElseEos() throws Exception {
        // lm_eval/api/model.py loglikelihood, lines 430-438, and huggingface.py prefix_token_id, lines 611-617
        try (HfTokenizer llama = llamaLike()) {
            Request r = Request.of(llama, "", "ab");
            assertThat(r.context()).containsExactly(0);
            assertThat(r.continuation()).containsExactly(6);
            // a continuation that starts with the prefix token conditions on it instead
            Request prefixed = Request.of(llama, "", "<s>ab");
            assertThat(prefixed.context()).containsExactly(0);
            assertThat(prefixed.continuation()).containsExactly(6);
        }
        Request bytes = Request.of(BYTES, "", "hi");
        assertThat(bytes.context()).containsExactly(ByteTokenizer.EOS);
        assertThat(bytes.continuation()).containsExactly('h', 'i');
    }

    @Test
    void truncationKeepsTheLastMaxLengthPlusOneTokensAndDropsTheLast() {
        // lm_eval/models/huggingface.py _loglikelihood_tokens, lines 1434-1437:
        // inp = (context_enc + continuation_enc)[-(max_length + 1):][:-1]
        Request.Window w = new Request(new int[] {1, 2, 3, 4, 5}, new int[] {6, 7}).window(4);
        assertThat(w.tokens()).containsExactly(3, 4, 5, 6, 7);
        assertThat(w.input()).containsExactly(3, 4, 5, 6);
        assertThat(w.continuationLength()).isEqualTo(2);
        assertThatThrownBy(() -> new Request(new int[] {1}, new int[] {2, 3, 4, 5, 6}).window(4))
                .isInstanceOf(TaskException.class).hasMessageContaining("longer than the model's 4 positions");
    }

    @Test
    void aTooLongRequestIsScoredOverTheHarnessesWindow() {
        // 200 context bytes and " end": the model (128 positions) reads the 128 tokens before the last of
        // (context + continuation)[-129:], and the continuation's 4 tokens are scored from its last 4 logits
        String context = "abcdefghij".repeat(20);
        int[] all = BYTES.encode(context + " end");
        int[] input = Arrays.copyOfRange(all, all.length - 129, all.length - 1);
        double expected;
        try (NoGradGuard guard = new NoGradGuard(); PointerScope scope = new PointerScope()) {
            Tensor logits = model.logits(Tensors.fromLongs(Arrays.stream(input).asLongStream().toArray(), 1, 128));
            float[] logProbs = Tensors.toFloats(torch.log_softmax(logits, -1));
            expected = 0;
            for (int k = 0; k < 4; k++) {
                int position = 128 - 4 + k; // the logit at input position p predicts token p + 1 of the window
                expected += logProbs[position * 257 + all[all.length - 4 + k]];
            }
        }
        Scorer.LogLikelihood ll = new Scorer(model, BYTES).score(List.of(context), List.of(" end")).getFirst();
        assertThat(ll.tokens()).isEqualTo(4);
        assertThat(ll.logProb()).isCloseTo(expected, within(1e-4));
    }

    @Test
    void accNormDividesByCharactersWithoutTheTargetDelimiterAndAccBytesByBytes() {
        // lm_eval/api/task.py process_results, lines 1494-1512: completion_len = len(choice), byte_length =
        // len(choice.encode("utf-8")), choices as doc_to_choice gives them (the target delimiter is not in them)
        Example e = new Example("q", null, List.of("aaaa", "éé", "bb"), 0, "hand-built");
        List<Scorer.LogLikelihood> ll = List.of(new Scorer.LogLikelihood(-4.0, false, 4),
                new Scorer.LogLikelihood(-3.0, false, 4), new Scorer.LogLikelihood(-2.1, false, 2));
        assertThat(TaskRunner.argmax(ll, e, c -> 1)).isEqualTo(2);                      // -4, -3, -2.1
        assertThat(TaskRunner.argmax(ll, e, TaskRunner::characters)).isEqualTo(0);     // -1, -1.5, -1.05
        assertThat(TaskRunner.argmax(ll, e, TaskRunner::bytes)).isEqualTo(1);          // -1, -0.75, -1.05
        // with the delimiter " " counted the lengths would be 5, 3, 3 and "bb" (-0.7) would win acc_norm
    }

    @Test
    void hellaswagCapitalizesAsPythonsStrCapitalize() throws Exception {
        // lm_eval/tasks/hellaswag/utils.py process_docs: doc["ctx_b"].capitalize(), which lower-cases the rest
        assertThat(PythonStrings.capitalize("hELLO wORLD")).isEqualTo("Hello world");
        assertThat(PythonStrings.capitalize("ßtraße")).isEqualTo("Sstraße");
        assertThat(PythonStrings.capitalize("ǆemal")).isEqualTo("ǅemal");
        assertThat(PythonStrings.capitalize("ŉ")).isEqualTo("ʼN");
        assertThat(PythonStrings.capitalize("")).isEmpty();
        Path file = dir.resolve("hellaswag.jsonl");
        Files.writeString(file, "{\"activity_label\": \"Cooking\", \"ctx_a\": \"He cuts.\", \"ctx_b\": \"THEN He\", "
                + "\"endings\": [\"  eats [title] it.\", \"runs [x]\"], \"label\": \"1\"}\n");
        Example e = TaskRunner.examples(TaskSpec.resolve("hellaswag=" + file, dir), 0).getFirst();
        assertThat(e.context()).isEqualTo("Cooking: He cuts. Then he");
        assertThat(e.choices()).containsExactly("eats. it.", "runs ");
        assertThat(e.answer()).isEqualTo(1);
        assertThat(TaskSpec.resolve("hellaswag=" + file, dir).targetDelimiter()).isEqualTo(" ");
    }

    @Test
    void openBookQaStripsTheAnswerKeyAndArcDoesNot() throws Exception {
        // lm_eval/tasks/openbookqa/openbookqa.yaml doc_to_target: choices.label.index(answerKey.lstrip());
        // lm_eval/tasks/arc/arc_easy.yaml: choices.label.index(answerKey)
        String record = "{\"question_stem\": \"Sun is a\", \"question\": \"Sun is a\", \"choices\": {\"text\": "
                + "[\"planet\", \"star\"], \"label\": [\"A\", \"B\"]}, \"answerKey\": \" B\"}\n";
        Path obqa = dir.resolve("obqa.jsonl");
        Files.writeString(obqa, record);
        Example e = TaskRunner.examples(TaskSpec.resolve("openbookqa=" + obqa, dir), 0).getFirst();
        assertThat(e.context()).isEqualTo("Sun is a");
        assertThat(e.choices()).containsExactly("planet", "star");
        assertThat(e.answer()).isEqualTo(1);
        Path arc = dir.resolve("arc.jsonl");
        Files.writeString(arc, record);
        assertThatThrownBy(() -> TaskRunner.examples(TaskSpec.resolve("arc=" + arc, dir), 0))
                .hasMessageContaining("answerKey ' B' is not among the labels");
    }

    @Test
    void lambadaSplitsAtTheLastSpaceWithoutStripping() throws Exception {
        // lm_eval/tasks/lambada/lambada_openai.yaml: text.split(' ')[:-1] joined, and ' ' + text.split(' ')[-1]
        Path file = dir.resolve("lambada.jsonl");
        Files.writeString(file, "{\"text\": \"She  opened door\"}\n{\"text\": \"alone\"}\n");
        List<Example> examples = TaskRunner.examples(TaskSpec.resolve("lambada=" + file, dir), 0);
        assertThat(examples.get(0).context()).isEqualTo("She  opened");
        assertThat(examples.get(0).choices()).containsExactly(" door");
        assertThat(examples.get(1).context()).isEmpty(); // scored after the prefix token
        assertThat(examples.get(1).choices()).containsExactly(" alone");
    }

    @Test
    void fewShotExamplesComeFromTheFewShotSplitWhenTheTaskNamesOne() throws Exception {
        // lm_eval/api/task.py fewshot_docs: the config's fewshot_split when set
        StringBuilder test = new StringBuilder();
        StringBuilder train = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            test.append("{\"context\": \"test").append(i).append("\", \"choices\": [\" t\", \" f\"], \"answer\": 0}\n");
            train.append("{\"context\": \"train").append(i).append("\", \"choices\": [\" y\", \" n\"], \"answer\": 1}\n");
        }
        Files.writeString(dir.resolve("test.jsonl"), test);
        Files.writeString(dir.resolve("train.jsonl"), train);
        Path yaml = dir.resolve("task.yaml");
        Files.writeString(yaml, "name: t\nformat: multiple_choice\ndata: test.jsonl\nfewshot_data: train.jsonl\n"
                + "num_fewshot: 2\n");
        TaskSpec.Task task = TaskSpec.resolve(yaml.toString(), dir);
        List<Example> own = TaskRunner.examples(task, 0);
        List<Example> pool = TaskRunner.shotPool(task, own);
        String context = TaskRunner.withShots(task, pool, pool == own, 0, "test0");
        String[] parts = context.split("\n\n");
        assertThat(parts).hasSize(3);
        assertThat(parts[0]).matches("train\\d n");
        assertThat(parts[1]).matches("train\\d n");
        assertThat(parts[2]).isEqualTo("test0");
        Files.writeString(yaml, "name: t\nformat: multiple_choice\ndata: test.jsonl\nfewshot_data: nope.jsonl\n");
        assertThatThrownBy(() -> TaskSpec.resolve(yaml.toString(), dir)).hasMessageContaining("fewshot_data");
    }
}

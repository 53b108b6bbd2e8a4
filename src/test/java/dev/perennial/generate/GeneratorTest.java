package dev.perennial.generate;

import dev.perennial.model.Model;
import dev.perennial.model.ModelFixtures;
import dev.perennial.tensor.Tensors;
import dev.perennial.tokenizer.ByteTokenizer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GeneratorTest {

    static final int[] PROMPT = {72, 101, 108, 108, 111, 44, 32};

    /** The argmax of a full forward pass over everything so far, without any cache. */
    static int fullForwardArgmax(Model model, int[] sequence) {
        try (NoGradGuard guard = new NoGradGuard(); PointerScope scope = new PointerScope()) {
            Tensor logits = model.logits(Tensors.fromLongs(Arrays.stream(sequence).asLongStream().toArray(), 1,
                    sequence.length));
            return TokenPicker.argmax(Tensors.toFloats(logits.select(1, sequence.length - 1).select(0, 0)));
        }
    }

    @Test
    void cachedGreedyGenerationEqualsTheArgmaxOfAFullForwardAtEveryStep() {
        for (Model model : new Model[] {ModelFixtures.byteNeoX(1), ModelFixtures.byteLlama(2)}) {
            int[] generated = Generator.generateIds(model, PROMPT, Sampling.greedy(24), -1, true, (t, l) -> true);
            assertThat(generated).hasSize(24);
            int[] sequence = PROMPT;
            for (int token : generated) {
                assertThat(token).as(model.config().modelType()).isEqualTo(fullForwardArgmax(model, sequence));
                sequence = Arrays.copyOf(sequence, sequence.length + 1);
                sequence[sequence.length - 1] = token;
            }
            assertThat(Generator.generateIds(model, PROMPT, Sampling.greedy(24), -1, false, (t, l) -> true))
                    .isEqualTo(generated);
            model.close();
        }
    }

    @Test
    void samplingIsFixedBySeedAndTopKOfOneIsGreedy() {
        try (Model model = ModelFixtures.byteLlama(3)) {
            Sampling hot = new Sampling(20, 1.5, 0, 0.95, List.of(), 42);
            int[] a = Generator.generateIds(model, PROMPT, hot, -1, true, (t, l) -> true);
            int[] b = Generator.generateIds(model, PROMPT, hot, -1, true, (t, l) -> true);
            int[] c = Generator.generateIds(model, PROMPT, new Sampling(20, 1.5, 0, 0.95, List.of(), 43), -1, true,
                    (t, l) -> true);
            assertThat(a).isEqualTo(b).isNotEqualTo(c);
            int[] topOne = Generator.generateIds(model, PROMPT, new Sampling(20, 1.5, 1, 1, List.of(), 7), -1, true,
                    (t, l) -> true);
            assertThat(topOne)
                    .isEqualTo(Generator.generateIds(model, PROMPT, Sampling.greedy(20), -1, true, (t, l) -> true));
        }
    }

    @Test
    void penaltiesChangeTheLogitsAsTransformersAndOpenAiDefineThem() {
        int[] tokens = {0, 5, 1, 1, 3}; // prompt {0, 5}, output {1, 1, 3}
        float[] logits = {-1f, 3f, 2f, 0.5f, 4f, 1f};
        float[] repetition = new TokenPicker(new Sampling(1, 0, 0, 1, List.of(), 0, 0, 0, 2))
                .penalised(logits, tokens, 2, 5);
        // every token of prompt and output, once: positive logits halved, negative doubled; others untouched
        assertThat(repetition).containsExactly(-2f, 1.5f, 2f, 0.25f, 4f, 0.5f);
        float[] openAi = new TokenPicker(new Sampling(1, 0, 0, 1, List.of(), 0, 0.5, 1, 1))
                .penalised(logits, tokens, 2, 5);
        // output tokens only: minus 0.5 per occurrence, minus 1 once present; the prompt's 0 and 5 untouched
        assertThat(openAi).containsExactly(-1f, 1f, 2f, -1f, 4f, 1f);
        assertThat(logits).containsExactly(-1f, 3f, 2f, 0.5f, 4f, 1f); // the model's own logits are not changed
        TokenPicker greedy = new TokenPicker(new Sampling(1, 0, 0, 1, List.of(), 0, 0, 2, 1));
        assertThat(greedy.pick(new float[] {0f, 3f, 2f}, new int[] {9, 1}, 1, 2)).isEqualTo(2);
        assertThatThrownBy(() -> new Sampling(1, 0, 0, 1, List.of(), 0, 2.5, 0, 1)).hasMessageContaining("[-2, 2]");
        assertThatThrownBy(() -> new Sampling(1, 0, 0, 1, List.of(), 0, 0, 0, 0)).hasMessageContaining("above 0");
    }

    @Test
    void aPresencePenaltyKeepsGreedyGenerationFromRepeatingItself() {
        try (Model model = ModelFixtures.byteLlama(3)) {
            int[] plain = Generator.generateIds(model, PROMPT, Sampling.greedy(30), -1, true, (t, l) -> true);
            int[] penalised = Generator.generateIds(model, PROMPT, new Sampling(30, 0, 0, 1, List.of(), 0, 0, 2, 1),
                    -1, true, (t, l) -> true);
            assertThat(penalised).isNotEqualTo(plain);
            assertThat(java.util.Arrays.stream(penalised).distinct().count())
                    .isGreaterThanOrEqualTo(java.util.Arrays.stream(plain).distinct().count());
        }
    }

    @Test
    void streamsTextAndStopsAtAStopSequence() {
        ByteTokenizer bytes = new ByteTokenizer();
        try (Model model = ModelFixtures.byteLlama(4)) {
            List<String> pieces = new ArrayList<>();
            Generator.Result full = Generator.generate(model, bytes, "Hello, ", Sampling.greedy(30), 0,
                    (text, tokens) -> pieces.add(text));
            assertThat(String.join("", pieces)).isEqualTo(full.text());
            assertThat(full.finish()).isEqualTo(Generator.Finish.LENGTH);
            String stop = full.text().substring(5, 7);
            Generator.Result stopped = Generator.generate(model, bytes, "Hello, ",
                    new Sampling(30, 0, 0, 1, List.of(stop), 0), 0, (text, tokens) -> true);
            assertThat(stopped.finish()).isEqualTo(Generator.Finish.STOP);
            assertThat(stopped.text()).isEqualTo(full.text().substring(0, full.text().indexOf(stop)));
        }
    }

    @Test
    void generatedLogProbsAgreeWithScoringTheTextInOnePass() {
        ByteTokenizer bytes = new ByteTokenizer();
        try (Model model = ModelFixtures.byteLlama(5)) {
            List<TokenLogProbs.Scored> seen = new ArrayList<>();
            Generator.Result result = Generator.generate(model, bytes, "Hello, ", Sampling.greedy(12), 3,
                    (text, tokens) -> {
                        seen.addAll(tokens);
                        return true;
                    });
            assertThat(seen).hasSize(12);
            for (TokenLogProbs.Scored token : seen) {
                assertThat(token.logProb()).isNegative();
                assertThat(token.top()).hasSize(3);
                assertThat(token.top().getFirst().id()).isEqualTo(token.id()); // greedy picks the most likely
                assertThat(token.top().get(1).logProb()).isLessThanOrEqualTo(token.top().getFirst().logProb());
            }
            // nothing comes before the first byte: it is unscored
            List<TokenLogProbs.Scored> scored = TokenLogProbs.ofText(model, bytes, "Hello, " + result.text(), 0);
            assertThat(scored).hasSize(7 + 12);
            assertThat(scored.getFirst().logProb()).isNaN();
            for (int i = 0; i < 12; i++) {
                assertThat(scored.get(7 + i).id()).isEqualTo(seen.get(i).id());
                assertThat(scored.get(7 + i).logProb()).isCloseTo(seen.get(i).logProb(),
                        org.assertj.core.data.Offset.offset(1e-4));
            }
        }
    }

    @Test
    void aListenerThatSaysNoCancelsGeneration() {
        try (Model model = ModelFixtures.byteLlama(4)) { // generates 30 tokens without end-of-text
            int[] calls = {0};
            Generator.Result result = Generator.generate(model, new ByteTokenizer(), "Hello, ", Sampling.greedy(30), 0,
                    (text, tokens) -> ++calls[0] < 3);
            assertThat(result.finish()).isEqualTo(Generator.Finish.CANCELLED);
            assertThat(calls[0]).isEqualTo(3);
            assertThat(result.tokens().length).isLessThan(30);
            assertThat(result.promptTokens()).isEqualTo(7);
        }
    }
}

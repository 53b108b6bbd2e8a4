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
            int[] generated = Generator.generateIds(model, PROMPT, Sampling.greedy(24), -1, true, t -> true);
            assertThat(generated).hasSize(24);
            int[] sequence = PROMPT;
            for (int token : generated) {
                assertThat(token).as(model.config().modelType()).isEqualTo(fullForwardArgmax(model, sequence));
                sequence = Arrays.copyOf(sequence, sequence.length + 1);
                sequence[sequence.length - 1] = token;
            }
            assertThat(Generator.generateIds(model, PROMPT, Sampling.greedy(24), -1, false, t -> true))
                    .isEqualTo(generated);
            model.close();
        }
    }

    @Test
    void samplingIsFixedBySeedAndTopKOfOneIsGreedy() {
        try (Model model = ModelFixtures.byteLlama(3)) {
            Sampling hot = new Sampling(20, 1.5, 0, 0.95, List.of(), 42);
            int[] a = Generator.generateIds(model, PROMPT, hot, -1, true, t -> true);
            int[] b = Generator.generateIds(model, PROMPT, hot, -1, true, t -> true);
            int[] c = Generator.generateIds(model, PROMPT, new Sampling(20, 1.5, 0, 0.95, List.of(), 43), -1, true,
                    t -> true);
            assertThat(a).isEqualTo(b).isNotEqualTo(c);
            int[] topOne = Generator.generateIds(model, PROMPT, new Sampling(20, 1.5, 1, 1, List.of(), 7), -1, true,
                    t -> true);
            assertThat(topOne).isEqualTo(Generator.generateIds(model, PROMPT, Sampling.greedy(20), -1, true, t -> true));
        }
    }

    @Test
    void streamsTextAndStopsAtAStopSequence() {
        ByteTokenizer bytes = new ByteTokenizer();
        try (Model model = ModelFixtures.byteLlama(4)) {
            List<String> pieces = new ArrayList<>();
            Generator.Result full = Generator.generate(model, bytes, "Hello, ", Sampling.greedy(30), pieces::add);
            assertThat(String.join("", pieces)).isEqualTo(full.text());
            assertThat(full.finish()).isEqualTo(Generator.Finish.LENGTH);
            String stop = full.text().substring(5, 7);
            Generator.Result stopped = Generator.generate(model, bytes, "Hello, ",
                    new Sampling(30, 0, 0, 1, List.of(stop), 0), s -> { });
            assertThat(stopped.finish()).isEqualTo(Generator.Finish.STOP);
            assertThat(stopped.text()).isEqualTo(full.text().substring(0, full.text().indexOf(stop)));
        }
    }
}

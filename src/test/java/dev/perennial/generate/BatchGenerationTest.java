package dev.perennial.generate;

import dev.perennial.model.Model;
import dev.perennial.model.ModelFixtures;
import dev.perennial.tokenizer.ByteTokenizer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class BatchGenerationTest {

    /** Prompts of different lengths, so every row but the longest is left-padded. */
    static final List<String> PROMPTS = List.of("Hi", "Hello, world. ", "A much longer prompt than the rest, ", "ok");

    private static List<Generator.Request> requests(ByteTokenizer bytes, List<Sampling> samplings,
                                                    List<List<String>> pieces) {
        List<Generator.Request> requests = new ArrayList<>();
        for (int i = 0; i < PROMPTS.size(); i++) {
            List<String> seen = new ArrayList<>();
            pieces.add(seen);
            requests.add(new Generator.Request(bytes.encode(PROMPTS.get(i)), samplings.get(i), (text, tokens) -> {
                seen.add(text);
                return true;
            }));
        }
        return requests;
    }

    /** Batched results (several batch sizes) must equal generating each prompt alone, token for token. */
    private static void assertBatchedEqualsAlone(Model model, List<Sampling> samplings) {
        ByteTokenizer bytes = new ByteTokenizer();
        List<Generator.Result> alone = new ArrayList<>();
        List<List<String>> alonePieces = new ArrayList<>();
        for (int i = 0; i < PROMPTS.size(); i++) {
            List<String> seen = new ArrayList<>();
            alonePieces.add(seen);
            alone.add(Generator.generate(model, bytes, PROMPTS.get(i), samplings.get(i), 2, (text, tokens) -> {
                seen.add(text);
                return true;
            }));
        }
        for (int batchSize : new int[] {PROMPTS.size(), 3}) {
            List<List<String>> pieces = new ArrayList<>();
            List<Generator.Result> batched = Generator.generateBatch(model, bytes, requests(bytes, samplings, pieces),
                    2, batchSize);
            assertThat(batched).hasSize(PROMPTS.size());
            for (int i = 0; i < PROMPTS.size(); i++) {
                String what = model.config().modelType() + " prompt " + i + " batch " + batchSize;
                assertThat(batched.get(i).tokens()).as(what).isEqualTo(alone.get(i).tokens());
                assertThat(batched.get(i).text()).as(what).isEqualTo(alone.get(i).text());
                assertThat(batched.get(i).finish()).as(what).isEqualTo(alone.get(i).finish());
                assertThat(batched.get(i).promptTokens()).as(what).isEqualTo(alone.get(i).promptTokens());
                assertThat(pieces.get(i)).as(what).isEqualTo(alonePieces.get(i));
            }
        }
    }

    @Test
    void batchedGreedyGenerationEqualsEachPromptAlone() {
        for (Model model : new Model[] {ModelFixtures.byteNeoX(1), ModelFixtures.byteLlama(2)}) {
            assertBatchedEqualsAlone(model, List.of(Sampling.greedy(20), Sampling.greedy(20), Sampling.greedy(20),
                    Sampling.greedy(20)));
            model.close();
        }
    }

    @Test
    void batchedSeededSamplingEqualsEachPromptAloneWithItsOwnSeedAndBudget() {
        for (Model model : new Model[] {ModelFixtures.byteNeoX(3), ModelFixtures.byteLlama(4)}) {
            assertBatchedEqualsAlone(model, List.of(
                    new Sampling(25, 1.2, 0, 0.95, List.of(), 11),
                    new Sampling(7, 0.8, 40, 1, List.of(), 12),
                    new Sampling(0, 1.0, 0, 1, List.of(), 13),
                    new Sampling(18, 1.5, 0, 0.9, List.of(), 14, 0.5, 0.5, 1.2)));
            model.close();
        }
    }

    @Test
    void aRowThatHitsAStopSequenceEndsAloneAndTheOthersGoOn() {
        try (Model model = ModelFixtures.byteLlama(4)) {
            String greedy = Generator.generate(model, new ByteTokenizer(), PROMPTS.get(1), Sampling.greedy(30), 0,
                    (text, tokens) -> true).text();
            String stop = greedy.substring(4, 6);
            List<Sampling> samplings = List.of(Sampling.greedy(30), new Sampling(30, 0, 0, 1, List.of(stop), 0),
                    Sampling.greedy(30), Sampling.greedy(12));
            assertBatchedEqualsAlone(model, samplings);
            List<Generator.Result> batched = Generator.generateBatch(model, new ByteTokenizer(),
                    requests(new ByteTokenizer(), samplings, new ArrayList<>()), 0, 4);
            assertThat(batched.get(1).finish()).isEqualTo(Generator.Finish.STOP);
            assertThat(batched.get(1).text()).isEqualTo(greedy.substring(0, greedy.indexOf(stop)));
            assertThat(batched.get(0).tokens()).hasSize(30);
            assertThat(batched.get(3).tokens()).hasSize(12);
        }
    }

    @Test
    void aRowEndsAtTheEndOfTextTokenWhileTheOthersGoOnForTinyNeoXAndLlama() {
        int[][] prompts = {{3, 1, 4, 1, 5, 9, 2, 6}, {2, 7}, {1, 8, 2, 8, 1}};
        for (Model model : new Model[] {ModelFixtures.tinyNeoX(5), ModelFixtures.tinyLlama(6),
                ModelFixtures.tinyLlamaTied(7)}) {
            int[] free = Generator.generateIds(model, prompts[1], Sampling.greedy(16), -1, true, (t, l) -> true);
            int eos = free[5]; // the row with the short prompt reaches it by its sixth token at the latest
            int[][] batched = BatchDecoding.generateIds(model, List.of(prompts),
                    java.util.Collections.nCopies(prompts.length, Sampling.greedy(16)), eos, (row, token, logits) -> true);
            for (int i = 0; i < prompts.length; i++) {
                int[] alone = Generator.generateIds(model, prompts[i], Sampling.greedy(16), eos, true,
                        (t, l) -> true);
                assertThat(batched[i]).as(model.config().modelType() + " prompt " + i).isEqualTo(alone);
            }
            assertThat(batched[1]).hasSizeLessThanOrEqualTo(6).endsWith(eos);
            model.close();
        }
    }
}

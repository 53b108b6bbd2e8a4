package dev.perennial.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.generate.GenerationConfig;
import dev.perennial.generate.Seq2SeqGeneration;
import dev.perennial.io.Json;
import dev.perennial.model.BartConfig;
import dev.perennial.model.BartModel;
import dev.perennial.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.global.torch;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Times encoder-decoder generation (summarization's BART, translation's NLLB, Blenderbot) on a model folder in float32
 * (for the speed goal, a real checkpoint's shape with random weights, written by {@code tools/reference/bart.py} or
 * {@code m2m100.py --write-real-shape DIR}): per round, one input of {@code sourceTokens} random ids encoded, then
 * exactly {@code tokens} new tokens, greedy or by beam search (eos banned until max_length, as a min_length of
 * max_length does, so that every round does the same work). {@code --time DIR} of those scripts times the same in
 * PyTorch eager (tools/reference/seq2seq_timing.py).
 */
public final class Seq2SeqBenchmark {

    /** One round: the search, its beams, the tokens of the returned sequence and their rate (encoder included). */
    public record Round(String search, int beams, int round, int tokens, double seconds, double tokensPerSecond) {
    }

    private Seq2SeqBenchmark() {
    }

    /** For each beam count, one untimed warm-up then {@code rounds} timed rounds, each reported as it ends. */
    public static List<Round> run(Path modelDir, int sourceTokens, int tokens, List<Integer> beams, int rounds,
                                  Consumer<Round> report) {
        List<Round> out = new ArrayList<>();
        try (BartModel model = BartModel.load(modelDir, torch.ScalarType.Float)) {
            long[] ids = sourceIds(model.config(), sourceTokens);
            for (int b : beams) {
                generate(model, ids, settings(model.config(), 2, b));
                GenerationConfig config = settings(model.config(), tokens, b);
                for (int r = 0; r < rounds; r++) {
                    long start = System.nanoTime();
                    int generated = generate(model, ids, config);
                    double seconds = (System.nanoTime() - start) / 1e9;
                    Round round = new Round(b == 1 ? "greedy" : "beam", b, r, generated, seconds,
                            generated / seconds);
                    report.accept(round);
                    out.add(round);
                }
            }
        }
        return out;
    }

    private static int generate(BartModel model, long[] ids, GenerationConfig config) {
        try (PointerScope scope = new PointerScope()) {
            return new Seq2SeqGeneration(model, config).generate(model.encode(Tensors.fromLongs(ids, 1, ids.length),
                    null), null).getFirst().length;
        }
    }

    /** Exactly {@code tokens} new tokens with {@code beams} beams: min_length = max_length = tokens + 1. */
    private static GenerationConfig settings(BartConfig c, int tokens, int beams) {
        ObjectNode json = Json.MAPPER.createObjectNode().put("decoder_start_token_id", c.decoderStartTokenId())
                .put("eos_token_id", c.eosTokenId()).put("pad_token_id", c.padTokenId()).put("max_length", tokens + 1)
                .put("min_length", tokens + 1).put("num_beams", beams);
        return GenerationConfig.parse(json, "the benchmark's settings");
    }

    /** Random ids above the special tokens, fixed by a seed, ending with eos. */
    private static long[] sourceIds(BartConfig c, int length) {
        SplittableRandom random = new SplittableRandom(5);
        long[] ids = new long[length];
        for (int i = 0; i < length - 1; i++) {
            ids[i] = random.nextInt(4, c.vocabSize() - 1);
        }
        ids[length - 1] = c.eosTokenId();
        return ids;
    }
}

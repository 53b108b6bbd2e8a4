package dev.perennial.bench;

import dev.perennial.UserError;
import dev.perennial.generate.GenerationConfig;
import dev.perennial.generate.Seq2SeqGeneration;
import dev.perennial.model.BlipModel;
import dev.perennial.model.PretrainedWeights;
import dev.perennial.pipeline.Task;
import dev.perennial.tensor.Tensors;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Times BLIP's generating heads at Salesforce's base shapes with random weights (written into a temporary folder from
 * the family's declared shapes): image-to-text is captions/s of BlipForConditionalGeneration (vision model, then
 * greedy decoding from [DEC] to text_config's max_length 20), visual-question-answering answers/s of
 * BlipForQuestionAnswering (vision model, text encoder over an 8-token question, greedy answer), B random images at a
 * time. Random weights rarely end a sequence early, so every item decodes the same 19 tokens; the token count is
 * reported. {@code tools/reference/blip.py --time} does the same work in PyTorch eager.
 */
public final class BlipBenchmark {

    /**
     * A run: the task, the checkpoint whose shape it has, per batch size the spread of ms per batch and its two parts
     * (the encoders' ms per batch, the decoder's ms per generated token, medians).
     */
    public record Result(String task, String checkpoint, String unit, long parameters, int threads,
                         double tokensPerItem, int warmup, int iterations, List<PipelineBenchmark.BatchResult> results,
                         List<Parts> parts, String blas, String malloc) {
    }

    /** Where a batch's time went: the vision model (and question encoder), and each decoding step. */
    public record Parts(int batch, double encodeMs, double decodeMsPerToken) {
    }

    /** [CLS] what color is the cat ? [SEP] in bert-base-uncased's vocabulary. */
    private static final long[] QUESTION = {101, 2054, 3609, 2003, 1996, 4937, 1029, 102};

    private BlipBenchmark() {
    }

    public static boolean times(String task) {
        return task.equals(Task.IMAGE_TO_TEXT.name()) || task.equals(Task.VISUAL_QUESTION_ANSWERING.name());
    }

    public static Result run(String task, List<Integer> batches, int warmup, int iterations) {
        if (!times(task)) {
            throw new UserError("task '" + task + "' is not a BLIP task 'bench pipeline' times; give image-to-text or "
                    + "visual-question-answering");
        }
        if (batches.isEmpty() || batches.stream().anyMatch(b -> b < 1) || iterations < 1 || warmup < 0) {
            throw new UserError("--batch sizes and --iterations must be at least 1 and --warmup at least 0");
        }
        boolean captions = task.equals(Task.IMAGE_TO_TEXT.name());
        Path dir = null;
        try {
            dir = Files.createTempDirectory("perennial-bench-blip-");
            Files.writeString(dir.resolve("config.json"), config(captions ? "BlipForConditionalGeneration"
                    : "BlipForQuestionAnswering"));
            PretrainedWeights.writeRandom(dir, 0);
            List<PipelineBenchmark.BatchResult> results = new ArrayList<>();
            List<Parts> parts = new ArrayList<>();
            long[] tokens = new long[2];
            BenchProgress progress = BenchProgress.console("pipeline", "batches",
                    batches.size() * (warmup + iterations));
            try (BlipModel model = BlipModel.load(dir, torch.ScalarType.Float)) {
                GenerationConfig generation = GenerationConfig.parse(model.config().generationSettings(), "config");
                Seq2SeqGeneration decoding = new Seq2SeqGeneration(model.textDecoder(), generation);
                int[] bos = {model.config().text().bosTokenId()};
                int side = model.config().vision().imageSize();
                for (int b : batches) {
                    Tensor pixels = randomPixels(b, side);
                    Tensor question = Tensors.fromLongs(repeat(QUESTION, b), b, QUESTION.length);
                    List<double[]> split = new ArrayList<>();
                    results.add(PipelineBenchmark.time(b, warmup, iterations, null, progress, () -> {
                        long start = System.nanoTime();
                        Tensor encoded = model.imageEmbeds(pixels);
                        if (!captions) {
                            encoded = model.questionEmbeds(question, null, encoded);
                        }
                        long encodedAt = System.nanoTime();
                        List<int[]> rows = decoding.generate(encoded, null, bos);
                        int steps = rows.stream().mapToInt(r -> r.length).max().orElse(0);
                        split.add(new double[] {(encodedAt - start) / 1e6,
                                (System.nanoTime() - encodedAt) / 1e6 / Math.max(1, steps)});
                        for (int[] row : rows) {
                            tokens[0] += row.length;
                            tokens[1]++;
                        }
                    }));
                    List<double[]> timed = split.subList(warmup, split.size());
                    parts.add(new Parts(b, Spread.of(timed.stream().mapToDouble(t -> t[0]).toArray()).median(),
                            Spread.of(timed.stream().mapToDouble(t -> t[1]).toArray()).median()));
                    pixels.close();
                    question.close();
                }
            }
            progress.finish();
            return new Result(task, captions ? "Salesforce/blip-image-captioning-base" : "Salesforce/blip-vqa-base",
                    captions ? "captions" : "answers", PipelineBenchmark.parameters(dir), torch.get_num_threads(),
                    tokens[0] / (double) tokens[1], warmup, iterations, List.copyOf(results), List.copyOf(parts),
                    TrainBenchmark.blasInUse(), TrainBenchmark.mallocInUse());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (dir != null) {
                PipelineBenchmark.deleteQuietly(dir);
            }
        }
    }

    private static Tensor randomPixels(int batch, int side) {
        float[] values = new float[batch * 3 * side * side];
        SplittableRandom random = new SplittableRandom(batch);
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (random.nextDouble() * 4 - 2);
        }
        return Tensors.fromFloats(values, batch, 3, side, side);
    }

    private static long[] repeat(long[] row, int times) {
        long[] out = new long[row.length * times];
        for (int i = 0; i < times; i++) {
            System.arraycopy(row, 0, out, i * row.length, row.length);
        }
        return out;
    }

    /** Salesforce/blip-*-base's config.json (the keys BlipConfig reads) with {@code architecture} as its head. */
    static String config(String architecture) {
        return """
                {"model_type": "blip", "architectures": ["%s"], "image_text_hidden_size": 256,
                 "text_config": {"vocab_size": 30524, "hidden_size": 768, "encoder_hidden_size": 768,
                  "intermediate_size": 3072, "num_hidden_layers": 12, "num_attention_heads": 12,
                  "max_position_embeddings": 512, "hidden_act": "gelu", "layer_norm_eps": 1e-12, "is_decoder": true,
                  "bos_token_id": 30522, "eos_token_id": 2, "pad_token_id": 0, "sep_token_id": 102,
                  "max_length": 20, "num_beams": 1},
                 "vision_config": {"hidden_size": 768, "intermediate_size": 3072, "num_hidden_layers": 12,
                  "num_attention_heads": 12, "image_size": 384, "patch_size": 16, "hidden_act": "gelu",
                  "layer_norm_eps": 1e-5}}""".formatted(architecture);
    }
}

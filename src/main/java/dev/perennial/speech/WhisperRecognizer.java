package dev.perennial.speech;

import dev.perennial.UserError;
import dev.perennial.audio.WhisperFeatureConfig;
import dev.perennial.audio.WhisperFeatures;
import dev.perennial.generate.BeamSearch;
import dev.perennial.model.DecoderCache;
import dev.perennial.model.WhisperModel;
import dev.perennial.tensor.DType;
import dev.perennial.tensor.Tensors;
import dev.perennial.tokenizer.HfTokenizer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Whisper speech recognition over 16 kHz windows: a model folder's WhisperForConditionalGeneration, its tokenizer,
 * its feature extractor (preprocessor_config.json) and its generation config. {@link #decode} batches windows, encodes
 * them once and decodes each as transformers' generate does (prompt, logits processors, greedy or beam search);
 * {@link #text} turns ids into text as WhisperTokenizer.decode(skip_special_tokens=True) does. Not thread-safe: one
 * decode at a time. Load and close it outside any PointerScope.
 */
public final class WhisperRecognizer implements AutoCloseable {

    /** Time spent so far, for benchmarks: features (Java), encoder and decoder (libtorch), tokens decoded. */
    public record Timings(long featureNanos, long encoderNanos, long decoderNanos, long windows, long tokens) {

        public double encoderMillis() {
            return encoderNanos / 1e6;
        }

        public double decoderMillis() {
            return decoderNanos / 1e6;
        }

        public double featureMillis() {
            return featureNanos / 1e6;
        }
    }

    private final WhisperModel model;
    private final HfTokenizer tokenizer;
    private final WhisperFeatures features;
    private final WhisperGenerationConfig generation;
    private final WhisperText text;
    private final WhisperDecoding decoding;
    private long featureNanos;
    private long encoderNanos;
    private long decoderNanos;
    private long windows;
    private long tokens;

    private WhisperRecognizer(WhisperModel model, HfTokenizer tokenizer, WhisperFeatures features,
                              WhisperGenerationConfig generation, WhisperText text) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.features = features;
        this.generation = generation;
        this.text = text;
        this.decoding = new WhisperDecoding(model);
    }

    /**
     * Loads {@code dir}: config.json and model.safetensors, generation_config.json, preprocessor_config.json,
     * tokenizer.json (and tokenizer_config.json), checked against each other (mel bins, frames, vocabulary).
     */
    public static WhisperRecognizer load(Path dir, DType dtype) {
        WhisperGenerationConfig generation = WhisperGenerationConfig.read(dir);
        WhisperFeatureConfig featureConfig = WhisperFeatureConfig.read(dir.resolve("preprocessor_config.json"));
        WhisperModel model = WhisperModel.load(dir, dtype.scalarType());
        try {
            checkAgree(dir, model, featureConfig, generation);
            HfTokenizer tokenizer = HfTokenizer.load(dir);
            return new WhisperRecognizer(model, tokenizer, new WhisperFeatures(featureConfig), generation,
                    WhisperText.of(tokenizer, dir, generation));
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    private static void checkAgree(Path dir, WhisperModel model, WhisperFeatureConfig f, WhisperGenerationConfig g) {
        var c = model.config();
        if (f.featureSize() != c.numMelBins() || f.frames() != c.frames()) {
            throw new UserError(dir.resolve("preprocessor_config.json") + ": feature_size " + f.featureSize()
                    + " and " + f.frames() + " frames (chunk_length · sampling_rate / hop_length), but config.json "
                    + "says num_mel_bins " + c.numMelBins() + " and " + c.frames() + " frames (2 · "
                    + "max_source_positions); use the model's own preprocessor_config.json");
        }
        int highest = Math.max(g.decoderStartTokenId(), Math.max(g.eosTokenId(), g.noTimestampsTokenId()));
        if (highest >= c.vocabSize()) {
            throw new UserError(dir.resolve(WhisperGenerationConfig.FILE) + ": token id " + highest + " is outside the "
                    + c.vocabSize() + "-token vocabulary of config.json; use the model's own "
                    + WhisperGenerationConfig.FILE);
        }
    }

    public WhisperModel model() {
        return model;
    }

    public WhisperGenerationConfig generation() {
        return generation;
    }

    public WhisperFeatures features() {
        return features;
    }

    /** The samples of one window: the feature extractor pads or cuts every window to this many. */
    public int windowSamples() {
        return features.config().nSamples();
    }

    /** The first timestamp token, {@code <|0.00|>}. */
    public int timestampBegin() {
        return generation.timestampBegin();
    }

    /** Seconds per timestamp step: chunk_length / max_source_positions (0.02 for every Whisper checkpoint). */
    public double timePrecision() {
        return (double) features.config().chunkLength() / model.config().maxSourcePositions();
    }

    public Timings timings() {
        return new Timings(featureNanos, encoderNanos, decoderNanos, windows, tokens);
    }

    /** One window's decoding: its prompt (the detected language in place) and the ids generated after it. */
    public record Decoded(int[] prompt, int[] ids) {
    }

    /**
     * Per window (16 kHz samples, padded or cut to the window), the generated ids after the prompt and before
     * {@code <|endoftext|>}, timestamp tokens included when {@code options} ask for them.
     */
    public List<int[]> decode(List<float[]> windows16k, DecodingOptions options) {
        return decodeWithPrompts(windows16k, options).stream().map(Decoded::ids).toList();
    }

    /** {@link #decode}, with each window's prompt as the decoder saw it. */
    public List<Decoded> decodeWithPrompts(List<float[]> windows16k, DecodingOptions options) {
        int[] prompt = WhisperPrompt.tokens(generation, options);
        int maxNew = maxNewTokens(prompt.length, options);
        WhisperLogits logits = new WhisperLogits(generation, options.timestamps());
        List<Decoded> out = new ArrayList<>(windows16k.size());
        for (int from = 0; from < windows16k.size(); from += options.batchSize()) {
            List<float[]> batch = windows16k.subList(from, Math.min(windows16k.size(), from + options.batchSize()));
            out.addAll(decodeBatch(batch, prompt, maxNew, logits, options));
        }
        return out;
    }

    /** The most new tokens the decoder has room for after the prompt of {@code options} (max_target_positions). */
    public int room(DecodingOptions options) {
        return model.config().maxTargetPositions() - WhisperPrompt.tokens(generation, options).length;
    }

    /** Text of ids: special and timestamp tokens left out, as WhisperTokenizer.decode(skip_special_tokens=True). */
    public String text(int[] ids) {
        return text.decode(ids);
    }

    private int maxNewTokens(int promptLength, DecodingOptions options) {
        int limit = model.config().maxTargetPositions() - promptLength;
        int wanted = options.maxNewTokens() > 0 ? options.maxNewTokens() : generation.maxLength() - promptLength;
        if (wanted > limit || wanted < 1) {
            throw new UserError("--max-new-tokens " + wanted + ": with a prompt of " + promptLength + " tokens "
                    + "Whisper's decoder takes at most " + limit + " new tokens (max_target_positions "
                    + model.config().maxTargetPositions() + ")");
        }
        return wanted;
    }

    private List<Decoded> decodeBatch(List<float[]> batch, int[] prompt, int maxNew, WhisperLogits logits,
                                      DecodingOptions options) {
        long t0 = System.nanoTime();
        float[] input = featuresOf(batch);
        long t1 = System.nanoTime();
        try (PointerScope scope = new PointerScope()) {
            int mels = model.config().numMelBins();
            Tensor encoded = model.encode(Tensors.fromFloats(input, batch.size(), mels, input.length
                    / batch.size() / mels));
            long t2 = System.nanoTime();
            int[][] prompts = prompts(prompt, encoded, batch.size());
            List<int[]> ids = options.numBeams() == 1
                    ? decoding.greedy(encoded, prompts, logits, generation.eosTokenId(), maxNew)
                    : decoding.beam(encoded, prompts, logits, new BeamSearch.Settings(options.numBeams(),
                    options.lengthPenalty(), options.earlyStopping(), maxNew, generation.eosTokenId()));
            long t3 = System.nanoTime();
            featureNanos += t1 - t0;
            encoderNanos += t2 - t1;
            decoderNanos += t3 - t2;
            windows += batch.size();
            tokens += ids.stream().mapToLong(row -> row.length).sum();
            List<Decoded> out = new ArrayList<>(ids.size());
            for (int r = 0; r < ids.size(); r++) {
                out.add(new Decoded(prompts[r], ids.get(r)));
            }
            return out;
        }
    }

    /** The features of the windows, [window][mel][frame] flattened, float32. */
    private float[] featuresOf(List<float[]> batch) {
        int mels = model.config().numMelBins();
        int frames = model.config().frames();
        float[] out = new float[batch.size() * mels * frames];
        for (int w = 0; w < batch.size(); w++) {
            double[][] logMel = features.extract(batch.get(w));
            for (int m = 0; m < mels; m++) {
                for (int f = 0; f < frames; f++) {
                    out[(w * mels + m) * frames + f] = (float) logMel[m][f];
                }
            }
        }
        return out;
    }

    /** The prompt per window: the language detected where it is to be (generation_whisper.py detect_language). */
    private int[][] prompts(int[] prompt, Tensor encoded, int rows) {
        int[][] out = new int[rows][];
        int at = -1;
        for (int i = 0; i < prompt.length; i++) {
            if (prompt[i] == WhisperPrompt.LANGUAGE_TO_DETECT) {
                at = i;
            }
        }
        int[] languages = at < 0 ? null : detectLanguages(encoded, rows);
        for (int r = 0; r < rows; r++) {
            out[r] = prompt.clone();
            if (languages != null) {
                out[r][at] = languages[r];
            }
        }
        return out;
    }

    /** The most probable language token of each row after {@code <|startoftranscript|>}. */
    private int[] detectLanguages(Tensor encoded, int rows) {
        int[] languageIds = generation.langToId().values().stream().mapToInt(Integer::intValue).sorted().toArray();
        try (PointerScope step = new PointerScope()) {
            DecoderCache cache = model.newCache(encoded, 1, 1);
            long[] start = new long[rows];
            Arrays.fill(start, generation.decoderStartTokenId());
            float[] flat = Tensors.toFloats(model.decode(Tensors.fromLongs(start, rows, 1), cache));
            int vocab = flat.length / rows;
            int[] out = new int[rows];
            for (int r = 0; r < rows; r++) {
                int best = languageIds[0];
                for (int id : languageIds) {
                    if (flat[r * vocab + id] > flat[r * vocab + best]) {
                        best = id;
                    }
                }
                out[r] = best;
            }
            return out;
        }
    }

    @Override
    public void close() {
        tokenizer.close();
        model.close();
    }
}

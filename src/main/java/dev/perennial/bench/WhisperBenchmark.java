package dev.perennial.bench;

import dev.perennial.speech.DecodingOptions;
import dev.perennial.speech.WhisperRecognizer;
import dev.perennial.tensor.DType;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Times Whisper speech recognition on a model folder (for the speed goal, distil-small.en's shape with random
 * weights, written by {@code tools/reference/whisper.py --write-real-shape DIR}): per round, 60 s of audio as two
 * 30 s windows, greedy, up to {@code tokens} new tokens per window, split into feature extraction, encoder and
 * decoder time. {@code tools/reference/whisper.py --bench} times the same encoder and greedy steps in PyTorch eager.
 */
public final class WhisperBenchmark {

    /**
     * One round: milliseconds per window for features and encoder, per generated token for the decoder, and the
     * real-time factor of the whole (features + encoder + decoder time / audio seconds).
     */
    public record Round(int round, double featureMsPerWindow, double encoderMsPerWindow, double decoderMsPerToken,
                        long tokens, double seconds, double realTimeFactor) {
    }

    private WhisperBenchmark() {
    }

    /**
     * {@code rounds} timed rounds after one warm-up round, each reported to {@code report} as it ends; {@code batch}
     * windows are encoded and decoded together (1: one after the other).
     */
    public static List<Round> run(Path modelDir, int tokens, int batch, int rounds, Consumer<Round> report) {
        List<Round> out = new ArrayList<>();
        try (WhisperRecognizer recognizer = WhisperRecognizer.load(modelDir, DType.F32)) {
            List<float[]> windows = audio(recognizer.windowSamples(), 2);
            DecodingOptions options = new DecodingOptions(null, null, false, 1, 1.0,
                    dev.perennial.generate.BeamSearch.EarlyStopping.FALSE, tokens, batch);
            recognizer.decode(windows.subList(0, 1), options.withMaxNewTokens(2));
            for (int r = 0; r < rounds; r++) {
                WhisperRecognizer.Timings before = recognizer.timings();
                recognizer.decode(windows, options);
                WhisperRecognizer.Timings after = recognizer.timings();
                long generated = after.tokens() - before.tokens();
                double featureMs = (after.featureNanos() - before.featureNanos()) / 1e6;
                double encoderMs = (after.encoderNanos() - before.encoderNanos()) / 1e6;
                double decoderMs = (after.decoderNanos() - before.decoderNanos()) / 1e6;
                double seconds = windows.size() * (double) recognizer.windowSamples() / 16000;
                Round round = new Round(r, featureMs / windows.size(), encoderMs / windows.size(),
                        decoderMs / Math.max(1, generated), generated, seconds,
                        (featureMs + encoderMs + decoderMs) / 1000 / seconds);
                report.accept(round);
                out.add(round);
            }
        }
        return out;
    }

    /** {@code count} windows of quiet noise under a tone, fixed by a seed. */
    private static List<float[]> audio(int samples, int count) {
        SplittableRandom random = new SplittableRandom(19);
        List<float[]> windows = new ArrayList<>();
        for (int w = 0; w < count; w++) {
            float[] x = new float[samples];
            for (int i = 0; i < samples; i++) {
                x[i] = (float) (0.3 * Math.sin(2 * Math.PI * (220 + 110 * w) * i / 16000.0)
                        + 0.05 * (random.nextDouble() - 0.5));
            }
            windows.add(x);
        }
        return windows;
    }
}

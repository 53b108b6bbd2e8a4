package dev.perennial.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.perennial.UserError;
import dev.perennial.bench.Seq2SeqBenchmark;
import dev.perennial.bench.AllReduceBenchmark;
import dev.perennial.bench.CheckpointBenchmark;
import dev.perennial.bench.DepthBenchmark;
import dev.perennial.bench.DataBenchmark;
import dev.perennial.bench.ForwardBenchmark;
import dev.perennial.bench.GenerateBenchmark;
import dev.perennial.bench.MachineLoad;
import dev.perennial.bench.MaskBenchmark;
import dev.perennial.bench.GradioBenchmark;
import dev.perennial.bench.BlipBenchmark;
import dev.perennial.bench.PipelineBenchmark;
import dev.perennial.bench.TrainBenchmark;
import dev.perennial.bench.WhisperBenchmark;
import dev.perennial.io.Json;
import dev.perennial.model.ModelFamily;
import dev.perennial.pipeline.Inputs;
import dev.perennial.tokenizer.Tokenizer;
import dev.perennial.tokenizer.Tokenizers;
import dev.perennial.train.Precision;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** {@code perennial bench}: measurements reported, never asserted. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks.",
        subcommands = {BenchCommand.Data.class, BenchCommand.Train.class, BenchCommand.Generate.class,
                BenchCommand.Checkpoint.class, BenchCommand.AllReduce.class,
                BenchCommand.Pipeline.class, BenchCommand.Gradio.class})
public final class BenchCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Says on standard error, before measuring, when other work keeps the cores busy. */
    static void warnIfBusy(CommandSpec spec) {
        MachineLoad.warning().ifPresent(spec.commandLine().getErr()::println);
    }

    /** {@code perennial bench data}: prepare and batch throughput against their yardsticks. */
    @Command(name = "data", mixinStandardHelpOptions = true,
            description = {"Prepare throughput against the tokenizer's own encode throughput (same text, same threads), "
                    + "and batch assembly (25%% replay) against a small model's training step.", ""})
    public static final class Data implements Runnable {

        @Spec
        CommandSpec spec;

        @Option(names = "--tokenizer", required = true, paramLabel = "T", description = "'byte' or a tokenizer.json.")
        String tokenizer;

        @Option(names = "--input", required = true, arity = "1..*", paramLabel = "PATH", description = "Text to use.")
        List<String> inputs;

        @Option(names = "--threads", paramLabel = "N", description = "Threads (default: all cores).")
        Integer threads;

        @Option(names = "--seq-len", defaultValue = "256", paramLabel = "T", description = "Default: ${DEFAULT-VALUE}.")
        int seqLen;

        @Option(names = "--batch", defaultValue = "16", paramLabel = "B", description = "Default: ${DEFAULT-VALUE}.")
        int batch;

        @Override
        public void run() {
            warnIfBusy(spec);
            int n = threads != null ? threads : Runtime.getRuntime().availableProcessors();
            DataBenchmark.Result r;
            try (Tokenizer tok = Tokenizers.open(tokenizer)) {
                r = DataBenchmark.run(tok, inputs, n, seqLen, batch);
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            PrintWriter out = spec.commandLine().getOut();
            out.printf("text: %,d documents, %,d tokens, %d threads%n", r.documents(), r.tokens(), r.threads());
            out.printf("tokenizer encode:  %,12.0f tokens/s%n", r.encodeTokensPerSecond());
            out.printf("prepare:           %,12.0f tokens/s  (%.0f%% of encode; goal ≥ 80%%)%n",
                    r.prepareTokensPerSecond(), 100 * r.prepareRatio());
            out.printf("batch assembly:    %,12.0f tokens/s  (%.0f× a %,.0f tokens/s training step; goal ≥ 50×)%n",
                    r.batchTokensPerSecond(), r.batchRatio(), DataBenchmark.TRAINING_TOKENS_PER_SECOND);
        }
    }

    /** The model shape flags shared by the model benchmarks. */
    static final class ShapeOptions {
        @Option(names = "--arch", defaultValue = "gpt-neox", paramLabel = "ARCH",
                description = "gpt-neox (default) or llama.")
        String arch;

        @Option(names = "--vocab", defaultValue = "4096", paramLabel = "V", description = "Default: ${DEFAULT-VALUE}.")
        int vocab;

        @Option(names = "--hidden", defaultValue = "128", paramLabel = "D", description = "Default: ${DEFAULT-VALUE}.")
        int hidden;

        @Option(names = "--layers", defaultValue = "4", paramLabel = "L", description = "Default: ${DEFAULT-VALUE}.")
        int layers;

        @Option(names = "--heads", defaultValue = "4", paramLabel = "H", description = "Default: ${DEFAULT-VALUE}.")
        int heads;

        @Option(names = "--seq", defaultValue = "128", paramLabel = "T", description = "Default: ${DEFAULT-VALUE}.")
        int seq;

        @Option(names = "--batch", defaultValue = "32", paramLabel = "B", description = "Default: ${DEFAULT-VALUE}.")
        int batch;

        TrainBenchmark.Shape shape() {
            ModelFamily family = ModelFamily.ofCommandName(arch).orElseThrow(
                    () -> new UserError("--arch " + arch + " is not one of " + ModelFamily.commandNames()));
            return new TrainBenchmark.Shape(family, vocab, hidden, layers, heads, seq, batch);
        }
    }

    /** {@code perennial bench train}: training-step speed of a fresh model on random tokens. */
    @Command(name = "train", mixinStandardHelpOptions = true,
            description = {"Time training steps (forward, backward, clipping, AdamW) of a fresh model on random tokens "
                    + "after warm-up; report tokens/s, ms per step, achieved GFLOP/s ((6·params + 12·L·d·T) per token) "
                    + "next to libtorch's raw 512³ fp32 matmul GFLOP/s, peak RSS and threads.", ""})
    public static final class Train implements Runnable {

        @Spec
        CommandSpec spec;

        @Mixin
        ShapeMixin shape;

        @Option(names = "--steps", defaultValue = "10", paramLabel = "N", description = "Timed steps (default 10).")
        int steps;

        @Option(names = "--warmup", defaultValue = "3", paramLabel = "N", description = "Untimed steps (default 3).")
        int warmup;

        @Option(names = "--precision", defaultValue = "fp32", paramLabel = "P",
                description = "fp32 (default) or bf16-mixed, as the run config's precision: key.")
        String precision;

        @Option(names = "--activation-checkpointing", description = "Recompute each layer in the backward pass "
                + "(activation_checkpointing: true): compare peak RSS and speed with a run without it.")
        boolean activationCheckpointing;

        @Option(names = "--format", defaultValue = "table", paramLabel = "FORMAT", description = "table or json.")
        ScheduleCommand.Format format;

        @Override
        public void run() {
            warnIfBusy(spec);
            try {
                TrainBenchmark.Result r = TrainBenchmark.run(shape.options.shape(),
                        Choices.parse(Precision.class, precision, "--precision"), activationCheckpointing, steps,
                        warmup);
                PrintWriter out = spec.commandLine().getOut();
                if (format == ScheduleCommand.Format.json) {
                    printJson(out, r);
                    return;
                }
                TrainBenchmark.Shape s = r.shape();
                out.printf("%s %d/%d/%d/%d seq %d batch %d, %s%s: %,d parameters, %d threads, BLAS %s, malloc %s%n",
                        s.arch().commandName(), s.vocab(), s.hidden(), s.layers(), s.heads(), s.seq(), s.batch(),
                        r.precision(), r.activationCheckpointing() ? ", activation checkpointing" : "",
                        r.parameters(), r.threads(), r.blas(), r.malloc());
                out.printf("  %,.0f tokens/s; ms/step %s%n", r.tokensPerSecond(), r.ms().text());
                out.printf("  %.1f GFLOP/s achieved, %.1f GFLOP/s raw matmul (%.0f%%); peak RSS %,d MB%n", r.gflops(),
                        r.matmulGflops(), 100 * r.gflops() / r.matmulGflops(), r.peakRssMb());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** picocli mixin wrapper for the shape options. */
    public static final class ShapeMixin {
        @ArgGroup(exclusive = false)
        ShapeOptions options = new ShapeOptions();
    }

    /** {@code perennial bench generate}: generation speed with and without the KV cache. */
    @Command(name = "generate", mixinStandardHelpOptions = true,
            description = {"Time greedy generation of a fresh model (batch 1, or --batch-size prompts together) with "
                    + "the KV cache and without it: new tokens per second over the whole generation, prompt included, "
                    + "after a warm-up.", ""})
    public static final class Generate implements Runnable {

        /** Which of the two ways to time: with the KV cache (true), without it (false), or both. */
        enum CacheMode {
            with(true), without(false), both(true, false);

            final List<Boolean> kvCache;

            CacheMode(Boolean... kvCache) {
                this.kvCache = List.of(kvCache);
            }
        }

        @Spec
        CommandSpec spec;

        @Mixin
        ShapeMixin shape;

        @Option(names = "--prompt-tokens", defaultValue = "16", paramLabel = "N", description = "Default: ${DEFAULT-VALUE}.")
        int promptTokens;

        @Option(names = "--new-tokens", defaultValue = "64", paramLabel = "N", description = "Default: ${DEFAULT-VALUE}.")
        int newTokens;

        @Option(names = "--cache", defaultValue = "both", paramLabel = "MODE",
                description = "with, without or both (default) KV cache.")
        CacheMode cacheMode;

        @Option(names = "--batch-size", defaultValue = "1", paramLabel = "B",
                description = "Prompts generated together (default 1); above 1 always with the KV cache, counting "
                        + "the new tokens of all of them.")
        int batchSize;

        @Option(names = "--repeats", defaultValue = "3", paramLabel = "N",
                description = "Timed generations per KV cache mode (default: ${DEFAULT-VALUE}).")
        int repeats;

        @Option(names = "--format", defaultValue = "table", paramLabel = "FORMAT", description = "table or json.")
        ScheduleCommand.Format format;

        @Override
        public void run() {
            if (batchSize < 1) {
                throw new UserError("--batch-size " + batchSize + " must be 1 or more");
            }
            if (batchSize > 1 && cacheMode == CacheMode.without) {
                throw new UserError("--batch-size above 1 generates with the KV cache; leave out --cache without");
            }
            if (repeats < 1) {
                throw new UserError("--repeats " + repeats + " must be at least 1");
            }
            warnIfBusy(spec);
            TrainBenchmark.Shape s = shape.options.shape();
            PrintWriter out = spec.commandLine().getOut();
            List<GenerateBenchmark.Result> results =
                    GenerateBenchmark.run(s, promptTokens, newTokens, cacheMode.kvCache, repeats, batchSize);
            if (format == ScheduleCommand.Format.json) {
                printJson(out, results.size() == 1 ? results.getFirst() : results);
                return;
            }
            for (GenerateBenchmark.Result r : results) {
                out.printf("%s %d/%d/%d/%d, %,d parameters, batch %d, %s KV cache: %,.1f tokens/s (%d tokens "
                                + "after %d-token prompts); ms/generation %s%n", s.arch().commandName(), s.vocab(),
                        s.hidden(), s.layers(), s.heads(), r.parameters(), r.batchSize(),
                        r.kvCache() ? "with" : "without", r.tokensPerSecond(), r.newTokens(), promptTokens,
                        r.ms().text());
            }
        }
    }

    /** {@code perennial bench pipeline}: the pipelines' encoders at real checkpoint shapes with random weights. */
    @Command(name = "pipeline", mixinStandardHelpOptions = true,
            description = {"Time a pipeline task's model work at a real checkpoint's shape with random weights (no "
                    + "download): feature-extraction (sentences/s: BERT forward, mean pooling, normalisation of "
                    + "random ids) or zero-shot-image-classification / image-feature-extraction (images/s: CLIP's "
                    + "image tower and projection), after warm-up; for images also the preprocessing of a 640×480 "
                    + "JPEG and its share of the time per image. automatic-speech-recognition times Whisper on a model "
                    + "folder (--model; for distil-small.en's shape with random weights write one with "
                    + "tools/reference/whisper.py --write-real-shape DIR): 60 s of audio as two 30 s windows, greedy, "
                    + "features, encoder and decoder apart, and the real-time factor. mask-generation times SAM on a "
                    + "model folder (--model; tools/reference/sam.py --real DIR writes SlimSAM-uniform-77's shape with "
                    + "random weights): the image embedding and a point prompt (images/s, prompts/s), and the "
                    + "pipeline's first click on an image against the next clicks, which reuse its embedding. "
                    + "depth-estimation times the depth-estimation pipeline on a DPT folder (--model; for Intel/dpt-hybrid-midas's shape with "
                    + "random weights write one with tools/reference/dpt.py --real DIR) on --image (default: a "
                    + "640×480 JPEG), images/s. summarization and translation "
                    + "time generation on a BART or NLLB folder (--model; tools/reference/bart.py or m2m100.py "
                    + "--write-real-shape DIR): one input of --seq random ids, exactly --tokens new tokens per "
                    + "--beams setting (1: greedy), tokens/s. image-to-text and "
                    + "visual-question-answering time BLIP at Salesforce's base shapes with random weights: captions/s "
                    + "or answers/s of greedy decoding to max_length 20, --batch images at a time. text-to-speech "
                    + "times a VITS folder's synthesis of --text (tools/reference/vits.py --random-checkpoint vits-ljs "
                    + "DIR) and object-detection a DETR folder's forward on random pixels of --size "
                    + "(tools/reference/detr.py --real DIR), each round's wall and process CPU time.", ""})
    public static final class Pipeline implements Runnable {

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "TASK",
                description = "feature-extraction, zero-shot-image-classification, image-feature-extraction, "
                        + "automatic-speech-recognition, mask-generation, depth-estimation, summarization, "
                        + "translation, image-to-text, visual-question-answering, text-to-speech or object-detection.")
        String task;

        @Option(names = "--model", paramLabel = "DIR", description = "automatic-speech-recognition, mask-generation, "
                + "depth-estimation, summarization, translation, text-to-speech, object-detection: the Whisper, SAM, "
                + "DPT, BART, NLLB, VITS or DETR model folder to time.")
        Path model;

        @Option(names = "--text", defaultValue = SPEECH_TEXT, paramLabel = "T",
                description = "text-to-speech: the text (default: \"${DEFAULT-VALUE}\").")
        String text;

        @Option(names = "--size", defaultValue = "800x1066", paramLabel = "HxW", description = "object-detection: "
                + "the pixels' height and width (default: ${DEFAULT-VALUE}, what DetrImageProcessor makes of a 640×480 "
                + "image).")
        String size;

        @Option(names = "--threads", paramLabel = "N", description = "libtorch's threads (default: libtorch's, "
                + "one per core).")
        Integer threads;

        @Option(names = "--prompts", defaultValue = "10", paramLabel = "N", description = "mask-generation: point "
                + "prompts (clicks) per image (default: ${DEFAULT-VALUE}).")
        int prompts;

        @Option(names = "--automatic", description = "mask-generation: time automatic mask generation (a grid of "
                + "--points-per-crop² clicks, transformers' defaults) instead of clicks.")
        boolean automatic;

        @Mixin
        MaskGridOptions maskGrid;

        @Option(names = "--image", paramLabel = "FILE", description = "depth-estimation: the image (default: a "
                + "synthetic 640×480 JPEG).")
        Path image;

        @Option(names = "--tokens", defaultValue = "32", paramLabel = "N", description = "automatic-speech-"
                + "recognition: tokens generated per window; summarization, translation: per input (default: "
                + "${DEFAULT-VALUE}).")
        int tokens;

        @Option(names = "--beams", defaultValue = "1,4", split = ",", paramLabel = "N", description = "summarization, "
                + "translation: beam counts to time, 1 being greedy (default: ${DEFAULT-VALUE}).")
        List<Integer> beams;

        @Option(names = "--model-shape", paramLabel = "SHAPE",
                description = "minilm-l6 (all-MiniLM-L6-v2), clip-b32 (clip-vit-base-patch32) or clip-l14 "
                        + "(clip-vit-large-patch14).")
        String modelShape;

        @Option(names = "--batch", defaultValue = "1,32", split = ",", paramLabel = "B",
                description = "Batch sizes (default: ${DEFAULT-VALUE}).")
        List<Integer> batches;

        @Option(names = "--seq", defaultValue = "32", paramLabel = "T",
                description = "Tokens per sentence (default: ${DEFAULT-VALUE}).")
        int seq;

        @Option(names = "--iterations", defaultValue = "10", paramLabel = "N",
                description = "Timed batches per batch size (default: ${DEFAULT-VALUE}).")
        int iterations;

        @Option(names = "--warmup", defaultValue = "2", paramLabel = "N",
                description = "Untimed batches first (default: ${DEFAULT-VALUE}).")
        int warmup;

        @Option(names = "--format", defaultValue = "table", paramLabel = "FORMAT", description = "table or json.")
        ScheduleCommand.Format format;

        /** BLIP's captions or answers at each --batch, random weights at the base shapes. */
        private void blip() {
            BlipBenchmark.Result r = BlipBenchmark.run(task, batches, warmup, iterations);
            PrintWriter out = spec.commandLine().getOut();
            if (format == ScheduleCommand.Format.json) {
                printJson(out, r);
                return;
            }
            out.printf(Locale.ROOT, "%s, %s's shape: %,d parameters, random weights, greedy, %.1f tokens per %s, %d "
                            + "threads, BLAS %s, malloc %s%n", r.task(), r.checkpoint(), r.parameters(),
                    r.tokensPerItem(), r.unit().substring(0, r.unit().length() - 1), r.threads(), r.blas(), r.malloc());
            for (int i = 0; i < r.results().size(); i++) {
                PipelineBenchmark.BatchResult b = r.results().get(i);
                BlipBenchmark.Parts parts = r.parts().get(i);
                out.printf(Locale.ROOT, "  batch %3d: %,8.3f %s/s; ms/batch %s; encoders %.0f ms, decoder %.1f ms/token%n",
                        b.batch(), b.itemsPerSecond(), r.unit(), b.ms().text(), parts.encodeMs(),
                        parts.decodeMsPerToken());
            }
        }

        /** Whisper over 60 s of audio at each --batch (windows decoded together), --iterations timed rounds. */
        private void speech() {
            if (model == null) {
                throw new UserError("bench pipeline automatic-speech-recognition needs --model DIR, a Whisper model "
                        + "folder (tools/reference/whisper.py --write-real-shape DIR writes distil-small.en's shape "
                        + "with random weights)");
            }
            PrintWriter out = spec.commandLine().getOut();
            boolean json = format == ScheduleCommand.Format.json;
            if (!json) {
                out.printf(Locale.ROOT, "automatic-speech-recognition, %s: 60 s as two 30 s windows, greedy, up to %d "
                        + "tokens per window%n", model, tokens);
            }
            for (int batch : batches) {
                int windows = Math.min(batch, 2);
                WhisperBenchmark.run(model, tokens, windows, iterations, round -> {
                    if (json) {
                        printJson(out, new SpeechRound(windows, round));
                    } else {
                        out.printf(Locale.ROOT, "  %d window(s) at once, round %d: features %.0f ms/window, encoder "
                                        + "%.0f ms/window, decoder %.1f ms/token (%d tokens), real-time factor %.3f%n",
                                windows, round.round(), round.featureMsPerWindow(), round.encoderMsPerWindow(),
                                round.decoderMsPerToken(), round.tokens(), round.realTimeFactor());
                    }
                    out.flush();
                });
            }
        }

        /** text-to-speech or object-detection: --warmup untimed and --iterations timed rounds, each printed. */
        private void forward() {
            boolean speech = task.equals(dev.perennial.pipeline.Task.TEXT_TO_SPEECH.name());
            if (model == null) {
                throw new UserError("bench pipeline " + task + " needs --model DIR, a " + (speech
                        ? "VITS model folder (tools/reference/vits.py --random-checkpoint vits-ljs DIR"
                        : "DETR model folder (tools/reference/detr.py --real DIR") + " writes one at the real "
                        + "checkpoint's shape with random weights)");
            }
            String[] hw = size.split("x");
            if (!speech && (hw.length != 2 || !hw[0].matches("[1-9][0-9]{0,4}") || !hw[1].matches("[1-9][0-9]{0,4}"))) {
                throw new UserError("--size " + size + " is not HEIGHTxWIDTH in pixels; write e.g. 800x1066");
            }
            PrintWriter out = spec.commandLine().getOut();
            boolean json = format == ScheduleCommand.Format.json;
            if (!json) {
                out.printf(Locale.ROOT, "%s, %s, %d threads: %s%n", task, model,
                        ForwardBenchmark.libtorchThreads(null), speech ? "\"" + text + "\"" : size + " pixels");
            }
            java.util.function.Consumer<ForwardBenchmark.Round> report = round -> {
                if (json) {
                    printJson(out, round);
                } else {
                    out.printf(Locale.ROOT, "  %s %d: wall %.0f ms, CPU %.0f ms%s%n", round.warmup() ? "warm-up"
                                    : "round", round.round(), round.wallMs(), round.cpuMs(),
                            round.audioSeconds() == null ? "" : String.format(Locale.ROOT,
                                    ", %.2f s of audio, real-time factor %.2f", round.audioSeconds(),
                                    round.realTimeFactor()));
                }
                out.flush();
            };
            if (speech) {
                ForwardBenchmark.speech(model, text, warmup, iterations, report);
            } else {
                ForwardBenchmark.detection(model, Integer.parseInt(hw[0]), Integer.parseInt(hw[1]), warmup,
                        iterations, report);
            }
        }

        /** SAM: the model's embedding and prompt times, and the pipeline's first and next clicks, per round. */
        private void masks() {
            if (model == null) {
                throw new UserError("bench pipeline mask-generation needs --model DIR, a SAM model folder "
                        + "(tools/reference/sam.py --real DIR writes SlimSAM-uniform-77's shape with random weights)");
            }
            if (prompts < 1 || iterations < 1) {
                throw new UserError("--prompts and --iterations must be at least 1");
            }
            PrintWriter out = spec.commandLine().getOut();
            boolean json = format == ScheduleCommand.Format.json;
            if (automatic) {
                automaticMasks(out, json);
                return;
            }
            if (!json) {
                out.printf(Locale.ROOT, "mask-generation, %s: %d point prompts per image%n", model, prompts);
            }
            MaskBenchmark.run(model, prompts, iterations, round -> {
                if (json) {
                    printJson(out, round);
                } else {
                    out.printf(Locale.ROOT, "  round %d: embedding %.0f ms (%.2f images/s), prompt %.1f ms (%.1f "
                                    + "prompts/s); pipeline: first click %.0f ms, next clicks %.1f ms (%.1f%% of the "
                                    + "first), %d threads%n", round.round(), round.embeddingMs(), round.imagesPerSecond(),
                            round.promptMs(), round.promptsPerSecond(), round.firstClickMs(), round.nextClickMs(),
                            100 * round.nextOverFirst(), round.threads());
                }
                out.flush();
            });
        }

        /** SAM's automatic mask generation on a 640×480 photo: the whole call and the grid alone, per round. */
        private void automaticMasks(PrintWriter out, boolean json) {
            Inputs.MaskGrid grid = maskGrid.grid();
            if (!json) {
                out.printf(Locale.ROOT, "mask-generation, %s: automatic, %d×%d grid, %d clicks per batch%n", model,
                        grid.pointsPerCrop(), grid.pointsPerCrop(), grid.pointsPerBatch());
            }
            MaskBenchmark.runAutomatic(model, grid, iterations, round -> {
                if (json) {
                    printJson(out, round);
                } else {
                    out.printf(Locale.ROOT, "  round %d: image %.0f ms (%.3f images/s; embedding and grid), grid alone "
                                    + "%.0f ms, %d clicks, %d masks kept, %d threads%n", round.round(), round.imageMs(),
                            round.imagesPerSecond(), round.gridMs(), round.clicks(), round.masks(), round.threads());
                }
                out.flush();
            });
        }

        /** Generation on a BART or NLLB folder: --iterations timed rounds per --beams setting. */
        private void seq2seq() {
            if (model == null) {
                throw new UserError("bench pipeline " + task + " needs --model DIR, a BART or NLLB model folder "
                        + "(tools/reference/bart.py or m2m100.py --write-real-shape DIR writes bart-large-cnn's or "
                        + "nllb-200-distilled-600M's shape with random weights)");
            }
            PrintWriter out = spec.commandLine().getOut();
            boolean json = format == ScheduleCommand.Format.json;
            if (!json) {
                out.printf(Locale.ROOT, "%s, %s: %d source tokens, %d new tokens per round, float32%n", task, model,
                        seq, tokens);
            }
            Seq2SeqBenchmark.run(model, seq, tokens, beams, iterations, round -> {
                if (json) {
                    printJson(out, round);
                } else {
                    out.printf(Locale.ROOT, "  %s (%d beam%s), round %d: %.1f tokens/s (%d tokens in %.2f s)%n",
                            round.search(), round.beams(), round.beams() == 1 ? "" : "s", round.round(),
                            round.tokensPerSecond(), round.tokens(), round.seconds());
                }
                out.flush();
            });
        }

        /** The depth-estimation pipeline, image by image: --warmup untimed, --iterations timed. */
        private void depth() {
            if (model == null) {
                throw new UserError("bench pipeline depth-estimation needs --model DIR, a DPT model folder "
                        + "(tools/reference/dpt.py --real DIR writes Intel/dpt-hybrid-midas's shape with random weights)");
            }
            if (iterations < 1 || warmup < 0) {
                throw new UserError("--iterations must be at least 1 and --warmup at least 0");
            }
            PrintWriter out = spec.commandLine().getOut();
            boolean json = format == ScheduleCommand.Format.json;
            DepthBenchmark.Result r = DepthBenchmark.run(model, image, warmup, iterations, ms -> {
                if (!json) {
                    out.printf(Locale.ROOT, "  image: %.1f ms%n", ms);
                    out.flush();
                }
            });
            if (json) {
                printJson(out, r);
            } else {
                out.printf(Locale.ROOT, "depth-estimation, %s, a %d×%d image: %.2f images/s; ms/image %s%n", r.model(),
                        r.width(), r.height(), r.imagesPerSecond(), r.ms().text());
            }
            out.flush();
        }

        @Override
        public void run() {
            warnIfBusy(spec);
            if (threads != null) {
                if (threads < 1) {
                    throw new UserError("--threads " + threads + " must be at least 1");
                }
                ForwardBenchmark.libtorchThreads(threads);
            }
            if (task.equals(dev.perennial.pipeline.Task.AUTOMATIC_SPEECH_RECOGNITION.name())) {
                speech();
                return;
            }
            if (task.equals(dev.perennial.pipeline.Task.TEXT_TO_SPEECH.name())
                    || task.equals(dev.perennial.pipeline.Task.OBJECT_DETECTION.name())) {
                forward();
                return;
            }
            if (task.equals(dev.perennial.pipeline.Task.MASK_GENERATION.name())) {
                masks();
                return;
            }
            if (task.equals(dev.perennial.pipeline.Task.DEPTH_ESTIMATION.name())) {
                depth();
                return;
            }
            if (task.equals(dev.perennial.pipeline.Task.SUMMARIZATION.name())
                    || task.equals(dev.perennial.pipeline.Task.TRANSLATION.name())) {
                seq2seq();
                return;
            }
            if (BlipBenchmark.times(task)) {
                blip();
                return;
            }
            if (modelShape == null) {
                throw new UserError("--model-shape is missing; give minilm-l6, clip-b32 or clip-l14");
            }
            PipelineBenchmark.BenchTask t = PipelineBenchmark.BenchTask.of(task);
            PipelineBenchmark.ModelShape shape = PipelineBenchmark.ModelShape.of(modelShape);
            PipelineBenchmark.Result r = PipelineBenchmark.run(t, shape, batches, seq, warmup, iterations);
            PrintWriter out = spec.commandLine().getOut();
            if (format == ScheduleCommand.Format.json) {
                printJson(out, r);
                return;
            }
            out.printf(Locale.ROOT, "%s, %s (%s)%s: %,d parameters, random weights, %d threads, BLAS %s, malloc %s%n",
                    r.task(), r.modelShape(), r.checkpoint(), r.seq() == null ? "" : ", " + r.seq() + " tokens",
                    r.parameters(), r.threads(), r.blas(), r.malloc());
            for (PipelineBenchmark.BatchResult b : r.results()) {
                out.printf(Locale.ROOT, "  batch %3d: %,10.1f %s/s; ms/batch %s%s%n",
                        b.batch(), b.itemsPerSecond(), r.unit(), b.ms().text(),
                        b.preprocessShare() == null ? "" : String.format(Locale.ROOT,
                                "; preprocessing %.0f%% of the time per image (goal ≤ 10%%)",
                                100 * b.preprocessShare()));
            }
            if (r.preprocessMsPerImage() != null) {
                out.printf(Locale.ROOT, "  preprocessing a 640×480 JPEG: %.2f ms/image (decode %.2f, CLIP pixel values "
                        + "%.2f)%n", r.preprocessMsPerImage(), r.decodeMsPerImage(), r.pixelValuesMsPerImage());
            }
        }
    }

    /** bench pipeline text-to-speech's default text: two sentences, about 3 s of audio at vits-ljs's shape. */
    static final String SPEECH_TEXT = "The quick brown fox jumps over the lazy dog. It was a bright cold day in April.";

    /** One timed round of Whisper at a batch size, as {@code --format json} prints it. */
    record SpeechRound(int batch, @com.fasterxml.jackson.annotation.JsonUnwrapped WhisperBenchmark.Round round) {
    }

    /** {@code perennial bench checkpoint}: how long saving and loading a checkpoint takes, and its size. */
    @Command(name = "checkpoint", mixinStandardHelpOptions = true,
            description = {"Time writing and reading a checkpoint (model folder + AdamW state) of a fresh model after "
                    + "one step, and report its size.", ""})
    public static final class Checkpoint implements Runnable {

        @Spec
        CommandSpec spec;

        @Mixin
        ShapeMixin shape;

        @Option(names = "--repeats", defaultValue = "3", paramLabel = "N",
                description = "Saves and loads to time (default: ${DEFAULT-VALUE}).")
        int repeats;

        @Override
        public void run() {
            warnIfBusy(spec);
            if (repeats < 1) {
                throw new UserError("--repeats " + repeats + " must be at least 1");
            }
            try {
                CheckpointBenchmark.Result r = CheckpointBenchmark.run(shape.options.shape(), repeats);
                PrintWriter out = spec.commandLine().getOut();
                out.printf(Locale.ROOT, "%,d parameters, %,d MB on disk; seconds:%n", r.parameters(),
                        r.bytes() / 1_000_000);
                out.printf(Locale.ROOT, "  save weights    %s%n", r.saveSeconds().text());
                out.printf(Locale.ROOT, "  save optimizer  %s%n", r.optimizerSaveSeconds().text());
                out.printf(Locale.ROOT, "  load weights    %s%n", r.loadSeconds().text());
                out.printf(Locale.ROOT, "  load optimizer  %s%n", r.optimizerLoadSeconds().text());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** {@code perennial bench allreduce}: c10d Gloo all-reduce time, to run under {@code perennial launch}. */
    @Command(name = "allreduce", mixinStandardHelpOptions = true, description = {"Time the all-reduce of a gradient "
            + "bucket of N fp32 values across the workers started by 'perennial launch'.", ""})
    public static final class AllReduce implements Runnable {
        @Spec
        CommandSpec spec;

        @Option(names = "--elements", defaultValue = "162322944", paramLabel = "N",
                description = "Values per bucket (default: the 160M-shaped model's parameter count).")
        long elements;

        @Option(names = "--repeats", defaultValue = "3", paramLabel = "N")
        int repeats;

        @Override
        public void run() {
            warnIfBusy(spec);
            AllReduceBenchmark.Result r = AllReduceBenchmark.run(elements, repeats);
            spec.commandLine().getOut().printf(Locale.ROOT, "rank %d of %d: all-reduce of %,d fp32 values "
                    + "(%,.0f MB) in %.2f s (best); ms %s%n", r.rank(), r.worldSize(), r.elements(),
                    r.elements() * 4 / 1e6, r.ms().min() / 1000, r.ms().text());
        }
    }

    @Command(name = "gradio", mixinStandardHelpOptions = true,
            description = {"Time what the Gradio API adds to a pipeline call: feature-extraction of one sentence "
                    + "in-process and through a served Gradio app as its clients call it (queue/join, then the "
                    + "session's event stream), one at a time (median and p99 latency), then with several clients at "
                    + "once (requests/s).", ""})
    public static final class Gradio implements Runnable {

        @Spec
        CommandSpec spec;

        @Option(names = "--model", required = true, paramLabel = "DIR",
                description = "A text encoder's model folder, e.g. src/test/resources/reference/minilm.")
        Path model;

        @Option(names = "--requests", defaultValue = "200", paramLabel = "N",
                description = "Timed requests each way (default: ${DEFAULT-VALUE}).")
        int requests;

        @Option(names = "--clients", defaultValue = "8", paramLabel = "N",
                description = "Concurrent clients for the rate (default: ${DEFAULT-VALUE}).")
        int clients;

        @Option(names = "--warmup", defaultValue = "20", paramLabel = "N",
                description = "Untimed requests first (default: ${DEFAULT-VALUE}).")
        int warmup;

        @Option(names = "--format", defaultValue = "table", paramLabel = "FORMAT", description = "table or json.")
        ScheduleCommand.Format format;

        @Override
        public void run() {
            if (requests < 1 || clients < 1 || warmup < 0) {
                throw new UserError("--requests and --clients must be at least 1, --warmup 0 or more");
            }
            warnIfBusy(spec);
            GradioBenchmark.Result r = GradioBenchmark.run(model, requests, clients, warmup);
            PrintWriter out = spec.commandLine().getOut();
            if (format == ScheduleCommand.Format.json) {
                printJson(out, r);
                return;
            }
            out.printf(Locale.ROOT, "feature-extraction with %s, %d requests each way:%n", r.model(), r.requests());
            out.printf(Locale.ROOT, "  direct pipeline call: %.2f ms median, %.2f ms p99%n", r.directMsMedian(),
                    r.directMsP99());
            out.printf(Locale.ROOT, "  through the Gradio API: %.2f ms median, %.2f ms p99 (%.2f ms more at the "
                    + "median)%n", r.gradioMsMedian(), r.gradioMsP99(), r.overheadMsMedian());
            out.printf(Locale.ROOT, "  %d concurrent clients: %.1f requests/s%n", r.clients(),
                    r.concurrentRequestsPerSecond());
        }
    }

    /** One line of JSON: a result record (or records) of a benchmark or a pipeline. */
    static void printJson(PrintWriter out, Object result) {
        try {
            out.println(Json.LINE.writeValueAsString(result));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a result did not serialise", e);
        }
    }
}

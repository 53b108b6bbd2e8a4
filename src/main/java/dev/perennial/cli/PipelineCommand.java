package dev.perennial.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.perennial.UserError;
import dev.perennial.audio.Audio;
import dev.perennial.audio.WavWriter;
import dev.perennial.audio.Waveform;
import dev.perennial.image.BoxPicture;
import dev.perennial.image.DepthPicture;
import dev.perennial.image.ImageFiles;
import dev.perennial.image.MaskPicture;
import dev.perennial.image.RgbImage;
import dev.perennial.io.AtomicFiles;
import dev.perennial.io.Json;
import dev.perennial.io.Npy;
import dev.perennial.pipeline.Chain;
import dev.perennial.pipeline.Inputs;
import dev.perennial.pipeline.Outputs;
import dev.perennial.pipeline.Pipeline;
import dev.perennial.pipeline.PipelineOptions;
import dev.perennial.pipeline.Requests;
import dev.perennial.pipeline.Task;
import dev.perennial.speech.Segment;
import dev.perennial.speech.TranscriptFormat;
import dev.perennial.speech.Transcription;
import dev.perennial.tensor.DType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** {@code perennial pipeline}: run a task (a Hub pipeline_tag) with an open model. */
@Command(name = "pipeline", mixinStandardHelpOptions = true,
        description = {"Run a task with an open model, as transformers' pipeline(task, model) does: sentence "
                + "embeddings and similarity (BERT-style encoders), zero-shot image classification and image search "
                + "(CLIP), zero-shot audio classification (CLAP), text-to-speech (VITS), speech recognition (Whisper), summarization (BART), object detection (DETR), mask generation (SAM), depth estimation (DPT), translation (NLLB), chat (conversational, Blenderbot), image captioning, visual question answering and image-text matching (BLIP). Inputs come from flags or from a JSONL file (one result line per input, in order).", ""},
        footer = {"", "Examples:",
                "  perennial pipeline --list",
                "  perennial pipeline sentence-similarity --model sentence-transformers/all-MiniLM-L6-v2 "
                        + "--source 'A cat sits' --text 'A kitten rests' --text 'Stock prices fell'",
                "  perennial pipeline zero-shot-image-classification --model openai/clip-vit-base-patch32 "
                        + "--image cat.jpg --labels cat,dog,car",
                "  perennial pipeline zero-shot-audio-classification --model laion/clap-htsat-unfused "
                        + "--audio bark.wav --labels 'a dog barking,rain,a car engine'",
                "  perennial pipeline automatic-speech-recognition --model distil-whisper/distil-small.en "
                        + "--audio talk.mp3 --timestamps --out talk.srt",
                "  perennial pipeline image-search --model openai/clip-vit-base-patch32 --images photos/ "
                        + "--query 'a red car' --top 3",
                "  perennial pipeline feature-extraction --model DIR --input texts.jsonl > vectors.jsonl",
                "  perennial pipeline summarization --model facebook/bart-large-cnn --text \"$(cat article.txt)\"",
                "  perennial pipeline translation --model facebook/nllb-200-distilled-600M --src-lang eng_Latn "
                        + "--tgt-lang fra_Latn --text 'The cat sleeps.'",
                "  perennial pipeline conversational --model facebook/blenderbot-400M-distill --text 'Hello, how "
                        + "are you?' --text 'I am fine.' --text 'What do you like to do?'",
                "  perennial pipeline text-to-speech --model facebook/mms-tts-eng --text 'Hello there.' --out hi.wav",
                "  perennial pipeline mask-generation --model Zigeng/SlimSAM-uniform-77 --image kids.jpg "
                        + "--points 640,380 --points 200,100,0 --out masks.png",
                "  perennial pipeline mask-generation --model Zigeng/SlimSAM-uniform-77 --image kids.jpg --out all.png"
                        + "   (automatic: the masks of the whole image)",
                "  perennial pipeline image-to-text --model Salesforce/blip-image-captioning-base --image cat.jpg "
                        + "[--prompt 'a picture of']",
                "  perennial pipeline visual-question-answering --model Salesforce/blip-vqa-base --image cat.jpg "
                        + "--question 'what color is the cat?'",
                "  perennial pipeline image-text-matching --model Salesforce/blip-itm-base-coco --image cat.jpg "
                        + "--text 'a cat on a sofa'",
                "  perennial pipeline chain zero-shot-image-classification text-to-speech --model "
                        + "openai/clip-vit-base-patch32 --speech-model facebook/mms-tts-eng --image cat.jpg "
                        + "--labels cat,dog --out said.wav"})
public final class PipelineCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "TASK", description = "The task (see --list).")
    String taskName;

    @Parameters(index = "1..2", arity = "0..2", paramLabel = "CHAIN", description = "With TASK chain: the first "
            + "task and text-to-speech.")
    List<String> chainTasks = new ArrayList<>();

    @Option(names = "--speech-model", paramLabel = "MODEL", description = "chain: the text-to-speech model.")
    String speechModel;

    @Option(names = "--describe", paramLabel = "T", description = "chain: the sentence read aloud, with {label} (the "
            + "best label), {labels} (all) and {score} (percent); default \"" + Chain.DEFAULT_TEMPLATE + "\".")
    String describe;

    @Option(names = "--list", description = "List the tasks and the model types that run them.")
    boolean list;

    @Option(names = "--model", paramLabel = "MODEL",
            description = "A model folder, or ORG/NAME[@REVISION] from the Hugging Face cache (downloaded when online).")
    String model;

    @Option(names = "--text", paramLabel = "TEXT", description = "A text (repeatable): to embed, to summarize, to "
            + "translate, to compare with --source, or (conversational) the turns of a conversation, the user's first, alternating "
            + "with the assistant's, or to match with --image.")
    List<String> texts = new ArrayList<>();

    @Option(names = "--src-lang", paramLabel = "CODE", description = "translation: the language of the --text "
            + "texts, as the model names it (NLLB: a FLORES-200 code such as eng_Latn).")
    String srcLang;

    @Option(names = "--tgt-lang", paramLabel = "CODE", description = "translation: the language to translate into "
            + "(NLLB: fra_Latn, deu_Latn, …).")
    String tgtLang;

    @Option(names = "--source", paramLabel = "TEXT", description = "sentence-similarity: the sentence the --text "
            + "sentences are compared with.")
    String source;

    @Option(names = "--image", paramLabel = "FILE", description = "An image file (PNG, JPEG, GIF, WebP, BMP).")
    Path image;

    @Option(names = "--audio", paramLabel = "FILE", description = "An audio file (WAV; FLAC, MP3, OGG, WebM "
            + "through ffmpeg).")
    Path audio;

    @Option(names = "--prompt", paramLabel = "TEXT", description = "image-to-text: the start the caption continues.")
    String prompt;

    @Option(names = "--question", paramLabel = "TEXT", description = "visual-question-answering: the question "
            + "about the --image.")
    String question;

    @Option(names = "--labels", split = ",", paramLabel = "A,B,…", description = "Candidate labels.")
    List<String> labels = new ArrayList<>();

    @Option(names = "--template", paramLabel = "T", description = "Hypothesis template with {} for the label "
            + "(default: \"" + Inputs.LabelledImage.DEFAULT_TEMPLATE + "\" for images, \""
            + Inputs.LabelledAudio.DEFAULT_TEMPLATE + "\" for audio).")
    String template;

    @Option(names = "--images", paramLabel = "DIR", description = "image-search: the folder of images (indexed "
            + "once into DIR/.perennial-index/, refreshed when files change).")
    Path images;

    @Option(names = "--query", paramLabel = "TEXT", description = "image-search: the text to rank the images for.")
    String query;

    @Option(names = "--top", defaultValue = "5", paramLabel = "K", description = "image-search: how many images "
            + "(default ${DEFAULT-VALUE}).")
    int top;

    @Option(names = "--input", paramLabel = "FILE.jsonl", description = "Many inputs, one JSON object per line "
            + "with the task's fields (README.md, \"Pipelines\"); image and audio paths are relative to the file's "
            + "folder.")
    Path input;

    @Option(names = "--format", paramLabel = "F", description = "text or json (one JSON line per input). "
            + "Default: json with --input, text otherwise.")
    String format;

    @Option(names = "--out", paramLabel = "FILE", description = "text-to-speech: the WAV file to write (16-bit "
            + "PCM, mono, at the model's sampling rate). automatic-speech-recognition: the transcript, in the format "
            + "of its extension (.srt, .vtt, .txt, or .json for the pipeline's JSON). object-detection: a PNG of the "
            + "image with the labelled boxes. mask-generation: a PNG of the image with the masks laid over it. "
            + "depth-estimation: the depth as an 8-bit grey PNG.")
    Path out;

    @Option(names = "--threshold", defaultValue = "0.5", paramLabel = "T", description = "object-detection: the "
            + "score a detection must pass (default ${DEFAULT-VALUE}, as transformers' pipeline).")
    double threshold;

    @Option(names = "--points", paramLabel = "X,Y[,L]", description = "mask-generation: a click in pixels of the "
            + "image (repeatable; all clicks prompt one object), L 1 on the object (default) or 0 on the background.")
    List<String> points = new ArrayList<>();

    @Option(names = "--box", paramLabel = "X0,Y0,X1,Y1", description = "mask-generation: a box around the object.")
    String box;

    @Option(names = "--single-mask", description = "mask-generation: SAM's single mask instead of its three.")
    boolean singleMask;

    @Option(names = "--mask-input", paramLabel = "FILE.npy", description = "mask-generation with --points or --box: "
            + "a previous prediction's low-resolution mask logits (256×256 for SAM, float32 or float64, any leading "
            + "dimensions of 1), given back to refine it, as transformers' input_masks; --save-mask-input writes one.")
    Path maskInput;

    @Option(names = "--save-mask-input", paramLabel = "FILE.npy", description = "mask-generation with --points or "
            + "--box: the highest-scoring mask's low-resolution logits [1, 1, 256, 256], for a later --mask-input.")
    Path saveMaskInput;

    @Mixin
    MaskGridOptions maskGrid;

    @Option(names = "--timestamps", description = "automatic-speech-recognition: segments with their start and end.")
    boolean timestamps;

    @Option(names = "--language", paramLabel = "L", description = "automatic-speech-recognition, multilingual "
            + "checkpoints: the spoken language, a code (de) or a name (german); default: detected.")
    String language;

    @Option(names = "--task", paramLabel = "T", description = "automatic-speech-recognition, multilingual "
            + "checkpoints: transcribe (default) or translate (into English).")
    String speechTask;

    @Option(names = "--chunk-length", defaultValue = "0", paramLabel = "S", description = "automatic-speech-"
            + "recognition: the window in seconds, strides of a sixth of it on each side (default: the model's "
            + "window, 30 s).")
    double chunkLength;

    @Option(names = "--num-beams", defaultValue = "0", paramLabel = "N", description = "automatic-speech-"
            + "recognition: 1 for greedy decoding, more for beam search (default: generation_config.json's if not 1, "
            + "else 5 as transformers' pipeline).")
    int numBeams;

    @Option(names = "--speed", defaultValue = "1", paramLabel = "X", description = "text-to-speech: pace, from 0.25 "
            + "to 4 (default ${DEFAULT-VALUE}: the model's own).")
    double speed;

    @Option(names = "--seed", defaultValue = "555", paramLabel = "N", description = "text-to-speech: the noise's "
            + "seed (default ${DEFAULT-VALUE}, as transformers' tests).")
    long seed;

    @Option(names = "--batch-size", defaultValue = "32", paramLabel = "N",
            description = "Inputs through the model at once (default ${DEFAULT-VALUE}).")
    int batchSize;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        if (list) {
            printTasks(out);
            return;
        }
        if (taskName == null) {
            throw new UserError("name a task (one of " + String.join(", ", Task.names()) + "), or pass --list");
        }
        if (taskName.equals("chain")) {
            chain(out);
            return;
        }
        if (!chainTasks.isEmpty()) {
            throw new UserError("one task at a time; to feed one task into another write: perennial pipeline chain "
                    + "zero-shot-image-classification text-to-speech ...");
        }
        Task<?, ?> task = Task.named(taskName);
        if (model == null) {
            throw new UserError("--model is missing; give a model folder or ORG/NAME, e.g. --model "
                    + example(task));
        }
        boolean json = json();
        run(task, json, out);
    }

    private <I, O> void run(Task<I, O> task, boolean json, PrintWriter out) {
        if (task == Task.TEXT_TO_SPEECH) {
            speak(json, out);
            return;
        }
        if (task == Task.AUTOMATIC_SPEECH_RECOGNITION) {
            transcribe(json, out);
            return;
        }
        List<I> inputs = input != null ? fromFile(task) : fromFlags(task);
        if (task == Task.OBJECT_DETECTION || task == Task.MASK_GENERATION || task == Task.DEPTH_ESTIMATION) {
            checkPictureOut(task, inputs.size());
        }
        PipelineOptions options = new PipelineOptions(DType.F32, batchSize, images);
        try (Pipeline<I, O> pipeline = Pipeline.forTask(task, model, options)) {
            pipeline.notes().forEach(spec.commandLine().getErr()::println);
            List<O> results = pipeline.run(inputs);
            for (int i = 0; i < results.size(); i++) {
                if (results.get(i) instanceof Outputs.Summary summary && summary.truncated()) {
                    spec.commandLine().getErr().println("note: input " + (i + 1) + " fills the model's "
                            + summary.inputTokens() + " tokens; the text after them was left out of the summary");
                }
                if (results.get(i) instanceof Outputs.Translation translation && translation.truncated()) {
                    spec.commandLine().getErr().println("note: input " + (i + 1) + " fills the model's "
                            + translation.inputTokens() + " tokens; the text after them was not translated");
                }
                if (results.get(i) instanceof Outputs.Reply reply && reply.truncated()) {
                    spec.commandLine().getErr().println("note: conversation " + (i + 1) + " is longer than the "
                            + "model reads; only its last " + reply.inputTokens() + " tokens were read");
                }
                if (json) {
                    BenchCommand.printJson(out, results.get(i));
                } else {
                    if (inputs.size() > 1) {
                        out.println((i > 0 ? "\n" : "") + "# input " + (i + 1));
                    }
                    printText(results.get(i), out);
                }
            }
            out.flush();
            if (task == Task.OBJECT_DETECTION && this.out != null) {
                drawBoxes((Inputs.DetectionImage) inputs.getFirst(), (Outputs.Detections) results.getFirst());
            }
            if (task == Task.MASK_GENERATION && this.out != null) {
                Outputs.Masks masks = (Outputs.Masks) results.getFirst();
                AtomicFiles.write(this.out, stream -> MaskPicture.writePng(((Inputs.MaskPrompt) inputs.getFirst())
                        .image(), masks.masks().stream().map(Outputs.Mask::pixels).toList(), stream));
                spec.commandLine().getErr().println("wrote " + this.out);
            }
            if (task == Task.MASK_GENERATION && saveMaskInput != null) {
                saveBestMask((Outputs.Masks) results.getFirst());
            }
            if (task == Task.DEPTH_ESTIMATION && this.out != null) {
                DepthPicture picture = ((Outputs.Depth) results.getFirst()).picture();
                AtomicFiles.write(this.out, picture::writePng);
                spec.commandLine().getErr().println("wrote " + this.out);
            }
        }
    }

    /** chain FIRST text-to-speech: the first task's result described in a sentence, read aloud into --out. */
    private void chain(PrintWriter printer) {
        if (chainTasks.size() != 2 || !chainTasks.get(1).equals(Task.TEXT_TO_SPEECH.name())) {
            throw new UserError("chain takes two tasks, the second text-to-speech: perennial pipeline chain "
                    + "zero-shot-image-classification text-to-speech --model M --speech-model M2 --image F "
                    + "--labels A,B --out FILE.wav");
        }
        Task<?, ?> first = Task.named(chainTasks.getFirst());
        if (first != Task.ZERO_SHOT_IMAGE_CLASSIFICATION) {
            throw new UserError("chain: " + first.name() + "'s results are not words to read aloud; a chain into "
                    + "text-to-speech starts with " + String.join(", ", Chain.DESCRIBABLE.stream().map(Task::name)
                    .toList()));
        }
        if (model == null || speechModel == null || out == null || image == null || labels.isEmpty()) {
            throw new UserError("chain " + first.name() + " text-to-speech needs --model (the classifier), "
                    + "--speech-model, --image FILE, --labels A,B,… and --out FILE.wav");
        }
        Inputs.LabelledImage input = new Inputs.LabelledImage(ImageFiles.read(image), labels, template);
        PipelineOptions options = new PipelineOptions(DType.F32, batchSize, null);
        try (Pipeline<Inputs.LabelledImage, Outputs.Labels> classify = Pipeline.forTask(
                Task.ZERO_SHOT_IMAGE_CLASSIFICATION, model, options);
             Pipeline<Inputs.Speech, Outputs.Speech> tts = Pipeline.forTask(Task.TEXT_TO_SPEECH, speechModel, options)) {
            Chain<Inputs.LabelledImage, Outputs.Labels> chain = new Chain<>(classify, tts, describe);
            String sentence = chain.describe(classify.run(input));
            Outputs.Speech result = tts.run(new Inputs.Speech(sentence, speed, seed));
            WavWriter.write(out, new Waveform(result.waveform(), result.samplingRate()));
            if (json()) {
                BenchCommand.printJson(printer, Json.MAPPER.createObjectNode().put("text", sentence)
                        .put("out", out.toString()).put("sampling_rate", result.samplingRate())
                        .put("duration", result.seconds()));
            } else {
                printer.printf(Locale.ROOT, "\"%s\" → %s: %.2f s at %d Hz%n", sentence, out, result.seconds(),
                        result.samplingRate());
            }
            printer.flush();
        }
    }

    /** text-to-speech: one text to one WAV file, then what was written. */
    private void speak(boolean json, PrintWriter printer) {
        if (input != null || texts.size() != 1) {
            throw new UserError("text-to-speech reads one text into one file: give one --text and --out FILE.wav");
        }
        if (out == null) {
            throw new UserError("text-to-speech needs --out FILE.wav, the file to write the speech to");
        }
        Inputs.Speech speech = new Inputs.Speech(texts.getFirst(), speed, seed);
        try (Pipeline<Inputs.Speech, Outputs.Speech> pipeline = Pipeline.forTask(Task.TEXT_TO_SPEECH, model,
                new PipelineOptions(DType.F32, batchSize, null))) {
            long start = System.nanoTime();
            Outputs.Speech result = pipeline.run(speech);
            double synthesis = (System.nanoTime() - start) / 1e9;
            WavWriter.write(out, new Waveform(result.waveform(), result.samplingRate()));
            if (json) {
                var line = Json.MAPPER.createObjectNode().put("out", out.toString())
                        .put("sampling_rate", result.samplingRate()).put("duration", result.seconds())
                        .put("samples", result.waveform().length).put("synthesis_seconds", synthesis);
                BenchCommand.printJson(printer, line);
            } else {
                printer.printf(Locale.ROOT, "wrote %s: %.2f s at %d Hz (synthesised in %.2f s)%n", out,
                        result.seconds(), result.samplingRate(), synthesis);
            }
            printer.flush();
        }
    }

    /**
     * automatic-speech-recognition: each transcript printed (its text, and with timestamps a line per segment; or the
     * pipeline's JSON), and with --out one written in the format of the file's extension.
     */
    private void transcribe(boolean json, PrintWriter printer) {
        TranscriptFormat fileFormat = out == null ? null : TranscriptFormat.forFile(out);
        List<Inputs.Recording> inputs;
        if (input != null) {
            inputs = fromFile(Task.AUTOMATIC_SPEECH_RECOGNITION);
        } else {
            require(audio != null, "--audio FILE, or --input");
            inputs = List.of(new Inputs.Recording(Audio.read(audio, Requests.SPEECH_RATE), timestamps, language,
                    speechTask, chunkLength, numBeams));
        }
        if (out != null && inputs.size() > 1) {
            throw new UserError("--out " + out + ": writes one transcript, but --input gives " + inputs.size()
                    + "; leave --out out (the transcripts are printed, one JSON line each with --format json)");
        }
        try (Pipeline<Inputs.Recording, Transcription> pipeline = Pipeline.forTask(Task.AUTOMATIC_SPEECH_RECOGNITION,
                model, new PipelineOptions(DType.F32, batchSize, null))) {
            List<Transcription> results = pipeline.run(inputs);
            for (Transcription result : results) {
                printer.print(json ? result.render(TranscriptFormat.PIPELINE) : lines(result));
            }
            if (out != null) {
                results.getFirst().write(out, fileFormat);
                spec.commandLine().getErr().println("wrote " + out);
            }
            printer.flush();
        }
    }

    /** The text, then with timestamps one line per segment: "[start → end] text". */
    private static String lines(Transcription result) {
        StringBuilder text = new StringBuilder(result.transcript().text().strip()).append('\n');
        for (Segment s : result.transcript().segments()) {
            text.append(String.format(Locale.ROOT, "[%s → %s] %s%n", seconds(s.start()), seconds(s.end()),
                    s.text().strip()));
        }
        return text.toString();
    }

    private static String seconds(double t) {
        return Double.isNaN(t) ? "?" : String.format(Locale.ROOT, "%.2f", t);
    }

    /** object-detection's, mask-generation's and depth-estimation's --out: one input, a PNG. */
    private void checkPictureOut(Task<?, ?> task, int inputs) {
        if (out != null && inputs != 1) {
            throw new UserError("--out " + out + ": draws one image, but --input gives " + inputs
                    + "; leave --out out or give one --image");
        }
        if (out != null && !out.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".png")) {
            throw new UserError("--out " + out + ": " + task.name() + " draws a PNG; name the file FILE.png");
        }
    }

    /** mask-generation's --save-mask-input: the highest-scoring mask's low-resolution logits as [1, 1, 4g, 4g]. */
    private void saveBestMask(Outputs.Masks masks) {
        Outputs.Mask best = masks.masks().stream().max(java.util.Comparator.comparingDouble(Outputs.Mask::score))
                .orElseThrow();
        long side = Math.round(Math.sqrt(best.lowResLogits().length));
        Npy.write(saveMaskInput, best.lowResLogits(), 1, 1, side, side);
        spec.commandLine().getErr().println("wrote " + saveMaskInput);
    }

    /** object-detection's --out: the image with each detection outlined and captioned, written atomically. */
    private void drawBoxes(Inputs.DetectionImage image, Outputs.Detections found) {
        AtomicFiles.write(out, stream -> BoxPicture.writePng(image.image(), found.captionedBoxes(), stream));
        spec.commandLine().getErr().println("wrote " + out);
    }

    private boolean json() {
        String chosen = format != null ? format : input != null ? "json" : "text";
        return switch (chosen) {
            case "json" -> true;
            case "text" -> false;
            default -> throw new UserError("--format " + format + " is not one of text, json");
        };
    }

    /** Every line of --input parsed before anything is computed, so a mistake on line 900 costs nothing. */
    private <I> List<I> fromFile(Task<I, ?> task) {
        if (!texts.isEmpty() || source != null || image != null || audio != null || !labels.isEmpty()
                || query != null || !points.isEmpty() || box != null || srcLang != null || tgtLang != null
                || prompt != null || question != null) {
            throw new UserError("--input gives the inputs; leave out --text, --source, --image, --audio, --labels, "
                    + "--query, --points, --box, --src-lang, --tgt-lang, --prompt and --question");
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(input, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UserError(input + ": cannot be read (" + e.getMessage() + ")", e);
        }
        Path base = input.toAbsolutePath().getParent();
        Requests.Images files = Requests.filesUnder(base);
        Requests.Sounds sounds = Requests.audioFilesUnder(base, Requests.audioRate(task));
        List<I> inputs = new ArrayList<>();
        for (int n = 0; n < lines.size(); n++) {
            if (lines.get(n).isBlank()) {
                continue;
            }
            try {
                inputs.add(Requests.parse(task, Json.MAPPER.readTree(lines.get(n)), files, sounds));
            } catch (JsonProcessingException e) {
                throw new UserError(input + " line " + (n + 1) + ": not JSON (" + e.getOriginalMessage() + ")", e);
            } catch (UserError e) {
                throw new UserError(input + " line " + (n + 1) + ": " + e.getMessage(), e);
            }
        }
        if (inputs.isEmpty()) {
            throw new UserError(input + ": holds no inputs (one JSON object per line)");
        }
        return inputs;
    }

    @SuppressWarnings("unchecked")
    private <I> List<I> fromFlags(Task<I, ?> task) {
        Object inputs;
        if (task == Task.FEATURE_EXTRACTION || task == Task.SUMMARIZATION) {
            require(!texts.isEmpty(), "--text (repeatable) or --input");
            inputs = texts.stream().map(Inputs.Text::new).toList();
        } else if (task == Task.TRANSLATION) {
            require(!texts.isEmpty() && srcLang != null && tgtLang != null, "--src-lang CODE, --tgt-lang CODE and "
                    + "--text (repeatable), or --input");
            inputs = texts.stream().map(t -> new Inputs.Translation(t, srcLang, tgtLang)).toList();
        } else if (task == Task.CONVERSATIONAL) {
            require(!texts.isEmpty(), "--text (repeatable: the user's turn, then the assistant's, …) or --input");
            inputs = List.of(Inputs.Conversation.alternating(texts));
        } else if (task == Task.SENTENCE_SIMILARITY) {
            require(source != null && !texts.isEmpty(), "--source TEXT and --text (repeatable), or --input");
            inputs = List.of(new Inputs.Sentences(source, texts));
        } else if (task == Task.ZERO_SHOT_IMAGE_CLASSIFICATION) {
            require(image != null && !labels.isEmpty(), "--image FILE and --labels A,B,…, or --input");
            inputs = List.of(new Inputs.LabelledImage(ImageFiles.read(image), labels, template));
        } else if (task == Task.ZERO_SHOT_AUDIO_CLASSIFICATION) {
            require(audio != null && !labels.isEmpty(), "--audio FILE and --labels A,B,…, or --input");
            inputs = List.of(new Inputs.LabelledAudio(Audio.read(audio, Requests.AUDIO_RATE), labels, template));
        } else if (task == Task.OBJECT_DETECTION) {
            require(image != null, "--image FILE, or --input");
            inputs = List.of(new Inputs.DetectionImage(ImageFiles.read(image), threshold));
        } else if (task == Task.MASK_GENERATION) {
            require(image != null, "--image FILE (with --points X,Y[,L] or --box X0,Y0,X1,Y1 for one object; "
                    + "without them, the masks of the whole image), or --input");
            List<Inputs.Point> clicks = new ArrayList<>();
            for (String p : points) {
                double[] v = numbers("--points", p, 2, 3);
                if (v.length == 3 && v[2] != 0 && v[2] != 1) {
                    throw new UserError("--points " + p + ": the label is 1 (on the object) or 0 (background)");
                }
                clicks.add(new Inputs.Point(v[0], v[1], v.length == 3 ? (int) v[2] : 1));
            }
            Inputs.PromptBox around = null;
            if (box != null) {
                double[] v = numbers("--box", box, 4, 4);
                around = new Inputs.PromptBox(v[0], v[1], v[2], v[3]);
            }
            boolean automatic = clicks.isEmpty() && around == null;
            if (automatic && (maskInput != null || saveMaskInput != null)) {
                throw new UserError((maskInput != null ? "--mask-input" : "--save-mask-input") + " refines a prompt: "
                        + "give --points or --box with it");
            }
            inputs = List.of(new Inputs.MaskPrompt(ImageFiles.read(image), clicks, around, !singleMask,
                    maskInput == null ? null : Npy.read(maskInput).values(), maskGrid.grid()));
        } else if (task == Task.DEPTH_ESTIMATION) {
            require(image != null, "--image FILE, or --input");
            inputs = List.of(new Inputs.Image(ImageFiles.read(image)));
        } else if (task == Task.IMAGE_TO_TEXT) {
            require(image != null, "--image FILE (and --prompt TEXT to continue), or --input");
            inputs = List.of(new Inputs.CaptionImage(ImageFiles.read(image), prompt));
        } else if (task == Task.VISUAL_QUESTION_ANSWERING) {
            require(image != null && question != null, "--image FILE and --question TEXT, or --input");
            inputs = List.of(new Inputs.ImageQuestion(ImageFiles.read(image), question));
        } else if (task == Task.IMAGE_TEXT_MATCHING) {
            require(image != null && !texts.isEmpty(), "--image FILE and --text (repeatable), or --input");
            RgbImage picture = ImageFiles.read(image);
            inputs = texts.stream().map(t -> new Inputs.ImageText(picture, t)).toList();
        } else if (task == Task.TEXT_TO_SPEECH) {
            throw new IllegalStateException("text-to-speech is run by speak()");
        } else {
            require(images != null && query != null, "--images DIR and --query TEXT, or --input with --images");
            inputs = List.of(new Inputs.Query(query, top));
        }
        return (List<I>) inputs;
    }

    /** A flag's comma-separated numbers, {@code min} to {@code max} of them. */
    private static double[] numbers(String flag, String value, int min, int max) {
        String[] parts = value.split(",", -1);
        if (parts.length < min || parts.length > max) {
            throw new UserError(flag + " " + value + ": give " + min + (max > min ? " or " + max : "")
                    + " numbers separated by commas");
        }
        double[] out = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                out[i] = Double.parseDouble(parts[i].strip());
            } catch (NumberFormatException e) {
                throw new UserError(flag + " " + value + ": '" + parts[i] + "' is not a number", e);
            }
        }
        return out;
    }

    private void require(boolean given, String what) {
        if (!given) {
            throw new UserError(taskName + " needs " + what);
        }
    }

    private static void printText(Object result, PrintWriter out) {
        switch (result) {
            case Outputs.Embedding e -> {
                float[] v = e.embedding();
                int shown = Math.min(8, v.length);
                StringBuilder line = new StringBuilder();
                for (int i = 0; i < shown; i++) {
                    line.append(String.format(Locale.ROOT, "%s%.6f", i > 0 ? " " : "", v[i]));
                }
                out.printf(Locale.ROOT, "%d values from %d tokens: %s%s%n", v.length, e.tokens(), line,
                        v.length > shown ? " … (--format json for all)" : "");
            }
            case Outputs.Similarities s -> s.scores().forEach(score -> out.printf(Locale.ROOT, "%.4f%n", score));
            case Outputs.Labels l -> l.labels().forEach(label ->
                    out.printf(Locale.ROOT, "%.4f  %s%n", label.score(), label.label()));
            case Outputs.Summary s -> out.println(s.summaryText());
            case Outputs.Translation t -> out.println(t.translationText());
            case Outputs.Reply r -> out.println(r.generatedText());
            case Outputs.Caption c -> out.println(c.generatedText());
            case Outputs.Answer a -> out.println(a.answer());
            case Outputs.Match m -> out.printf(Locale.ROOT, "match probability %.4f, cosine similarity %.4f%n",
                    m.probability(), m.cosineSimilarity());
            case Outputs.SearchHits h -> h.hits().forEach(hit ->
                    out.printf(Locale.ROOT, "%.4f  %s%n", hit.score(), hit.file()));
            case Outputs.Masks m -> m.masks().forEach(k -> out.printf(Locale.ROOT, "%.4f  %9d px  %s%n", k.score(),
                    k.area(), k.box() == null ? "empty" : k.box().xmin() + "," + k.box().ymin() + "," + k.box().xmax()
                    + "," + k.box().ymax()));
            case Outputs.Detections d -> d.detections().forEach(o -> out.printf(Locale.ROOT, "%.4f  %-16s %d,%d,%d,%d%n",
                    o.score(), o.label(), o.box().xmin(), o.box().ymin(), o.box().xmax(), o.box().ymax()));
            case Outputs.Depth d -> out.printf(Locale.ROOT, "depth %d×%d (predicted at %d×%d): min %.6g, max %.6g%n",
                    d.width(), d.height(), d.predictedDepthSize().get(1), d.predictedDepthSize().get(0), d.min(),
                    d.max());
            default -> BenchCommand.printJson(out, result);
        }
    }

    private static void printTasks(PrintWriter out) {
        out.printf("%-32s %-28s %s%n", "task", "model types", "what it does");
        for (Task<?, ?> t : Task.all()) {
            out.printf("%-32s %-28s %s%n", t.name(), String.join(", ", t.modelTypes()), t.summary());
        }
        out.flush();
    }

    private static String example(Task<?, ?> task) {
        return task.modelTypes().contains("clip") ? "openai/clip-vit-base-patch32"
                : task.modelTypes().contains("clap") ? "laion/clap-htsat-unfused"
                : task.modelTypes().contains("vits") ? "facebook/mms-tts-eng"
                : task.modelTypes().contains("whisper") ? "distil-whisper/distil-small.en"
                : task.modelTypes().contains("detr") ? "facebook/detr-resnet-50"
                : task == Task.CONVERSATIONAL ? "facebook/blenderbot-400M-distill"
                : task.modelTypes().contains("bart") ? "facebook/bart-large-cnn"
                : task.modelTypes().contains("m2m_100") ? "facebook/nllb-200-distilled-600M"
                : task.modelTypes().contains("sam") ? "Zigeng/SlimSAM-uniform-77"
                : task.modelTypes().contains("dpt") ? "Intel/dpt-hybrid-midas"
                : task == Task.IMAGE_TO_TEXT ? "Salesforce/blip-image-captioning-base"
                : task == Task.VISUAL_QUESTION_ANSWERING ? "Salesforce/blip-vqa-base"
                : task == Task.IMAGE_TEXT_MATCHING ? "Salesforce/blip-itm-base-coco"
                : "sentence-transformers/all-MiniLM-L6-v2";
    }
}

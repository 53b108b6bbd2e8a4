package dev.perennial.pipeline;

import dev.perennial.UserError;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * A task run by a model, the way transformers' {@code pipeline(task, model)} is used: typed inputs in, typed
 * results out, in order. For example:
 * <pre>{@code
 * try (var clip = Pipeline.forTask(Task.ZERO_SHOT_IMAGE_CLASSIFICATION, "openai/clip-vit-base-patch32")) {
 *     Outputs.Labels labels = clip.run(new Inputs.LabelledImage(ImageFiles.read(Path.of("cat.jpg")),
 *             List.of("cat", "dog")));
 * }
 * try (var asr = Pipeline.forTask(Task.AUTOMATIC_SPEECH_RECOGNITION, "distil-whisper/distil-small.en")) {
 *     Transcription t = asr.run(Inputs.Recording.of(Path.of("talk.mp3"), true));
 *     t.write(Path.of("talk.srt"), TranscriptFormat.SRT);
 * }
 * }</pre>
 * A pipeline made by {@code forTask} owns its model and frees it on close; one made {@link #over} a loaded
 * {@link Encoder} shares it.
 */
public final class Pipeline<I, O> implements AutoCloseable {

    private final Task<I, O> task;
    private final Encoder encoder;
    private final boolean ownsEncoder;
    private final BiFunction<List<I>, StepListener, List<O>> runner;
    private final List<String> notes;

    private Pipeline(Task<I, O> task, Encoder encoder, boolean ownsEncoder, Runner<I, O> runner) {
        this.task = task;
        this.encoder = encoder;
        this.ownsEncoder = ownsEncoder;
        this.runner = runner.run();
        this.notes = runner.notes();
    }

    /** How a task runs on an encoder, and what preparing it had to say (an image index's refresh). */
    private record Runner<I, O>(BiFunction<List<I>, StepListener, List<O>> run, List<String> notes) {
    }

    /** {@code task} with {@code model}: a folder, or ORG/NAME[@REVISION] through the Hub cache. */
    public static <I, O> Pipeline<I, O> forTask(Task<I, O> task, String model) {
        return forTask(task, model, PipelineOptions.defaults());
    }

    public static <I, O> Pipeline<I, O> forTask(Task<I, O> task, String model, PipelineOptions options) {
        Encoder encoder = Encoder.load(task, ModelFolders.resolve(model), options);
        return Resources.builtOver(encoder, e -> new Pipeline<>(task, e, true, runner(task, e, options)));
    }

    /** The task named {@code task} (a Hub pipeline_tag), for callers that choose it at run time. */
    public static Pipeline<?, ?> forTask(String task, String model) {
        return forTask(Task.named(task), model, PipelineOptions.defaults());
    }

    /** As {@link #forTask(String, String)}, with options. */
    public static Pipeline<?, ?> forTask(String task, String model, PipelineOptions options) {
        return forTask(Task.named(task), model, options);
    }

    /** {@code task} run by an already loaded encoder, which the pipeline does not close. */
    public static <I, O> Pipeline<I, O> over(Task<I, O> task, Encoder encoder, PipelineOptions options) {
        ModelFolders.requireRuns(task, encoder.dir(), encoder.modelType());
        return new Pipeline<>(task, encoder, false, runner(task, encoder, options));
    }

    @SuppressWarnings("unchecked")
    private static <I, O> Runner<I, O> runner(Task<I, O> task, Encoder encoder, PipelineOptions options) {
        List<String> notes = new ArrayList<>();
        BiFunction<? extends List<?>, StepListener, ? extends List<?>> run = switch (encoder) {
            case SentenceEncoder s when task == Task.FEATURE_EXTRACTION ->
                    (List<Inputs.Text> in, StepListener steps) -> s.embed(in.stream().map(Inputs.Text::text).toList());
            case SentenceEncoder s when task == Task.SENTENCE_SIMILARITY ->
                    (List<Inputs.Sentences> in, StepListener steps) -> in.stream().map(s::similarity).toList();
            case ClipEncoder c when task == Task.ZERO_SHOT_IMAGE_CLASSIFICATION ->
                    (List<Inputs.LabelledImage> in, StepListener steps) -> in.stream().map(c::classify).toList();
            case ClapEncoder c when task == Task.ZERO_SHOT_AUDIO_CLASSIFICATION ->
                    (List<Inputs.LabelledAudio> in, StepListener steps) -> in.stream().map(c::classify).toList();
            case ImageTextEmbedder e when task == Task.IMAGE_SEARCH -> {
                if (e instanceof BlipEncoder b) {
                    b.requireHead(task);
                }
                if (options.images() == null) {
                    throw new UserError("image-search needs a folder of images to search (--images DIR)");
                }
                ImageSearch search = ImageSearch.open(e, options.images());
                notes.addAll(search.notes());
                yield (List<Inputs.Query> in, StepListener steps) -> in.stream().map(search::search).toList();
            }
            case SpeechSynthesizer s when task == Task.TEXT_TO_SPEECH ->
                    (List<Inputs.Speech> in, StepListener steps) -> in.stream().map(i -> s.speak(i, steps)).toList();
            case SpeechRecognizer r when task == Task.AUTOMATIC_SPEECH_RECOGNITION ->
                    (List<Inputs.Recording> in, StepListener steps) -> in.stream().map(r::transcribe).toList();
            case ObjectDetector d when task == Task.OBJECT_DETECTION ->
                    (List<Inputs.DetectionImage> in, StepListener steps) -> in.stream().map(d::detect).toList();
            case MaskGenerator m when task == Task.MASK_GENERATION ->
                    (List<Inputs.MaskPrompt> in, StepListener steps) -> in.stream().map(m::segment).toList();
            case DepthEstimator d when task == Task.DEPTH_ESTIMATION ->
                    (List<Inputs.Image> in, StepListener steps) -> in.stream().map(d::estimate).toList();
            case Summarizer s when task == Task.SUMMARIZATION ->
                    (List<Inputs.Text> in, StepListener steps) -> in.stream().map(s::summarize).toList();
            case Chatbot c when task == Task.CONVERSATIONAL ->
                    (List<Inputs.Conversation> in, StepListener steps) -> in.stream().map(c::reply).toList();
            case Translator t when task == Task.TRANSLATION ->
                    (List<Inputs.Translation> in, StepListener steps) -> in.stream().map(t::translate).toList();
            case BlipEncoder b when task == Task.IMAGE_TO_TEXT -> {
                b.requireHead(task);
                yield (List<Inputs.CaptionImage> in, StepListener steps) -> b.caption(in);
            }
            case BlipEncoder b when task == Task.VISUAL_QUESTION_ANSWERING -> {
                b.requireHead(task);
                yield (List<Inputs.ImageQuestion> in, StepListener steps) -> in.stream().map(b::answer).toList();
            }
            case BlipEncoder b when task == Task.IMAGE_TEXT_MATCHING -> {
                b.requireHead(task);
                yield (List<Inputs.ImageText> in, StepListener steps) -> in.stream().map(b::match).toList();
            }
            default -> throw new UserError(encoder.dir() + ": " + encoder.modelType() + " cannot run " + task.name());
        };
        return new Runner<>((BiFunction<List<I>, StepListener, List<O>>) run, List.copyOf(notes));
    }

    public Task<I, O> task() {
        return task;
    }

    public Encoder encoder() {
        return encoder;
    }

    /** What preparing the pipeline had to say: for image search, how the index was refreshed and what was skipped. */
    public List<String> notes() {
        return notes;
    }

    public Path modelDir() {
        return encoder.dir();
    }

    /** The results of {@code inputs}, in order. */
    public List<O> run(List<I> inputs) {
        if (inputs.isEmpty()) {
            return List.of();
        }
        return runner.apply(List.copyOf(inputs), StepListener.NONE);
    }

    public O run(I input) {
        return run(List.of(input)).getFirst();
    }

    /**
     * The result of {@code input}, telling {@code steps} as the task works through it (text-to-speech reports its
     * sentences; the other tasks report nothing yet).
     */
    public O run(I input, StepListener steps) {
        return runner.apply(List.of(input), steps).getFirst();
    }

    @Override
    public void close() {
        if (ownsEncoder) {
            encoder.close();
        }
    }
}

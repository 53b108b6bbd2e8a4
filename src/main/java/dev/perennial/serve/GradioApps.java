package dev.perennial.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.UserError;
import dev.perennial.audio.Audio;
import dev.perennial.audio.WavWriter;
import dev.perennial.audio.Waveform;
import dev.perennial.checkpoint.ModelFolder;
import dev.perennial.generate.GenerationConfig;
import dev.perennial.generate.Generator;
import dev.perennial.generate.Sampling;
import dev.perennial.gradio.Component;
import dev.perennial.gradio.FileStore;
import dev.perennial.gradio.GradioApp;
import dev.perennial.gradio.GradioError;
import dev.perennial.image.BoxPicture;
import dev.perennial.image.ImageFiles;
import dev.perennial.image.MaskPicture;
import dev.perennial.image.RgbImage;
import dev.perennial.io.Json;
import dev.perennial.pipeline.Chatbot;
import dev.perennial.pipeline.Encoder;
import dev.perennial.pipeline.Inputs;
import dev.perennial.pipeline.Outputs;
import dev.perennial.pipeline.Requests;
import dev.perennial.pipeline.Task;
import dev.perennial.speech.TranscriptFormat;
import dev.perennial.speech.Transcription;

import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The Gradio apps of {@code --app}/{@code --apps}: for each pipeline task its components and a handler that runs
 * the task like POST /api/pipeline/TASK (inputs through {@link Requests}, forward passes through the
 * {@link GenerationGate}), and the chat app, which streams a language model's reply to a conversation
 * through the model's chat template, like /v1/chat/completions.
 */
final class GradioApps {

    private static final String SUMMARY_EXAMPLE = "The tower is 324 metres tall, about the same height as an "
            + "81-storey building, and the tallest structure in Paris. Its base is square, measuring 125 metres on "
            + "each side. During its construction, the Eiffel Tower surpassed the Washington Monument to become the "
            + "tallest man-made structure in the world.";

    private static final String TRANSLATION_EXAMPLE = "The weather is lovely today.";
    private static final String SOURCE_LANGUAGE = "eng_Latn";
    private static final String TARGET_LANGUAGE = "fra_Latn";

    private final Catalog catalog;
    private final ModelPool pool;
    private final GenerationGate gate;
    private final PipelineApi pipelines;
    private final int maxTokens;
    private final FileStore files;
    private final Path images;

    /**
     * {@code files}: where the examples' pictures are stored, to be served like uploads; {@code images}: the folder
     * that image search ranks (null: none), whose images its gallery shows.
     */
    GradioApps(Catalog catalog, ModelPool pool, GenerationGate gate, PipelineApi pipelines, int maxTokens,
               FileStore files, Path images) {
        this.images = images;
        this.catalog = catalog;
        this.pool = pool;
        this.gate = gate;
        this.pipelines = pipelines;
        this.maxTokens = maxTokens;
        this.files = files;
    }

    /** The app of {@code spec} with its examples, its model checked now (a wrong one is refused naming the flag). */
    GradioApp app(AppSpec spec) {
        return bare(spec).withExamples(examples(spec.task()));
    }

    private GradioApp bare(AppSpec spec) {
        Catalog.Use use = spec.task().equals(AppSpec.CHAT) ? new Catalog.Chat("a chat app")
                : new Catalog.PipelineTask(Task.named(spec.task()), "a " + spec.task() + " app");
        Catalog.Entry model;
        try {
            model = catalog.requireModel(spec.model(), use);
        } catch (ApiError e) {
            throw new UserError("--app " + spec.task() + "=" + spec.model() + ": " + e.getMessage());
        }
        if (spec.task().equals(Task.IMAGE_SEARCH.name()) && !catalog.servedTasks().contains(Task.IMAGE_SEARCH)) {
            throw new UserError("--app image-search=" + spec.model() + ": image search ranks the folder given with "
                    + "--images DIR; add it");
        }
        String title = spec.task() + " with " + spec.model();
        return switch (spec.task()) {
            case AppSpec.CHAT -> new GradioApp(spec.name(), title, "Chat with " + spec.model() + ", streamed",
                    "chat", List.of(Component.textbox("Message", null, "Hello!"), Component.chatbot("History"),
                    Component.number("Max new tokens", Math.min(128, maxTokens)), Component.number("Temperature", 0),
                    Component.number("Seed", 0)), List.of(Component.chatbot("Chatbot")), true,
                    guarded(call -> chat(model, call)));
            case "feature-extraction" -> new GradioApp(spec.name(), title, "The text's embedding", "predict",
                    List.of(Component.textbox("Text", null, "A cat sits on the mat.")),
                    List.of(Component.json("Embedding")), false, guarded(call -> List.of(Json.MAPPER.valueToTree(
                    run(model, Task.FEATURE_EXTRACTION, Requests.parse(Task.FEATURE_EXTRACTION,
                            object("text", call.inputs().get(0)), Requests.INLINE))))));
            case "sentence-similarity" -> new GradioApp(spec.name(), title, "Cosine similarity of the source "
                    + "sentence to each sentence (one per line)", "predict", List.of(Component.textbox(
                    "Source sentence", null, "A cat sits on the mat."), Component.textbox("Sentences", null,
                    "A kitten rests on a rug.\nThe stock market fell.")), List.of(Component.label("Similarity")),
                    false, guarded(call -> List.of(similarity(model, call))));
            case "zero-shot-image-classification" -> new GradioApp(spec.name(), title, "Scores of the candidate "
                    + "labels (comma-separated) for the image", "predict", List.of(Component.image("Image"),
                    Component.textbox("Candidate labels", null, "cat, dog, car"), Component.textbox(
                    "Hypothesis template", Inputs.LabelledImage.DEFAULT_TEMPLATE, Inputs.LabelledImage
                    .DEFAULT_TEMPLATE)), List.of(Component.label("Labels")), false,
                    guarded(call -> List.of(labels(model, call))));
            case "zero-shot-audio-classification" -> new GradioApp(spec.name(), title, "Scores of the candidate "
                    + "labels (comma-separated) for the sound: upload a file or record one", "predict",
                    List.of(Component.audio("Audio"), Component.textbox("Candidate labels", null,
                    "a dog barking, rain, a car engine"), Component.textbox("Hypothesis template",
                    Inputs.LabelledAudio.DEFAULT_TEMPLATE, Inputs.LabelledAudio.DEFAULT_TEMPLATE)),
                    List.of(Component.label("Labels")), false, guarded(call -> List.of(soundLabels(model, call))));
            case "automatic-speech-recognition" -> new GradioApp(spec.name(), title, "The speech in a recording "
                    + "as text, with timestamped segments (long recordings in 30 s windows): upload a file or record "
                    + "one", "predict", List.of(Component.audio("Audio")), List.of(Component.textbox("Transcription",
                    null, null), Component.json("Segments")), false, guarded(call -> transcription(model, call)));
            case "text-to-speech" -> new GradioApp(spec.name(), title, "The text read aloud", "predict",
                    List.of(Component.textbox("Text", null, "Hello, how are you?")),
                    List.of(Component.audio("Speech")), false, guarded(call -> List.of(speech(model, call))));
            case "image-search" -> new GradioApp(spec.name(), title, "The served images ranked for the query",
                    "predict", List.of(Component.textbox("Query", null, "a photo of a cat"),
                    Component.number("Top", 5)), List.of(Component.gallery("Images")), false,
                    guarded(call -> List.of(gallery(model, call))));
            case "object-detection" -> new GradioApp(spec.name(), title, "The objects in the image, outlined and "
                    + "labelled with their scores, above the threshold", "predict", List.of(Component.image("Image"),
                    Component.number("Threshold", Inputs.DetectionImage.DEFAULT_THRESHOLD)),
                    List.of(Component.image("Detections"), Component.json("Objects")), false,
                    guarded(call -> detections(model, call)));
            case "image-to-text" -> new GradioApp(spec.name(), title, "A caption of the image, continuing the "
                    + "prompt when one is given", "predict", List.of(Component.image("Image"), Component.textbox(
                    "Prompt", "", "a picture of")), List.of(Component.textbox("Caption", null, null)), false,
                    guarded(call -> List.of(text(onImage(model, Task.IMAGE_TO_TEXT, call, optional("prompt",
                            call.inputs().get(1))).generatedText()))));
            case "visual-question-answering" -> new GradioApp(spec.name(), title, "The answer to a question about "
                    + "the image", "predict", List.of(Component.image("Image"), Component.textbox("Question", null,
                    "what colour is the ball?")), List.of(Component.textbox("Answer", null, null)), false,
                    guarded(call -> List.of(text(onImage(model, Task.VISUAL_QUESTION_ANSWERING, call,
                            object("question", call.inputs().get(1))).answer()))));
            case "image-text-matching" -> new GradioApp(spec.name(), title, "Whether the text describes the image: "
                    + "the matching head's probability and the cosine similarity", "predict", List.of(
                    Component.image("Image"), Component.textbox("Text", null, "a red ball on green grass")),
                    List.of(Component.label("Match"), Component.json("Scores")), false, guarded(call -> match(
                    onImage(model, Task.IMAGE_TEXT_MATCHING, call, object("text", call.inputs().get(1))))));
            case "summarization" -> new GradioApp(spec.name(), title, "A summary of the text (long texts are cut "
                    + "to the model's length)", "predict", List.of(Component.textbox("Text", null, SUMMARY_EXAMPLE)),
                    List.of(Component.textbox("Summary", null, null)), false, guarded(call -> List.of(
                    text(run(model, Task.SUMMARIZATION, Requests.parse(
                    Task.SUMMARIZATION, object("text", call.inputs().get(0)), Requests.INLINE)).summaryText()))));
            case "translation" -> new GradioApp(spec.name(), title, "The text translated from the source language "
                    + "into the target language (FLORES-200 codes such as eng_Latn, fra_Latn, deu_Latn)", "predict",
                    List.of(Component.textbox("Text", null, TRANSLATION_EXAMPLE), Component.textbox(
                    "Source language", SOURCE_LANGUAGE, SOURCE_LANGUAGE), Component.textbox("Target language",
                    TARGET_LANGUAGE, TARGET_LANGUAGE)), List.of(Component.textbox("Translation", null, null)), false,
                    guarded(call -> List.of(translation(model, call))));
            case "depth-estimation" -> new GradioApp(spec.name(), title, "The image's depth as an 8-bit picture "
                    + "(near is bright), with the predicted depth's range", "predict", List.of(Component.image(
                    "Image")), List.of(Component.image("Depth"), Component.json("Range")), false,
                    guarded(call -> depth(model, call)));
            case "mask-generation" -> new GradioApp(spec.name(), title, "The masks of the object at the points "
                    + "(\"x,y[,label]; ...\" in the image's pixels, label 1 on the object, 0 off it; click the image "
                    + "to add one) or in the box (\"x0,y0,x1,y1\"); with neither, the masks of the whole image "
                    + "(automatic generation over a 32x32 grid of clicks, transformers' mask-generation defaults)",
                    "predict", List.of(Component.pointedImage("Image",
                    "Points"), Component.textbox("Points", null, "30,20"),
                    Component.textbox("Box", "", "")), List.of(Component.image("Masks"), Component.json("Scores")),
                    false, guarded(call -> masks(model, call)));
            default -> throw new UserError("--app " + spec.task() + "=" + spec.model() + ": there is no Gradio app "
                    + "for " + spec.task() + " yet; its HTTP endpoint is POST /api/pipeline/" + spec.task());
        };
    }

    /** A few inputs to click for each task, one value per input (null: the example leaves that input alone). */
    private List<List<JsonNode>> examples(String task) {
        return switch (task) {
            case AppSpec.CHAT -> List.of(row("Hello!", null, null, null, null),
                    row("Tell me a story about a fox.", null, null, null, null));
            case "feature-extraction" -> List.of(row("A cat sits on the mat."),
                    row("Perennial keeps language models current."));
            case "sentence-similarity" -> List.of(row("A cat sits on the mat.",
                    "A kitten rests on a rug.\nThe stock market fell.\nA dog sleeps on the sofa."),
                    row("How do I reset my password?", "Click 'Forgot password' on the sign-in page.\n"
                            + "Our office opens at nine.\nPasswords need at least twelve characters."));
            case "zero-shot-image-classification" -> List.of(
                    row(picture("red-circle.png", ExampleImages.Shape.CIRCLE, Color.RED),
                            "a red circle, a blue square, a green triangle", null),
                    row(picture("blue-square.png", ExampleImages.Shape.SQUARE, Color.BLUE), "red, green, blue",
                            null));
            case "zero-shot-audio-classification" -> List.of(
                    row(sound("beep.wav", ExampleSounds.Sound.BEEP), "a beep, rain, a dog barking", null),
                    row(sound("hiss.wav", ExampleSounds.Sound.HISS), "rain, birds singing, a car engine", null));
            case "automatic-speech-recognition" -> List.of(row(sound("beep.wav", ExampleSounds.Sound.BEEP)));
            case "text-to-speech" -> List.of(row("Hello, how are you?"),
                    row("The quick brown fox jumps over the lazy dog."));
            case "image-search" -> List.of(row("a photo of a cat", 5), row("a red car", 3));
            case "object-detection" -> List.of(
                    row(picture("red-circle.png", ExampleImages.Shape.CIRCLE, Color.RED), null),
                    row(picture("blue-square.png", ExampleImages.Shape.SQUARE, Color.BLUE), 0.9));
            case "summarization" -> List.of(row(SUMMARY_EXAMPLE));
            case "image-to-text" -> List.of(row(picture("red-circle.png", ExampleImages.Shape.CIRCLE, Color.RED), ""),
                    row(picture("blue-square.png", ExampleImages.Shape.SQUARE, Color.BLUE), "a drawing of"));
            case "visual-question-answering" -> List.of(
                    row(picture("red-circle.png", ExampleImages.Shape.CIRCLE, Color.RED), "what colour is the circle?"),
                    row(picture("blue-square.png", ExampleImages.Shape.SQUARE, Color.BLUE), "what shape is this?"));
            case "image-text-matching" -> List.of(
                    row(picture("red-circle.png", ExampleImages.Shape.CIRCLE, Color.RED), "a red circle"),
                    row(picture("blue-square.png", ExampleImages.Shape.SQUARE, Color.BLUE), "a red circle"));
            case "translation" -> List.of(row(TRANSLATION_EXAMPLE, SOURCE_LANGUAGE, TARGET_LANGUAGE),
                    row("Where is the train station?", SOURCE_LANGUAGE, "deu_Latn"));
            case "depth-estimation" -> List.of(row(picture("red-circle.png", ExampleImages.Shape.CIRCLE, Color.RED)),
                    row(picture("blue-square.png", ExampleImages.Shape.SQUARE, Color.BLUE)));
            case "mask-generation" -> List.of(
                    row(picture("red-circle.png", ExampleImages.Shape.CIRCLE, Color.RED), "48,36", ""),
                    row(picture("blue-square.png", ExampleImages.Shape.SQUARE, Color.BLUE), "48,36; 5,5,0", ""));
            default -> List.of();
        };
    }

    private JsonNode picture(String name, ExampleImages.Shape shape, Color colour) {
        return files.provide(name, ExampleImages.png(shape, colour));
    }

    private JsonNode sound(String name, ExampleSounds.Sound sound) {
        return files.provide(name, ExampleSounds.wav(sound));
    }

    /** An example's values as JSON: strings, numbers, JSON values as they are, null for none. */
    private static List<JsonNode> row(Object... values) {
        List<JsonNode> out = new ArrayList<>();
        for (Object value : values) {
            out.add(value instanceof JsonNode node ? node : Json.MAPPER.valueToTree(value));
        }
        return out;
    }

    /** Refusals of the server's own kind (a busy gate, a model gone) reach the client as the call's error. */
    private static GradioApp.Handler guarded(GradioApp.Handler handler) {
        return call -> {
            try {
                return handler.run(call);
            } catch (ApiError e) {
                throw new GradioError(e.getMessage(), e);
            }
        };
    }

    private <I, O> O run(Catalog.Entry model, Task<I, O> task, I input) {
        return pipelines.run(model, task, pipeline -> List.of(pipeline.run(input))).getFirst();
    }

    /** The best images for the query as a gallery: each served image, captioned with its name and score. */
    private JsonNode gallery(Catalog.Entry model, GradioApp.Call call) {
        ObjectNode input = object("query", call.inputs().get(0));
        input.set("top", Json.MAPPER.getNodeFactory().numberNode(call.inputs().get(1).asInt(5)));
        Outputs.SearchHits hits = run(model, Task.IMAGE_SEARCH, Requests.parse(Task.IMAGE_SEARCH, input,
                Requests.INLINE));
        ArrayNode gallery = Json.MAPPER.createArrayNode();
        for (Outputs.SearchHit hit : hits.hits()) {
            ObjectNode item = gallery.addObject();
            item.set("image", call.outputFile(images.resolve(hit.file())));
            item.put("caption", String.format(java.util.Locale.ROOT, "%s (%.3f)", hit.file(), hit.score()));
        }
        return gallery;
    }

    /**
     * The objects in the uploaded image above the threshold: the image with their boxes drawn (a PNG of the app's
     * store, as the course's app renders them) and the pipeline's JSON list of {score, label, box}.
     */
    private List<JsonNode> detections(Catalog.Entry model, GradioApp.Call call) {
        ObjectNode input = optional("threshold", call.inputs().get(1));
        input.put("image", "upload");
        Inputs.DetectionImage parsed = Requests.parse(Task.OBJECT_DETECTION, input, value -> uploadedImage(call));
        Outputs.Detections found = run(model, Task.OBJECT_DETECTION, parsed);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        try {
            BoxPicture.writePng(parsed.image(), found.captionedBoxes(), png);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return List.of(call.outputFile("detections.png", png.toByteArray()), Json.MAPPER.valueToTree(found));
    }

    /** The translation of the text between the two languages (an unknown code is refused with its nearest). */
    private JsonNode translation(Catalog.Entry model, GradioApp.Call call) {
        ObjectNode input = object("text", call.inputs().get(0));
        input.set("src_lang", call.inputs().get(1));
        input.set("tgt_lang", call.inputs().get(2));
        return Json.MAPPER.getNodeFactory().textNode(run(model, Task.TRANSLATION, Requests.parse(Task.TRANSLATION,
                input, Requests.INLINE)).translationText());
    }

    /** The image's depth: the 8-bit picture the CLI's --out writes, as a PNG of the app's store, and its JSON. */
    private List<JsonNode> depth(Catalog.Entry model, GradioApp.Call call) {
        Inputs.Image parsed = Requests.parse(Task.DEPTH_ESTIMATION, Json.MAPPER.createObjectNode().put("image",
                "upload"), value -> ImageFiles.read(upload(call, 0, "Image"), uploadName(call, 0, "Image")));
        Outputs.Depth depth = run(model, Task.DEPTH_ESTIMATION, parsed);
        return List.of(call.outputFile("depth.png", depth.picture().png()), Json.MAPPER.valueToTree(depth));
    }

    /** The masks of the prompt: drawn over the image as the CLI's --out draws them, and the pipeline's JSON. */
    private List<JsonNode> masks(Catalog.Entry model, GradioApp.Call call) {
        ObjectNode input = Json.MAPPER.createObjectNode().put("image", "upload");
        input.set("points", MaskPromptText.points(call.inputs().get(1).asText("")));
        String box = call.inputs().get(2).asText("");
        if (!box.isBlank()) {
            input.set("box", MaskPromptText.box(box));
        }
        Inputs.MaskPrompt parsed = Requests.parse(Task.MASK_GENERATION, input,
                value -> ImageFiles.read(upload(call, 0, "Image"), uploadName(call, 0, "Image")));
        Outputs.Masks masks = run(model, Task.MASK_GENERATION, parsed);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        try {
            MaskPicture.writePng(parsed.image(), masks.masks().stream().map(Outputs.Mask::pixels).toList(), png);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return List.of(call.outputFile("masks.png", png.toByteArray()), Json.MAPPER.valueToTree(masks));
    }

    /**
     * The transcript of the recording as the course's app shows it (the pipeline called with
     * return_timestamps=True): the text, and the segments as transformers' pipeline JSON gives its "chunks".
     */
    private List<JsonNode> transcription(Catalog.Entry model, GradioApp.Call call) {
        ObjectNode input = Json.MAPPER.createObjectNode().put("audio", "upload").put("return_timestamps", true);
        Task<Inputs.Recording, Transcription> task = Task.AUTOMATIC_SPEECH_RECOGNITION;
        Requests.Sounds upload = value -> Audio.decode(upload(call, 0, "Audio"), uploadName(call, 0, "Audio"),
                Requests.SPEECH_RATE, PipelineApi.MAX_AUDIO_SECONDS);
        Transcription transcription = pipelines.run(model, task, pipeline -> List.of(pipeline.run(Requests.parse(
                task, input, Requests.INLINE, upload)))).getFirst();
        try {
            JsonNode pipelineJson = Json.MAPPER.readTree(transcription.render(TranscriptFormat.PIPELINE));
            return List.of(pipelineJson.path("text"), pipelineJson.path("chunks"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code task}'s result for the image uploaded as input 0 and the other fields of {@code input}. */
    private <I, O> O onImage(Catalog.Entry model, Task<I, O> task, GradioApp.Call call, ObjectNode input) {
        input.put("image", "upload");
        return run(model, task, Requests.parse(task, input, value -> uploadedImage(call)));
    }

    private static RgbImage uploadedImage(GradioApp.Call call) {
        return ImageFiles.read(upload(call, 0, "Image"), uploadName(call, 0, "Image"));
    }

    /** A request object with {@code field} set to {@code value}, or without it when the input is empty or null. */
    private static ObjectNode optional(String field, JsonNode value) {
        ObjectNode input = Json.MAPPER.createObjectNode();
        if (!value.isNull() && !(value.isTextual() && value.asText().isBlank())) {
            input.set(field, value);
        }
        return input;
    }

    private static JsonNode text(String value) {
        return Json.MAPPER.getNodeFactory().textNode(value);
    }

    /** Image-text matching as Gradio's label (match / no match with the head's probability) and the pipeline's JSON. */
    private static List<JsonNode> match(Outputs.Match match) {
        return List.of(label(List.of(new Outputs.LabelScore("match", match.probability()),
                new Outputs.LabelScore("no match", 1 - match.probability())).stream()
                .sorted((a, b) -> Double.compare(b.score(), a.score())).toList()), Json.MAPPER.valueToTree(match));
    }

    /**
     * The speech of the text as a WAV file of the app's store (16-bit, the model's rate), with a progress message as
     * each sentence is done.
     */
    private JsonNode speech(Catalog.Entry model, GradioApp.Call call) {
        Inputs.Speech input = Requests.parse(Task.TEXT_TO_SPEECH, object("text", call.inputs().get(0)),
                Requests.INLINE);
        Outputs.Speech speech = pipelines.run(model, Task.TEXT_TO_SPEECH, pipeline -> List.of(pipeline.run(input,
                (done, total) -> call.progress(done, total, "sentences")))).getFirst();
        return call.outputFile("speech.wav", WavWriter.wav(new Waveform(speech.waveform(), speech.samplingRate())));
    }

    private JsonNode similarity(Catalog.Entry model, GradioApp.Call call) {
        ObjectNode input = object("source_sentence", call.inputs().get(0));
        ArrayNode sentences = input.putArray("sentences");
        lines(call.inputs().get(1), "\n").forEach(sentences::add);
        Inputs.Sentences parsed = Requests.parse(Task.SENTENCE_SIMILARITY, input, Requests.INLINE);
        Outputs.Similarities scores = run(model, Task.SENTENCE_SIMILARITY, parsed);
        List<Outputs.LabelScore> ranked = new ArrayList<>();
        for (int i = 0; i < scores.scores().size(); i++) {
            ranked.add(new Outputs.LabelScore(parsed.sentences().get(i), scores.scores().get(i)));
        }
        ranked.sort((a, b) -> Double.compare(b.score(), a.score()));
        return label(ranked);
    }

    private JsonNode labels(Catalog.Entry model, GradioApp.Call call) {
        Inputs.LabelledImage parsed = Requests.parse(Task.ZERO_SHOT_IMAGE_CLASSIFICATION, labelled("image", call),
                value -> ImageFiles.read(upload(call, 0, "Image"), uploadName(call, 0, "Image")));
        return label(run(model, Task.ZERO_SHOT_IMAGE_CLASSIFICATION, parsed).labels());
    }

    /** As {@link #labels} for a sound, decoded (and refused past the API's length) inside the gate. */
    private JsonNode soundLabels(Catalog.Entry model, GradioApp.Call call) {
        ObjectNode input = labelled("audio", call);
        Task<Inputs.LabelledAudio, Outputs.Labels> task = Task.ZERO_SHOT_AUDIO_CLASSIFICATION;
        Requests.Sounds upload = value -> Audio.decode(upload(call, 0, "Audio"), uploadName(call, 0, "Audio"),
                Requests.AUDIO_RATE, PipelineApi.MAX_AUDIO_SECONDS);
        return label(pipelines.run(model, task, pipeline -> List.of(pipeline.run(Requests.parse(task, input,
                Requests.INLINE, upload)))).getFirst().labels());
    }

    /**
     * A zero-shot classification's request from inputs (file, candidate labels, template): {@code field} stands
     * for the upload, which the caller reads.
     */
    private static ObjectNode labelled(String field, GradioApp.Call call) {
        ObjectNode input = Json.MAPPER.createObjectNode();
        input.put(field, "upload");
        ArrayNode labels = input.putArray("candidate_labels");
        lines(call.inputs().get(1), ",").forEach(labels::add);
        JsonNode template = call.inputs().get(2);
        if (template.isTextual() && !template.asText().isBlank()) {
            input.set("hypothesis_template", template);
        }
        return input;
    }

    /** The bytes of the upload that input {@code index} names; {@code component} names it in messages. */
    private static byte[] upload(GradioApp.Call call, int index, String component) {
        Path file = call.file(index);
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new GradioError(uploadName(call, index, component) + ": the uploaded file cannot be read ("
                    + e.getMessage() + ")");
        }
    }

    /**
     * Input {@code index}'s upload as messages name it: the component and the file's name, "Audio 'a.webm'" (the
     * last part of the client's orig_name, which @gradio/client's handle_file sets to the whole local path).
     */
    private static String uploadName(GradioApp.Call call, int index, String component) {
        String name = call.inputs().get(index).path("orig_name").asText("");
        String base = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
        return component + " '" + (base.isBlank() ? call.file(index).getFileName() : base) + "'";
    }

    /** Gradio's label value: the best label and every label's confidence, best first. */
    private static JsonNode label(List<Outputs.LabelScore> scores) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("label", scores.isEmpty() ? null : scores.getFirst().label());
        ArrayNode confidences = out.putArray("confidences");
        scores.forEach(s -> confidences.addObject().put("label", s.label()).put("confidence", s.score()));
        return out;
    }

    /** The chat: the history, the user's message, and the model's reply as it grows. */
    private List<JsonNode> chat(Catalog.Entry model, GradioApp.Call call) {
        String message = call.inputs().get(0).asText("");
        if (message.isBlank()) {
            throw new GradioError("Message is empty; write something to the model");
        }
        List<ChatTemplate.Message> messages = new ArrayList<>();
        JsonNode history = call.inputs().get(1);
        for (JsonNode m : history.isArray() ? history : Json.MAPPER.createArrayNode()) {
            String role = m.path("role").asText("");
            if (!List.of("user", "assistant", "system").contains(role) || !m.path("content").isTextual()) {
                throw new GradioError("History: each message is {role: user|assistant|system, content: text}");
            }
            messages.add(new ChatTemplate.Message(role, m.path("content").asText()));
        }
        messages.add(new ChatTemplate.Message("user", message));
        int newTokens = call.inputs().get(2).asInt(128);
        if (newTokens < 1 || newTokens > maxTokens) {
            throw new GradioError("Max new tokens is " + newTokens + "; give 1 to " + maxTokens + " (--max-tokens)");
        }
        ArrayNode conversation = history.isArray() ? history.deepCopy() : Json.MAPPER.createArrayNode();
        conversation.addObject().put("role", "user").put("content", message);
        ObjectNode reply = conversation.addObject().put("role", "assistant").put("content", "");
        double temperature = call.inputs().get(3).asDouble(0);
        long seed = call.inputs().get(4).asLong(0);
        StringBuilder text = new StringBuilder();
        Generator.TextListener listener = (piece, tokens) -> {
            text.append(piece);
            reply.put("content", text.toString());
            return call.partial(List.of(conversation.deepCopy()));
        };
        try (GenerationGate.Permit permit = gate.enter()) {
            Generator.Result result = model.isPipelineModel()
                    ? chatbotReply(model, messages, newTokens, temperature, seed, listener)
                    : languageModelReply(model, messages, newTokens, temperature, seed, listener);
            gate.finished(result.finish() == Generator.Finish.CANCELLED);
            reply.put("content", result.text());
            return List.of(conversation);
        }
    }

    /** A language model's reply through its chat template. */
    private Generator.Result languageModelReply(Catalog.Entry model, List<ChatTemplate.Message> messages, int newTokens,
                                                double temperature, long seed, Generator.TextListener listener) {
        try (ModelPool.Lease<ModelFolder.Loaded> lease = pool.lease(model)) {
            ChatTemplate.Rendered rendered = ChatTemplate.of(model.dir()).render(messages);
            Sampling sampling = new Sampling(newTokens, temperature, 0, 1, rendered.stops(), seed);
            int[] prompt = OpenAiApi.promptIds(lease.loaded(), rendered.prompt(), newTokens, "the conversation");
            return Generator.generate(lease.loaded().model(), lease.loaded().tokenizer(), prompt, sampling, 0,
                    listener);
        }
    }

    /**
     * An encoder-decoder chat model's reply (the conversational task's): greedy at temperature 0, else sampled, with
     * the checkpoint's other generation settings and at most as many tokens as its decoder holds.
     */
    private Generator.Result chatbotReply(Catalog.Entry model, List<ChatTemplate.Message> messages, int newTokens,
                                          double temperature, long seed, Generator.TextListener listener) {
        try (ModelPool.Lease<Encoder> lease = pool.leaseEncoder(model, Task.CONVERSATIONAL)) {
            if (!(lease.loaded() instanceof Chatbot bot)) {
                throw new GradioError("the model is loaded for another task here; chat with it once that is done");
            }
            Inputs.Conversation conversation = new Inputs.Conversation(messages.stream()
                    .map(m -> new Inputs.Message(m.role(), m.content())).toList());
            GenerationConfig settings = bot.generationConfig().withMaxNewTokens(Math.min(newTokens,
                    bot.maxReplyTokens())).withSampling(temperature, 0, 1);
            return bot.reply(conversation, settings, List.of(), seed, listener);
        }
    }

    /** The non-blank parts of a text input, split at {@code separator} and trimmed. */
    private static List<String> lines(JsonNode text, String separator) {
        List<String> out = new ArrayList<>();
        for (String part : text.asText("").split(separator)) {
            if (!part.isBlank()) {
                out.add(part.strip());
            }
        }
        return out;
    }

    private static ObjectNode object(String field, JsonNode value) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.set(field, value);
        return out;
    }
}

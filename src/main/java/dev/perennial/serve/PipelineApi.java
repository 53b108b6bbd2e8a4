package dev.perennial.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.UserError;
import dev.perennial.audio.WavWriter;
import dev.perennial.audio.Waveform;
import dev.perennial.image.RgbImage;
import dev.perennial.io.Json;
import dev.perennial.pipeline.Encoder;
import dev.perennial.pipeline.Inputs;
import dev.perennial.pipeline.Outputs;
import dev.perennial.pipeline.Pipeline;
import dev.perennial.pipeline.PipelineOptions;
import dev.perennial.pipeline.Requests;
import dev.perennial.pipeline.Task;
import dev.perennial.speech.TranscriptFormat;
import dev.perennial.speech.Transcription;
import io.javalin.http.Context;
import io.javalin.http.UploadedFile;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The pipeline tasks over HTTP, on the encoders of the served model folders: OpenAI's POST /v1/embeddings
 * (feature-extraction), and POST /api/pipeline/TASK for every task served ({@link Catalog#servedTasks()}), whose
 * inputs are {@link Requests}' JSON (images and audio inline only: base64 or a data: URL; the server never reads a
 * file named by a request) or, for the zero-shot classification tasks, a multipart form with the image or audio as a
 * file. Audio is decoded inside the gate, one recording at a time, and refused past {@link #MAX_AUDIO_SECONDS}. Image search ranks the one folder
 * given when the server started (its cached index is brought up to date on each request, under the gate). Forward
 * passes go through the {@link GenerationGate} like generations, so one client cannot queue unbounded work.
 */
final class PipelineApi {

    /** An image field checked for being base64 or a data: URL, not decoded (a stand-in image is returned). */
    private static final Requests.Images UNDECODED = value -> Requests.inlineBytes(value) == null
            ? Requests.INLINE.read(value) // refuses it, with the format's own message
            : new RgbImage(1, 1, new byte[3]);

    /** An audio field checked for being base64 or a data: URL, not decoded (a stand-in recording is returned). */
    private static final Requests.Sounds UNDECODED_AUDIO = value -> Requests.inlineBytes(value) == null
            ? Requests.INLINE_AUDIO.read(value) // refuses it, with the format's own message
            : new Waveform(new float[1], Requests.AUDIO_RATE);

    /**
     * The longest recording a request may hold, in seconds: CLAP reads 10 s of it, and a decoded minute at 48 kHz
     * takes 11 MB, so a compressed upload of --max-request-bytes cannot become more than about 110 MB of samples.
     */
    static final int MAX_AUDIO_SECONDS = 600;

    /** Uploaded audio at {@code task}'s rate, refused when longer than {@link #MAX_AUDIO_SECONDS}. */
    static Requests.Sounds boundedAudio(Task<?, ?> task) {
        return Requests.inlineAudio(MAX_AUDIO_SECONDS, Requests.audioRate(task));
    }

    /** The file part of each task that takes a multipart form. */
    private static final Map<Task<?, ?>, String> FORM_FILES = Map.of(Task.ZERO_SHOT_IMAGE_CLASSIFICATION, "image",
            Task.ZERO_SHOT_AUDIO_CLASSIFICATION, "audio", Task.AUTOMATIC_SPEECH_RECOGNITION, "audio",
            Task.OBJECT_DETECTION, "image", Task.DEPTH_ESTIMATION, "image", Task.IMAGE_TO_TEXT, "image", Task.VISUAL_QUESTION_ANSWERING, "image",
            Task.IMAGE_TEXT_MATCHING, "image");

    /** The text fields of the BLIP tasks' forms, passed on as strings. */
    private static final Map<Task<?, ?>, String> FORM_TEXTS = Map.of(Task.IMAGE_TO_TEXT, "prompt",
            Task.VISUAL_QUESTION_ANSWERING, "question", Task.IMAGE_TEXT_MATCHING, "text");

    private final Catalog catalog;
    private final ModelPool pool;
    private final GenerationGate gate;
    private final PipelineOptions options;
    private final long maxRequestBytes;
    /** The embedding dimension of each model folder seen so far (the encoder does not say it before a pass). */
    private final Map<Path, Integer> dimensions = new ConcurrentHashMap<>();

    /** {@code images}: the folder that image-search ranks (null: not served). */
    PipelineApi(Catalog catalog, ModelPool pool, GenerationGate gate, Path images, long maxRequestBytes) {
        this.catalog = catalog;
        this.pool = pool;
        this.gate = gate;
        this.options = PipelineOptions.defaults().withImages(images);
        this.maxRequestBytes = maxRequestBytes;
    }

    /** POST /v1/embeddings: OpenAI's request and answer, usage counting the tokens the model read. */
    void embeddings(Context ctx, JsonNode body) {
        EmbeddingRequest request = EmbeddingRequest.parse(body);
        Catalog.Entry model = catalog.requireModel(request.model(), new Catalog.PipelineTask(Task.FEATURE_EXTRACTION,
                "embeddings (/v1/embeddings)"));
        Integer known = dimensions.get(model.dir());
        if (known != null) {
            requireDimensions(request, model, known); // before any work, once the model's dimension is known
        }
        List<Inputs.Text> texts = request.input().stream().map(Inputs.Text::new).toList();
        List<Outputs.Embedding> vectors = run(model, Task.FEATURE_EXTRACTION, pipeline -> pipeline.run(texts));
        int dimension = vectors.getFirst().embedding().length;
        dimensions.put(model.dir(), dimension);
        requireDimensions(request, model, dimension);
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("object", "list");
        ArrayNode data = out.putArray("data");
        long tokens = 0;
        for (int i = 0; i < vectors.size(); i++) {
            Outputs.Embedding vector = vectors.get(i);
            ObjectNode entry = data.addObject().put("object", "embedding").put("index", i);
            if (request.base64()) {
                entry.put("embedding", Outputs.Embedding.base64(vector.embedding()));
            } else {
                ArrayNode values = entry.putArray("embedding");
                for (float v : vector.embedding()) {
                    values.add(v);
                }
            }
            tokens += vector.tokens();
        }
        out.put("model", model.name());
        out.putObject("usage").put("prompt_tokens", tokens).put("total_tokens", tokens);
        PerennialApi.json(ctx, out);
    }

    /**
     * POST /v1/audio/speech: OpenAI's request; the audio bytes as the answer (audio/wav, or audio/pcm with the rate
     * in X-Sampling-Rate).
     */
    void speech(Context ctx, JsonNode body) {
        SpeechRequest request = SpeechRequest.parse(body);
        Catalog.Entry model = catalog.requireModel(request.model(), new Catalog.PipelineTask(Task.TEXT_TO_SPEECH,
                "speech (/v1/audio/speech)"));
        Inputs.Speech input;
        try {
            input = new Inputs.Speech(request.input(), request.speed(), request.seed());
        } catch (UserError e) {
            throw ApiError.badRequest("input", e.getMessage());
        }
        Outputs.Speech speech;
        try {
            speech = run(model, Task.TEXT_TO_SPEECH, pipeline -> pipeline.run(List.of(input))).getFirst();
        } catch (dev.perennial.pipeline.PipelineInputError e) {
            throw ApiError.badRequest("input", e.getMessage());
        }
        ctx.header("X-Sampling-Rate", Integer.toString(speech.samplingRate()));
        if (request.wav()) {
            ctx.contentType("audio/wav").result(WavWriter.wav(new Waveform(speech.waveform(), speech.samplingRate())));
        } else {
            ctx.contentType("audio/pcm").result(WavWriter.pcm16(speech.waveform()));
        }
    }

    /**
     * POST /v1/audio/transcriptions: OpenAI's multipart request ({@link TranscriptionRequest}); the transcript in the
     * response_format asked for. The upload is decoded inside the gate, refused past {@link #MAX_AUDIO_SECONDS}.
     */
    void transcriptions(Context ctx) {
        if (!ctx.isMultipartFormData()) {
            throw ApiError.badRequest(null, "a transcription request is a multipart form (file, model, "
                    + "response_format, ...), as OpenAI's clients send it");
        }
        TranscriptionRequest request = TranscriptionRequest.parse(readForm(ctx, "file",
                TranscriptionRequest.FIELDS));
        Task<Inputs.Recording, Transcription> task = Task.AUTOMATIC_SPEECH_RECOGNITION;
        Catalog.Entry model = catalog.requireModel(request.model(), new Catalog.PipelineTask(task,
                "transcriptions (/v1/audio/transcriptions)"));
        ObjectNode input = Json.MAPPER.createObjectNode().put("audio", Base64.getEncoder().encodeToString(
                request.file())).put("return_timestamps", request.timestamps()).put("num_beams", 1);  // temperature 0
        if (request.language() != null) {
            input.put("language", request.language());
        }
        Transcription result = run(model, task, pipeline -> {
            try {
                return pipeline.run(List.of(Requests.parse(task, input, Requests.INLINE, boundedAudio(task))));
            } catch (UserError e) { // not audio, too long, or a language the model does not have
                throw ApiError.badRequest(e.getMessage().startsWith("--language") ? "language" : "file",
                        e.getMessage());
            }
        }).getFirst();
        ctx.contentType(request.format().contentType()).result(result.render(request.format()));
    }

    private static JsonNode pipelineJson(Transcription transcription) {
        try {
            return Json.MAPPER.readTree(transcription.render(TranscriptFormat.PIPELINE));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void requireDimensions(EmbeddingRequest request, Catalog.Entry model, int dimension) {
        if (request.dimensions() != 0 && request.dimensions() != dimension) {
            throw ApiError.badRequest("dimensions", "'dimensions' is " + request.dimensions() + ", but the model '"
                    + model.name() + "' gives vectors of " + dimension + " dimensions and cannot shorten them: leave "
                    + "'dimensions' out, or set it to " + dimension);
        }
    }

    /**
     * POST /api/pipeline/TASK with {"model": ID, "inputs": INPUT or [INPUT, ...]} (or a multipart form for image
     * tasks): {"model", "task", "results": [one result per input, in order]}.
     */
    void task(Context ctx, Supplier<JsonNode> jsonBody) {
        Task<?, ?> task = servedTask(ctx.pathParam("task"));
        JsonNode body = ctx.isMultipartFormData() ? form(ctx, task) : jsonBody.get();
        answer(ctx, task, body);
    }

    private <I, O> void answer(Context ctx, Task<I, O> task, JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ApiError.badRequest(null, "the body must be a JSON object: {\"model\": ID, \"inputs\": INPUT or "
                    + "[INPUT, ...]}");
        }
        for (var names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!name.equals("model") && !name.equals("inputs")) {
                throw ApiError.badRequest(name, "unknown field '" + name + "'; the body has \"model\" and \"inputs\" "
                        + "(the fields of each input go inside \"inputs\")");
            }
        }
        JsonNode modelName = body.path("model");
        if (!modelName.isTextual() || modelName.asText().isBlank()) {
            throw ApiError.badRequest("model", "'model' is missing: give the id of a model that runs " + task.name()
                    + " (GET /v1/models lists them with their tasks)");
        }
        Catalog.Entry model = catalog.requireModel(modelName.asText(), new Catalog.PipelineTask(task, task.name()));
        JsonNode inputs = body.path("inputs");
        List<JsonNode> items = items(task, inputs);
        List<O> results;
        if (FORM_FILES.containsKey(task)) {
            // Every input is checked first, its image or audio only for being base64; then they are decoded one at a
            // time while holding a gate slot, so that a request's memory is one decoded file, not all of them.
            parse(task, items, inputs.isArray(), UNDECODED, UNDECODED_AUDIO);
            results = run(model, task, pipeline -> {
                List<O> out = new ArrayList<>(items.size());
                for (int i = 0; i < items.size(); i++) {
                    out.add(pipeline.run(parse(task, items.get(i), i, inputs.isArray(), Requests.INLINE,
                            boundedAudio(task))));
                }
                return out;
            });
        } else {
            List<I> parsed = parse(task, items, inputs.isArray(), Requests.INLINE, boundedAudio(task));
            results = run(model, task, pipeline -> pipeline.run(parsed));
        }
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("model", model.name());
        out.put("task", task.name());
        ArrayNode list = out.putArray("results");
        results.forEach(r -> list.add(r instanceof Transcription t ? pipelineJson(t)
                : r instanceof Outputs.Depth d ? depthJson(d) : Json.MAPPER.valueToTree(r)));
        PerennialApi.json(ctx, out);
    }

    /** A depth result's JSON with its picture as "depth", a PNG data: URL (the pipeline's depth image). */
    private static JsonNode depthJson(Outputs.Depth depth) {
        ObjectNode json = Json.MAPPER.valueToTree(depth);
        json.put("depth", "data:image/png;base64," + Base64.getEncoder().encodeToString(depth.picture().png()));
        return json;
    }

    /** The inputs of the body: one object, or a list of them. */
    private static List<JsonNode> items(Task<?, ?> task, JsonNode inputs) {
        if (inputs.isMissingNode() || inputs.isNull()) {
            throw ApiError.badRequest("inputs", "'inputs' is missing: give one " + task.name() + " input (a JSON "
                    + "object) or a list of them");
        }
        List<JsonNode> items = new ArrayList<>();
        if (inputs.isArray()) {
            inputs.forEach(items::add);
        } else {
            items.add(inputs);
        }
        if (items.isEmpty()) {
            throw ApiError.badRequest("inputs", "'inputs' is an empty list: give at least one input");
        }
        if (items.size() > EmbeddingRequest.MAX_INPUTS) {
            throw ApiError.badRequest("inputs", "'inputs' has " + items.size() + " items; at most "
                    + EmbeddingRequest.MAX_INPUTS + " are run per request: split it");
        }
        return items;
    }

    /** {@code items} parsed by {@link Requests}. */
    private static <I> List<I> parse(Task<I, ?> task, List<JsonNode> items, boolean list, Requests.Images images,
                                     Requests.Sounds sounds) {
        List<I> out = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            out.add(parse(task, items.get(i), i, list, images, sounds));
        }
        return out;
    }

    /** Input {@code index} parsed by {@link Requests}; an error names it ("inputs[3]: ...") and its field. */
    private static <I> I parse(Task<I, ?> task, JsonNode item, int index, boolean list, Requests.Images images,
                               Requests.Sounds sounds) {
        try {
            return Requests.parse(task, item, images, sounds);
        } catch (UserError e) { // a missing field, a file that is not base64, cannot be decoded or is too long
            throw ApiError.badRequest("inputs", (list ? "inputs[" + index + "]: " : "inputs: ") + e.getMessage());
        }
    }

    /** What {@code work} gives with the model's encoder, holding a gate slot and the model while it runs. */
    <I, O> List<O> run(Catalog.Entry model, Task<I, O> task, Function<Pipeline<I, O>, List<O>> work) {
        try (GenerationGate.Permit permit = gate.enter();
             ModelPool.Lease<Encoder> lease = pool.leaseEncoder(model, task);
             Pipeline<I, O> pipeline = Pipeline.over(task, lease.loaded(), options)) {
            List<O> results = work.apply(pipeline);
            gate.finished(false);
            return results;
        }
    }

    /** The task named in the path, or 404 listing those served. */
    private Task<?, ?> servedTask(String name) {
        List<Task<?, ?>> served = catalog.servedTasks();
        for (Task<?, ?> task : served) {
            if (task.name().equals(name)) {
                return task;
            }
        }
        String tasks = String.join(", ", served.stream().map(Task::name).toList());
        if (name.equals(Task.IMAGE_SEARCH.name())) {
            throw ApiError.notFound("image-search is not served here: it ranks a folder of images given when the "
                    + "server starts (perennial serve --images DIR), never one named by a request; the tasks served "
                    + "here are " + tasks);
        }
        throw ApiError.notFound("no task '" + name + "'; the tasks served are " + tasks + " (POST /api/pipeline/TASK)");
    }

    /**
     * A multipart form as the JSON body it stands for: "model", the file part "image" or "audio" (its bytes as
     * base64), and the task's fields: "candidate_labels" (repeated, or comma-separated) and "hypothesis_template" for
     * the zero-shot tasks; "return_timestamps", "language", "task", "chunk_length_s" and "num_beams" for speech
     * recognition; "threshold" for object detection; "prompt", "question" or "text" for image-to-text,
     * visual-question-answering and image-text-matching.
     */
    private JsonNode form(Context ctx, Task<?, ?> task) {
        String part = FORM_FILES.get(task);
        if (part == null) {
            throw ApiError.badRequest(null, task.name() + " takes a JSON body {\"model\": ID, \"inputs\": ...}; "
                    + "multipart forms are for image and audio uploads (zero-shot-image-classification, "
                    + "zero-shot-audio-classification, automatic-speech-recognition, object-detection, "
                    + "depth-estimation, image-to-text, visual-question-answering, image-text-matching)");
        }
        boolean speech = task == Task.AUTOMATIC_SPEECH_RECOGNITION;
        Set<String> taskFields = speech ? Set.of("return_timestamps", "language", "task", "chunk_length_s", "num_beams")
                : task == Task.OBJECT_DETECTION ? Set.of("threshold")
                : task == Task.DEPTH_ESTIMATION ? Set.<String>of()
                : Set.of("candidate_labels", "hypothesis_template");
        String text = FORM_TEXTS.get(task);
        Set<String> formFields = new java.util.HashSet<>(text != null ? Set.of(text) : taskFields);
        formFields.add("model");
        Form form = readForm(ctx, part, formFields);
        ObjectNode body = Json.MAPPER.createObjectNode();
        if (form.first("model") != null) {
            body.put("model", form.first("model"));
        }
        ObjectNode input = body.putObject("inputs");
        if (form.file() != null) {
            input.put(part, Base64.getEncoder().encodeToString(form.file()));
        }
        if (text != null) {
            if (form.first(text) != null) {
                input.put(text, form.first(text));
            }
            return body;
        }
        if (speech || task == Task.OBJECT_DETECTION || task == Task.DEPTH_ESTIMATION) {
            for (String field : taskFields) {
                String value = form.first(field);
                if (value != null) {
                    input.set(field, formValue(value));
                }
            }
            return body;
        }
        ArrayNode labels = input.putArray("candidate_labels");
        for (String value : form.fields().getOrDefault("candidate_labels", List.of())) {
            for (String label : value.split(",")) {
                if (!label.isBlank()) {
                    labels.add(label.strip());
                }
            }
        }
        if (labels.isEmpty()) {
            input.remove("candidate_labels"); // reported as missing, by name
        }
        if (form.first("hypothesis_template") != null) {
            input.put("hypothesis_template", form.first("hypothesis_template"));
        }
        return body;
    }

    /** A form field as JSON: true, false or a number when it reads as one, else the text. */
    private static JsonNode formValue(String value) {
        if (value.equals("true") || value.equals("false")) {
            return Json.MAPPER.getNodeFactory().booleanNode(Boolean.parseBoolean(value));
        }
        try {
            return Json.MAPPER.getNodeFactory().numberNode(new java.math.BigDecimal(value.strip()));
        } catch (NumberFormatException e) {
            return Json.MAPPER.getNodeFactory().textNode(value);
        }
    }

    /** A multipart form read whole: its text fields and the one file sent as the field {@code part}, if any. */
    record Form(Map<String, List<String>> fields, byte[] file) {

        /** The first value of field {@code name}, or null. */
        String first(String name) {
            List<String> values = fields.getOrDefault(name, List.of());
            return values.isEmpty() ? null : values.getFirst();
        }
    }

    /** The form of {@code ctx}, up to the size limit; a field outside {@code formFields} or a second file refused. */
    Form readForm(Context ctx, String part, Set<String> formFields) {
        List<UploadedFile> files;
        List<UploadedFile> uploads;
        Map<String, List<String>> fields;
        try { // the whole form is read here, up to the size limit
            files = ctx.uploadedFiles();
            uploads = ctx.uploadedFiles(part);
            fields = ctx.formParamMap();
        } catch (Exception e) { // Jetty's ServletException arrives undeclared, through Kotlin
            throw formError(e);
        }
        for (String name : fields.keySet()) {
            if (!formFields.contains(name) && !name.equals(part)) { // the file's name is listed too
                throw ApiError.badRequest(name, "unknown form field '" + name + "'; the form has "
                        + String.join(", ", java.util.stream.Stream.concat(formFields.stream(), java.util.stream.Stream
                        .of(part)).sorted().toList()));
            }
        }
        if (files.size() != uploads.size()) {
            throw ApiError.badRequest(part, "the " + part + " file must be sent as the form field '" + part + "'");
        }
        if (uploads.size() > 1) {
            throw ApiError.badRequest(part, "the form has " + uploads.size() + " " + part + " files; send one per "
                    + "request (or a JSON body with a list of inputs)");
        }
        if (uploads.isEmpty()) {
            return new Form(fields, null);
        }
        try (InputStream in = uploads.getFirst().content()) {
            return new Form(fields, in.readAllBytes());
        } catch (IOException e) {
            throw ApiError.badRequest(part, "could not read the uploaded " + part + ": " + e.getMessage());
        }
    }

    /** A form that could not be read: 413 when it went past the size limit, else 400, with Jetty's reason. */
    private ApiError formError(Exception e) {
        StringBuilder reasons = new StringBuilder();
        for (Throwable t = e; t != null && reasons.length() < 1000; t = t.getCause()) {
            reasons.append(' ').append(t.getMessage());
        }
        String why = reasons.toString().toLowerCase(Locale.ROOT);
        if (why.contains("size") || why.contains("exceed") || why.contains("too large") || why.contains("max")) {
            return ApiError.tooLarge(maxRequestBytes);
        }
        return ApiError.badRequest(null, "the multipart form could not be read:" + reasons);
    }
}

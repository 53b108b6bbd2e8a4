package dev.perennial.gradio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.http.SseStream;
import dev.perennial.io.Json;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.UploadedFile;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The HTTP routes of the Gradio apps, each app under {@code /apps/NAME/} (one Gradio config is one app, so each
 * has its own /config and /gradio_api): config, info, upload, file, queue join and data, heartbeat, and the curl
 * API. Refusals are FastAPI's {@code {"detail": MESSAGE}} with Gradio's statuses. {@link #list} answers the
 * apps as JSON (its caller decides when: {@code GET /apps} also has a page for browsers).
 */
public final class GradioRoutes {

    public static final String MOUNT = "/apps";
    static final String API_PREFIX = "/gradio_api";
    static final long HEARTBEAT_MILLIS = 15_000;

    private final Map<String, GradioApp> apps = new LinkedHashMap<>();
    private final Map<String, String> models;
    private final EventQueue queue;
    private final FileStore files;
    private final long maxFileBytes;

    /** {@code models}: the model each app runs, by app name, for the listing. */
    public GradioRoutes(List<GradioApp> apps, Map<String, String> models, EventQueue queue, FileStore files,
                        long maxFileBytes) {
        apps.forEach(a -> this.apps.put(a.name(), a));
        this.models = Map.copyOf(models);
        this.queue = queue;
        this.files = files;
        this.maxFileBytes = maxFileBytes;
    }

    public void register(RoutesConfig routes) {
        String api = MOUNT + "/{app}" + API_PREFIX;
        routes.get(MOUNT + "/{app}/config", ctx -> json(ctx, app(ctx).config(root(ctx), maxFileBytes)));
        routes.get(api + "/info", ctx -> json(ctx, app(ctx).info()));
        routes.post(api + "/upload", this::upload);
        routes.get(api + "/file=<path>", this::file);
        routes.post(api + "/queue/join", this::join);
        routes.get(api + "/queue/data", this::data);
        routes.get(api + "/heartbeat/{session}", this::heartbeat);
        routes.post(api + "/cancel", this::cancel);
        // Gradio's /reset is a no-op since /cancel does the work (routes.py reset_iterator); the JS client calls it
        routes.post(api + "/reset", ctx -> json(ctx, Json.MAPPER.createObjectNode().put("success", true)));
        routes.post(api + "/call/{api}", this::call);
        routes.get(api + "/call/{api}/{event}", this::callStream);
        routes.exception(HttpRefusal.class, (e, ctx) -> {
            ctx.status(e.status());
            ObjectNode body = Json.MAPPER.createObjectNode().put("detail", e.getMessage());
            ctx.contentType("application/json").result(body.toString());
        });
    }

    /** Whether an app is served as {@code name}. */
    public boolean serves(String name) {
        return apps.containsKey(name);
    }

    /** The apps, their models and URLs, as JSON. */
    public void list(Context ctx) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        ArrayNode list = out.putArray("apps");
        for (GradioApp app : apps.values()) {
            list.addObject().put("name", app.name()).put("title", app.title()).put("model", models.get(app.name()))
                    .put("api_name", "/" + app.apiName()).put("url", MOUNT + "/" + app.name() + "/");
        }
        json(ctx, out);
    }

    private GradioApp app(Context ctx) {
        GradioApp app = apps.get(ctx.pathParam("app"));
        if (app == null) {
            throw new HttpRefusal(404, "no app '" + ctx.pathParam("app") + "'; the apps are " + apps.keySet()
                    + " (GET " + MOUNT + ")");
        }
        return app;
    }

    /** The app's URL as the client reached it, without a trailing slash (Gradio's config "root"). */
    private static String root(Context ctx) {
        String url = ctx.url();
        String app = MOUNT + "/" + ctx.pathParam("app");
        return url.substring(0, url.indexOf(app) + app.length());
    }

    /** POST upload: multipart field "files", answered with the server path of each, in order. */
    private void upload(Context ctx) {
        app(ctx);
        List<UploadedFile> uploaded;
        try {
            uploaded = ctx.uploadedFiles("files");
        } catch (Exception e) { // Jetty's ServletException arrives undeclared; over the limit it names the size
            throw new HttpRefusal(413, "the upload could not be read (files up to " + maxFileBytes
                    + " bytes, --max-request-bytes): " + e.getMessage());
        }
        if (uploaded.isEmpty()) {
            throw new HttpRefusal(422, "no files: send them as the multipart field 'files'");
        }
        ArrayNode paths = Json.MAPPER.createArrayNode();
        for (UploadedFile file : uploaded) {
            if (file.size() > maxFileBytes) {
                throw new HttpRefusal(413, file.filename() + " is larger than " + maxFileBytes + " bytes");
            }
            try (InputStream in = file.content()) {
                paths.add(files.save(file.filename(), in));
            } catch (IOException e) {
                throw new HttpRefusal(400, "could not read the upload " + file.filename() + ": " + e.getMessage());
            }
        }
        json(ctx, paths);
    }

    /** GET file=PATH: a file this server stored, never any other. */
    private void file(Context ctx) throws IOException {
        app(ctx);
        Path file = files.resolve(ctx.pathParam("path"));
        ctx.contentType(FileStore.mimeType(file));
        ctx.header("Content-Disposition", "inline");
        ctx.result(Files.readAllBytes(file));
    }

    /** POST queue/join: {data, fn_index, session_hash, ...} to {"event_id"}. */
    private void join(Context ctx) {
        GradioApp app = app(ctx);
        JsonNode body = body(ctx);
        JsonNode session = body.path("session_hash");
        if (!session.isTextual() || session.asText().isBlank()) {
            throw new HttpRefusal(400, "Session hash not found.");
        }
        JsonNode fn = body.path("fn_index");
        if (!fn.isMissingNode() && !fn.isNull() && fn.asInt(-1) != GradioApp.FN_INDEX) {
            throw new HttpRefusal(400, "no function " + fn + " in the app '" + app.name() + "'; its one endpoint is "
                    + "/" + app.apiName() + " (fn_index " + GradioApp.FN_INDEX + ")");
        }
        String id = queue.join(app, root(ctx), inputs(app, body), session.asText(), false);
        json(ctx, Json.MAPPER.createObjectNode().put("event_id", id));
    }

    /**
     * POST cancel with {session_hash, event_id, fn_index}: the clients' job cancel (gradio_client Job.cancel,
     * @gradio/client's cancel). Answered with null as Gradio's cancel_event answers, whether or not the call was
     * still going.
     */
    private void cancel(Context ctx) {
        app(ctx);
        JsonNode body = body(ctx);
        queue.cancel(body.path("session_hash").asText(""), body.path("event_id").asText(""));
        json(ctx, Json.MAPPER.nullNode());
    }

    /** POST call/API_NAME with {"data": [...]}: the curl API's first half. */
    private void call(Context ctx) {
        GradioApp app = app(ctx);
        requireApiName(app, ctx.pathParam("api"));
        String id = queue.join(app, root(ctx), inputs(app, body(ctx)), null, true);
        json(ctx, Json.MAPPER.createObjectNode().put("event_id", id));
    }

    private static void requireApiName(GradioApp app, String name) {
        if (!name.equals(app.apiName())) {
            throw new HttpRefusal(404, "no endpoint '/" + name + "' in the app '" + app.name() + "'; its endpoint is "
                    + "/" + app.apiName());
        }
    }

    /** The call's inputs: "data", one value per input component, each of its component's kind (else 422). */
    private static List<JsonNode> inputs(GradioApp app, JsonNode body) {
        JsonNode data = body.path("data");
        if (!data.isArray()) {
            throw new HttpRefusal(422, "'data' must be a list of the inputs' values, in order: " + labels(app));
        }
        if (data.size() != app.inputs().size()) {
            throw new HttpRefusal(422, "'data' has " + data.size() + " values; /" + app.apiName() + " takes "
                    + app.inputs().size() + ": " + labels(app));
        }
        List<JsonNode> inputs = new ArrayList<>();
        for (int i = 0; i < data.size(); i++) {
            String refusal = app.inputs().get(i).refusal(data.get(i));
            if (refusal != null) {
                throw new HttpRefusal(422, "data[" + i + "]: " + refusal);
            }
            inputs.add(data.get(i));
        }
        return inputs;
    }

    private static String labels(GradioApp app) {
        return String.join(", ", app.inputs().stream().map(Component::label).toList());
    }

    /** GET queue/data?session_hash=: the session's messages, until its last call's completion, then close_stream. */
    private void data(Context ctx) throws InterruptedException {
        app(ctx);
        String hash = ctx.queryParam("session_hash");
        EventQueue.Session session = hash == null ? null : queue.session(hash);
        if (session == null) {
            throw new HttpRefusal(404, "Session not found.");
        }
        SseStream stream = new SseStream(ctx);
        while (true) {
            ObjectNode message = session.next(HEARTBEAT_MILLIS);
            if (message == null) {
                message = Messages.heartbeat();
            }
            if (!stream.send(null, message.toString())) {
                queue.abandon(hash, session);
                return;
            }
            if (isCompletion(message) && queue.delivered(hash, session, message.path("event_id").asText())) {
                stream.send(null, Messages.closeStream().toString());
                return;
            }
        }
    }

    /** GET call/API_NAME/EVENT_ID: the curl API's named events (generating, complete, error, heartbeat). */
    private void callStream(Context ctx) throws InterruptedException {
        GradioApp app = app(ctx);
        requireApiName(app, ctx.pathParam("api"));
        String id = ctx.pathParam("event");
        EventQueue.Session session = queue.session(id);
        if (session == null) {
            throw new HttpRefusal(404, "no event '" + id + "' waiting to be read (each is read once)");
        }
        SseStream stream = new SseStream(ctx);
        while (true) {
            ObjectNode message = session.next(HEARTBEAT_MILLIS);
            String msg = message == null ? Messages.HEARTBEAT : message.path("msg").asText();
            boolean success = message != null && message.path("success").asBoolean(false);
            boolean sent = switch (msg) {
                case Messages.HEARTBEAT -> stream.send("heartbeat", "null");
                case Messages.GENERATING -> stream.send("generating", message.path("output").path("data").toString());
                case Messages.COMPLETED -> success ? stream.send("complete", message.path("output").path("data")
                        .toString()) : stream.send("error", message.path("output").path("error").toString());
                default -> true;
            };
            if (!sent) {
                queue.abandon(id, session);
                return;
            }
            if (isCompletion(message) && queue.delivered(id, session, id)) {
                return;
            }
        }
    }

    private static boolean isCompletion(ObjectNode message) {
        return message != null && message.path("msg").asText().equals(Messages.COMPLETED);
    }

    /** GET heartbeat/SESSION: "ALIVE" now and every 15 s while the client keeps the stream open. */
    private void heartbeat(Context ctx) throws InterruptedException {
        app(ctx);
        SseStream stream = new SseStream(ctx);
        while (stream.send(null, "ALIVE")) {
            Thread.sleep(HEARTBEAT_MILLIS);
        }
    }

    private static JsonNode body(Context ctx) {
        try {
            JsonNode body = Json.MAPPER.readTree(ctx.bodyAsBytes());
            if (body == null || !body.isObject()) {
                throw new HttpRefusal(422, "the body must be a JSON object with \"data\"");
            }
            return body;
        } catch (IOException e) {
            throw new HttpRefusal(422, "the body is not valid JSON: " + String.valueOf(e.getMessage()).lines()
                    .findFirst().orElse(""));
        }
    }

    private static void json(Context ctx, JsonNode body) {
        ctx.contentType("application/json").result(body.toString());
    }
}

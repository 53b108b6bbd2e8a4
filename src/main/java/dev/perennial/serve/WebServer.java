package dev.perennial.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.UserError;
import dev.perennial.gradio.EventQueue;
import dev.perennial.gradio.FileStore;
import dev.perennial.gradio.GradioApp;
import dev.perennial.gradio.GradioRoutes;
import dev.perennial.io.Json;
import io.javalin.Javalin;
import io.javalin.config.SizeUnit;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.staticfiles.Location;
import io.javalin.util.JavalinBindException;

import java.io.IOException;
import java.io.InputStream;
import java.net.BindException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * {@code perennial serve}: one Javalin (Jetty 12) server for the web app (pages and assets from the jar) and
 * the HTTP API (OpenAI-compatible /v1, Perennial's /api, the pipeline tasks under /v1/embeddings and
 * /api/pipeline), and the Gradio apps under /apps. With an API key, every /v1, /api and /apps request needs
 * {@code Authorization: Bearer KEY}; the pages
 * themselves are public and ask for the key. Every refusal is JSON with a 4xx status; an unexpected failure is a
 * JSON 500, never a dropped connection.
 */
public final class WebServer implements AutoCloseable {

    static final String WEB_ROOT = "/dev/perennial/serve/web";

    private final Javalin app;
    private final ModelPool pool;
    private final GenerationGate gate;
    private final ServeOptions options;

    private final EventQueue queue;
    private final FileStore files;

    private WebServer(Javalin app, ModelPool pool, GenerationGate gate, ServeOptions options, EventQueue queue,
                      FileStore files) {
        this.app = app;
        this.pool = pool;
        this.gate = gate;
        this.options = options;
        this.queue = queue;
        this.files = files;
    }

    /** A server that says nothing on the console. */
    public static WebServer start(ServeOptions options) {
        return start(options, line -> { });
    }

    /** A server that tells {@code console} what it does besides answering requests (each model it loads). */
    public static WebServer start(ServeOptions options, Consumer<String> console) {
        ServeOptions.Limits limits = options.limits();
        Catalog catalog = new Catalog(options.runRoots(), options.modelRoots(), options.images() != null);
        ModelPool pool = new ModelPool(limits.maxLoadedModels(), console);
        GenerationGate gate = new GenerationGate(limits.maxConcurrent(), limits.maxQueued());
        OpenAiApi openAi = new OpenAiApi(catalog, pool, gate);
        PerennialApi api = new PerennialApi(catalog, pool, gate);
        PipelineApi pipelines = new PipelineApi(catalog, pool, gate, options.images(),
                limits.maxRequestBytes());
        WebPages pages = new WebPages();
        FileStore files = new FileStore();
        List<GradioApp> apps;
        try {
            GradioApps gradioApps = new GradioApps(catalog, pool, gate, pipelines, limits.maxTokens(), files,
                    options.images());
            apps = options.apps().stream().map(gradioApps::app).toList();
        } catch (RuntimeException e) {
            files.close();
            throw e;
        }
        Map<String, String> appModels = options.apps().stream().collect(Collectors.toMap(AppSpec::name,
                AppSpec::model));
        EventQueue queue = new EventQueue(files, limits.maxConcurrent(), limits.maxQueued());
        GradioRoutes gradio = new GradioRoutes(apps, appModels, queue, files, limits.maxRequestBytes());
        Javalin app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.concurrency.useVirtualThreads = true;
            config.http.maxRequestSize = limits.maxRequestBytes();
            config.jetty.multipartConfig.maxTotalRequestSize(limits.maxRequestBytes(), SizeUnit.BYTES);
            config.jetty.multipartConfig.maxFileSize(limits.maxRequestBytes(), SizeUnit.BYTES);
            config.jetty.host = options.host();
            config.jetty.port = options.port();
            config.staticFiles.add(WEB_ROOT, Location.CLASSPATH);
            var routes = config.routes;
            routes.before("/v1/*", ctx -> guard(ctx, options));
            routes.before("/api/*", ctx -> guard(ctx, options));
            routes.before(GradioRoutes.MOUNT, ctx -> guardUnlessPage(ctx, options));
            routes.before(GradioRoutes.MOUNT + "/*", ctx -> guardUnlessPage(ctx, options));
            gradio.register(routes);
            routes.get(GradioRoutes.MOUNT, ctx -> {
                if (WebPages.isAppPage(ctx)) {
                    pages.serve(ctx, "apps");
                } else {
                    gradio.list(ctx);
                }
            });
            routes.get(GradioRoutes.MOUNT + "/{app}", ctx -> {
                if (!gradio.serves(ctx.pathParam("app"))) {
                    throw ApiError.notFound("no app '" + ctx.pathParam("app") + "'; the apps are listed at "
                            + GradioRoutes.MOUNT);
                }
                pages.serve(ctx, "app");
            });
            routes.get("/", ctx -> pages.serve(ctx, "index"));
            routes.get("/{page}.html", ctx -> pages.serve(ctx, ctx.pathParam("page")));
            routes.get("/favicon.ico", pages::favicon); // asked for by clients that do not read the pages' link
            routes.get("/v1/models", openAi::models);
            routes.post("/v1/completions", ctx -> openAi.complete(ctx,
                    CompletionRequest.completion(body(ctx, limits), limits.maxTokens())));
            routes.post("/v1/chat/completions", ctx -> openAi.complete(ctx,
                    CompletionRequest.chat(body(ctx, limits), limits.maxTokens())));
            routes.post("/v1/embeddings", ctx -> pipelines.embeddings(ctx, body(ctx, limits)));
            routes.post("/v1/audio/speech", ctx -> pipelines.speech(ctx, body(ctx, limits)));
            routes.post("/v1/audio/transcriptions", pipelines::transcriptions);
            routes.post("/api/pipeline/{task}", ctx -> pipelines.task(ctx, () -> body(ctx, limits)));
            routes.get("/api/health", api::health);
            routes.get("/api/runs", api::runs);
            routes.get("/api/runs/<name>", api::run);
            routes.get("/api/metrics/<name>", api::metrics);
            routes.get("/api/events/<name>", api::events);
            routes.get("/api/experiments", api::experiments);
            routes.get("/api/experiments/<name>", api::experiment);
            routes.get("/api/experiment-file", api::experimentFile);
            routes.get("/api/models", api::models);
            routes.get("/api/models/<name>", api::model);
            routes.post("/api/logprobs", ctx -> api.logprobs(ctx, body(ctx, limits)));
            routes.get("/api/hub/search", api::hubSearch);
            routes.exception(ApiError.class, (e, ctx) -> error(ctx, e.status(), e.type(), e.param(), e.code(),
                    e.getMessage()));
            routes.exception(UserError.class, (e, ctx) -> error(ctx, 400, "invalid_request_error", null, null,
                    e.getMessage()));
            routes.exception(HttpResponseException.class, (e, ctx) -> error(ctx, e.getStatus(),
                    "invalid_request_error", null, null, e.getMessage()));
            routes.exception(Exception.class, (e, ctx) -> error(ctx, 500, "server_error", null, null,
                    "internal error: " + e));
        });
        try {
            app.start();
        } catch (RuntimeException e) {
            pool.close();
            queue.close();
            files.close();
            if (e.getCause() instanceof BindException || e instanceof JavalinBindException) {
                throw new UserError(options.host() + ":" + options.port() + " is not free to listen on ("
                        + e.getMessage() + "); choose another --port, or stop what is using it", e);
            }
            throw e;
        }
        return new WebServer(app, pool, gate, options, queue, files);
    }

    public int port() {
        return app.port();
    }

    public String url() {
        String host = options.host().contains(":") ? "[" + options.host() + "]" : options.host();
        return "http://" + host + ":" + port() + "/";
    }

    /** The gate every forward pass goes through (tests hold its slots to see the server refuse with 429). */
    GenerationGate gate() {
        return gate;
    }

    /** The apps' pages are public like the others (they ask for the key); their API calls are guarded. */
    private static void guardUnlessPage(Context ctx, ServeOptions options) {
        if (!WebPages.isAppPage(ctx)) {
            guard(ctx, options);
        }
    }

    /** Checks the key (in constant time) and the declared body size before any handler reads anything. */
    private static void guard(Context ctx, ServeOptions options) {
        if (options.apiKey() != null && !ctx.method().name().equals("OPTIONS")) {
            String header = ctx.header("Authorization");
            byte[] expected = ("Bearer " + options.apiKey()).getBytes(StandardCharsets.UTF_8);
            byte[] given = header == null ? new byte[0] : header.getBytes(StandardCharsets.UTF_8);
            if (!MessageDigest.isEqual(expected, given)) {
                throw ApiError.unauthorized();
            }
        }
        long declared = ctx.req().getContentLengthLong();
        if (declared > options.limits().maxRequestBytes()) {
            throw ApiError.tooLarge(options.limits().maxRequestBytes());
        }
    }

    /** The body as JSON, read up to the size limit (bodies without a declared length are counted as read). */
    private static JsonNode body(Context ctx, ServeOptions.Limits limits) {
        byte[] bytes;
        try (InputStream in = ctx.req().getInputStream()) {
            bytes = in.readNBytes(Math.toIntExact(Math.min(Integer.MAX_VALUE - 8, limits.maxRequestBytes() + 1)));
        } catch (IOException e) {
            throw ApiError.badRequest(null, "could not read the request body: " + e.getMessage());
        }
        if (bytes.length > limits.maxRequestBytes()) {
            throw ApiError.tooLarge(limits.maxRequestBytes());
        }
        try {
            return Json.MAPPER.readTree(bytes);
        } catch (IOException e) {
            throw ApiError.badRequest(null, "the request body is not valid JSON: "
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
        }
    }

    /** OpenAI's error body; {@code code} is OpenAI's string code or null (the status is the HTTP status's). */
    private static void error(Context ctx, int status, String type, String param, String code, String message) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        ObjectNode error = out.putObject("error");
        error.put("message", message);
        error.put("type", type);
        error.put("param", param);
        error.put("code", code);
        if (ctx.res().isCommitted()) {
            return; // a stream had started: nothing more can be said on it
        }
        ctx.status(status);
        PerennialApi.json(ctx, out);
    }

    /** Blocks until the server stops (Ctrl-C). */
    public void awaitShutdown() throws InterruptedException {
        new CountDownLatch(1).await();
    }

    @Override
    public void close() {
        app.stop();
        queue.close();
        pool.close();
        files.close();
    }
}

package dev.perennial.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.UserError;
import dev.perennial.checkpoint.ModelFolder;
import dev.perennial.generate.TokenLogProbs;
import dev.perennial.hub.HubClient;
import dev.perennial.hub.HubSettings;
import dev.perennial.io.Json;
import dev.perennial.run.MetricsFile;
import dev.perennial.run.MetricsRecord;
import dev.perennial.run.RunFolder;
import io.javalin.http.Context;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Perennial's own JSON under /api: runs (with their metrics, incrementally by step, and as a live event stream),
 * experiments (results and report files), models (what each folder is), per-token log-probabilities of a text,
 * Hub search, and the server's health.
 */
final class PerennialApi {

    private static final Pattern REPORT_FILE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*\\.(png|html|md|json)");
    private static final int MAX_RECORDS = 20_000;
    private static final long POLL_MILLIS = 500;
    private static final long PING_MILLIS = 10_000;

    private final Catalog catalog;
    private final ModelPool pool;
    private final GenerationGate gate;

    PerennialApi(Catalog catalog, ModelPool pool, GenerationGate gate) {
        this.catalog = catalog;
        this.pool = pool;
        this.gate = gate;
    }

    void health(Context ctx) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("status", "ok");
        ObjectNode generations = out.putObject("generations");
        generations.put("running", gate.running());
        generations.put("waiting", gate.waiting());
        generations.put("completed", gate.completed());
        generations.put("cancelled", gate.cancelled());
        generations.put("refused", gate.refused());
        out.put("models_loaded", pool.loadedCount());
        json(ctx, out);
    }

    void runs(Context ctx) {
        ArrayNode out = Json.MAPPER.createArrayNode();
        catalog.all(Catalog.Kind.RUN).forEach(run -> out.add(runSummary(run)));
        json(ctx, out);
    }

    void run(Context ctx) {
        Catalog.Entry run = catalog.require(Catalog.Kind.RUN, ctx.pathParam("name"));
        ObjectNode out = runSummary(run);
        Path config = new RunFolder(run.dir()).configFile();
        out.put("config", Files.isRegularFile(config) ? read(config) : null);
        json(ctx, out);
    }

    /** A run's summary with the model it continued from ("parent", null for a run from scratch). */
    private ObjectNode runSummary(Catalog.Entry run) {
        ObjectNode out = RunFiles.summary(run);
        out.set("parent", ServedParent.ofRun(catalog, run.dir()).map(ServedParent::json).orElse(null));
        return out;
    }

    /** GET /api/metrics/NAME?since=STEP: records after STEP, and the step to ask from next time. */
    void metrics(Context ctx) {
        Catalog.Entry run = catalog.require(Catalog.Kind.RUN, ctx.pathParam("name"));
        RunFolder folder = new RunFolder(run.dir());
        long since = longParam(ctx, "since", -1);
        MetricsFile.Chunk all = MetricsFile.readAll(folder.metricsFile());
        List<MetricsRecord> records = RunFiles.since(all.records(), since, MAX_RECORDS);
        String status = RunFiles.status(folder);
        long last = records.isEmpty() ? since : records.getLast().step();
        // the newest step of a live run may still get its evaluation record: ask for it again
        long next = status.equals("running") && records.size() < MAX_RECORDS ? Math.max(since, last - 1) : last;
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("run", run.name());
        out.put("status", status);
        out.put("next_since", next);
        out.put("unreadable_lines", all.unreadableAt().size());
        out.set("records", RunFiles.json(records));
        json(ctx, out);
    }

    /**
     * GET /api/events/NAME?since=STEP: server-sent events. "metrics" events carry new records as they are
     * written; "reset" says the file was cut back (a resumed run) and everything is sent again; "end" closes the
     * stream once the run has finished.
     */
    void events(Context ctx) {
        Catalog.Entry run = catalog.require(Catalog.Kind.RUN, ctx.pathParam("name"));
        RunFolder folder = new RunFolder(run.dir());
        long since = longParam(ctx, "since", -1);
        SseStream sse = new SseStream(ctx);
        long offset = 0;
        long lastPing = System.currentTimeMillis();
        boolean first = true;
        while (sse.open()) {
            MetricsFile.Chunk chunk = MetricsFile.read(folder.metricsFile(), offset);
            if (chunk.reset() && !sse.send("reset", "{}")) {
                return;
            }
            List<MetricsRecord> records = first ? RunFiles.since(chunk.records(), since, Integer.MAX_VALUE)
                    : chunk.records();
            first = false;
            offset = chunk.next();
            if (!records.isEmpty()) {
                ObjectNode event = Json.MAPPER.createObjectNode();
                event.set("records", RunFiles.json(records));
                sse.send("metrics", event.toString());
            }
            if (RunFiles.status(folder).equals("finished") && records.isEmpty()) {
                sse.send("end", "{\"status\":\"finished\"}");
                return;
            }
            if (System.currentTimeMillis() - lastPing > PING_MILLIS) {
                sse.ping();
                lastPing = System.currentTimeMillis();
            }
            sleep(POLL_MILLIS);
        }
    }

    void experiments(Context ctx) {
        ArrayNode out = Json.MAPPER.createArrayNode();
        catalog.all(Catalog.Kind.EXPERIMENT).forEach(e -> out.add(experimentSummary(e, results(e))));
        json(ctx, out);
    }

    void experiment(Context ctx) {
        Catalog.Entry experiment = catalog.require(Catalog.Kind.EXPERIMENT, ctx.pathParam("name"));
        JsonNode results = results(experiment);
        ObjectNode out = experimentSummary(experiment, results);
        out.set("results", results);
        ArrayNode files = out.putArray("files");
        reportFiles(experiment.dir()).forEach(f -> files.add(f.getFileName().toString()));
        json(ctx, out);
    }

    /** GET /api/experiment-file?name=NAME&file=FILE: one of the report's files, found by listing the folder. */
    void experimentFile(Context ctx) {
        Catalog.Entry experiment = catalog.require(Catalog.Kind.EXPERIMENT, String.valueOf(ctx.queryParam("name")));
        String name = String.valueOf(ctx.queryParam("file"));
        Path file = reportFiles(experiment.dir()).stream().filter(f -> f.getFileName().toString().equals(name))
                .findFirst().orElseThrow(() -> ApiError.notFound("no report file '" + name + "' in experiment "
                        + experiment.name()));
        String type = switch (name.substring(name.lastIndexOf('.') + 1)) {
            case "png" -> "image/png";
            case "html" -> "text/html; charset=utf-8";
            case "json" -> "application/json";
            default -> "text/markdown; charset=utf-8";
        };
        try {
            ctx.contentType(type).result(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The experiment's results.json, or null before it has finished. */
    private static JsonNode results(Catalog.Entry experiment) {
        return ModelInfo.readJson(experiment.dir().resolve("results.json"));
    }

    private ObjectNode experimentSummary(Catalog.Entry experiment, JsonNode results) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("name", experiment.name());
        out.put("has_results", results != null);
        out.put("verdict", results == null ? null : results.path("summary").path("verdict").asText(null));
        ArrayNode runs = out.putArray("runs");
        catalog.all(Catalog.Kind.RUN).stream().filter(r -> r.dir().startsWith(experiment.dir()))
                .forEach(r -> runs.add(r.name()));
        return out;
    }

    private static List<Path> reportFiles(Path dir) {
        try (var files = Files.list(dir)) {
            return files.filter(Files::isRegularFile)
                    .filter(f -> REPORT_FILE.matcher(f.getFileName().toString()).matches()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void models(Context ctx) {
        ArrayNode out = Json.MAPPER.createArrayNode();
        catalog.all(Catalog.Kind.MODEL).forEach(m -> out.add(describe(m)));
        json(ctx, out);
    }

    void model(Context ctx) {
        json(ctx, describe(catalog.require(Catalog.Kind.MODEL, ctx.pathParam("name"))));
    }

    /** What a model folder is, with the served model it continued from ("parent", null when none). */
    private ObjectNode describe(Catalog.Entry model) {
        ObjectNode out = ModelInfo.describe(model);
        out.set("parent", ServedParent.ofModel(catalog, model.dir()).map(ServedParent::json).orElse(null));
        return out;
    }

    /** POST /api/logprobs {model, text, top}: every token of the text with its log-probability under the model. */
    void logprobs(Context ctx, JsonNode body) {
        if (body == null || !body.path("model").isTextual() || !body.path("text").isTextual()) {
            throw ApiError.badRequest(null, "send {\"model\": ID, \"text\": TEXT, \"top\": N (optional, 0 to 5)}");
        }
        int top = CompletionRequest.integer(body, "top", 0, 5, 0);
        Catalog.Entry model = catalog.requireModel(body.path("model").asText(),
                new Catalog.Generation("log-probabilities"));
        List<TokenLogProbs.Scored> tokens;
        try (GenerationGate.Permit permit = gate.enter();
             ModelPool.Lease<ModelFolder.Loaded> lease = pool.lease(model)) {
            tokens = TokenLogProbs.ofText(lease.loaded().model(), lease.loaded().tokenizer(),
                    body.path("text").asText(), top);
        }
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("model", model.name());
        ArrayNode list = out.putArray("tokens");
        double sum = 0;
        for (TokenLogProbs.Scored t : tokens) {
            ObjectNode entry = list.addObject().put("id", t.id()).put("text", t.text());
            if (Double.isNaN(t.logProb())) {
                entry.putNull("logprob");
            } else {
                entry.put("logprob", t.logProb());
                sum += t.logProb();
            }
            ArrayNode alternatives = entry.putArray("top");
            t.top().forEach(a -> alternatives.addObject().put("text", a.text()).put("logprob", a.logProb()));
        }
        out.put("sum_logprob", sum);
        json(ctx, out);
    }

    /** GET /api/hub/search?q=TEXT: models on the Hugging Face Hub (needs the network). */
    void hubSearch(Context ctx) {
        String query = ctx.queryParam("q");
        if (query == null || query.isBlank()) {
            throw ApiError.badRequest("q", "give the search text as ?q=...");
        }
        List<JsonNode> found;
        try {
            found = new HubClient(HubSettings.fromEnvironment()).search(Map.of("search", query), 20);
        } catch (UserError e) {
            throw new ApiError(502, "hub_error", null, e.getMessage());
        }
        ArrayNode out = Json.MAPPER.createArrayNode();
        found.forEach(out::add);
        json(ctx, out);
    }

    static void json(Context ctx, JsonNode node) {
        ctx.contentType("application/json").result(node.toString());
    }

    private static long longParam(Context ctx, String name, long fallback) {
        String value = ctx.queryParam(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            throw ApiError.badRequest(name, "'" + name + "' must be a whole number, not '" + value + "'");
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package dev.perennial.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.UserError;
import dev.perennial.io.Json;
import dev.perennial.pipeline.Inputs;
import dev.perennial.pipeline.Pipeline;
import dev.perennial.pipeline.Task;
import dev.perennial.serve.AppSpec;
import dev.perennial.serve.ServeOptions;
import dev.perennial.serve.WebServer;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * What the Gradio API costs over calling the pipeline directly: feature-extraction of one short sentence with the
 * given text encoder, timed in-process (Pipeline.run) and through a served app as the official clients call it
 * (POST queue/join, then the session's queue/data stream to close_stream, over local HTTP), one request at a
 * time (latency median and 99th percentile), and then {@code clients} clients at once (requests per second).
 */
public final class GradioBenchmark {

    static final String TEXT = "A cat sat on the mat.";

    /** Milliseconds per request: direct and through Gradio, their medians' difference, and the concurrent rate. */
    public record Result(String model, int requests, int clients, double directMsMedian, double directMsP99,
                         double gradioMsMedian, double gradioMsP99, double overheadMsMedian,
                         double concurrentRequestsPerSecond) {
    }

    private GradioBenchmark() {
    }

    public static Result run(Path model, int requests, int clients, int warmup) {
        if (!Files.isRegularFile(model.resolve("config.json"))) {
            throw new UserError("--model " + model + ": not a model folder (no config.json); give a text encoder's "
                    + "folder, e.g. src/test/resources/reference/minilm");
        }
        Path dir = model.toAbsolutePath().normalize();
        ServeOptions options = new ServeOptions(List.of(), List.of(dir.getParent()), "127.0.0.1", 0, null,
                ServeOptions.Limits.defaults()).withApps(List.of(new AppSpec("bench",
                Task.FEATURE_EXTRACTION.name(), dir.getFileName().toString())));
        try (WebServer server = WebServer.start(options);
             var pipeline = Pipeline.forTask(Task.FEATURE_EXTRACTION, dir.toString())) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            String app = server.url() + "apps/bench/";
            Inputs.Text input = new Inputs.Text(TEXT);
            for (int i = 0; i < warmup; i++) {
                pipeline.run(input);
                call(http, app);
            }
            // alternately, so that both see the same machine when other work comes and goes
            double[] direct = new double[requests];
            double[] gradio = new double[requests];
            for (int i = 0; i < requests; i++) {
                long start = System.nanoTime();
                pipeline.run(input);
                direct[i] = (System.nanoTime() - start) / 1e6;
                gradio[i] = call(http, app);
            }
            double rate = concurrent(http, app, requests, clients);
            Arrays.sort(direct);
            Arrays.sort(gradio);
            double directMedian = Spread.percentile(direct, 50);
            double gradioMedian = Spread.percentile(gradio, 50);
            return new Result(dir.getFileName().toString(), requests, clients, directMedian,
                    Spread.percentile(direct, 99), gradioMedian, Spread.percentile(gradio, 99),
                    gradioMedian - directMedian, rate);
        }
    }

    /** {@code requests} calls shared by {@code clients} threads; requests per second over the wall time. */
    private static double concurrent(HttpClient http, String app, int requests, int clients) {
        try (ExecutorService pool = Executors.newFixedThreadPool(clients)) {
            long start = System.nanoTime();
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int share = requests / clients + (c < requests % clients ? 1 : 0);
                done.add(pool.submit(() -> {
                    for (int i = 0; i < share; i++) {
                        call(http, app);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            return requests / ((System.nanoTime() - start) / 1e9);
        } catch (Exception e) {
            throw new IllegalStateException("a concurrent Gradio call failed: " + e, e);
        }
    }

    /** One call as the clients make it; its milliseconds, or a failure when it did not complete successfully. */
    private static double call(HttpClient http, String app) {
        String session = UUID.randomUUID().toString();
        long start = System.nanoTime();
        try {
            String body = Json.MAPPER.createObjectNode().put("fn_index", 0).put("session_hash", session)
                    .set("data", Json.MAPPER.createArrayNode().add(TEXT)).toString();
            HttpResponse<String> joined = http.send(HttpRequest.newBuilder(URI.create(app + "gradio_api/queue/join"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (joined.statusCode() != 200) {
                throw new IllegalStateException("queue/join answered " + joined.statusCode() + ": " + joined.body());
            }
            HttpResponse<Stream<String>> stream = http.send(HttpRequest.newBuilder(URI.create(app
                    + "gradio_api/queue/data?session_hash=" + session)).GET().build(),
                    HttpResponse.BodyHandlers.ofLines());
            boolean success = false;
            try (Stream<String> lines = stream.body()) {
                for (String line : (Iterable<String>) lines::iterator) {
                    if (line.startsWith("data: ")) {
                        JsonNode message = Json.MAPPER.readTree(line.substring(6));
                        if (message.path("msg").asText().equals("process_completed")) {
                            success = message.path("success").asBoolean();
                        }
                    }
                }
            }
            if (!success) {
                throw new IllegalStateException("the call did not complete successfully");
            }
        } catch (IOException e) {
            throw new IllegalStateException("the Gradio call failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return (System.nanoTime() - start) / 1e6;
    }
}

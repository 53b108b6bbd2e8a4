package dev.perennial.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.perennial.UserError;
import dev.perennial.checkpoint.ModelFolder;
import dev.perennial.io.Hashing;
import dev.perennial.model.Model;
import dev.perennial.model.ModelFixtures;
import dev.perennial.tensor.DType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Hub client against a local server that answers like the Hub: the same paths, JSON shapes and headers
 * (X-Repo-Commit, X-Linked-Etag, X-Linked-Size, ETag, Location, Link), LFS files redirected to another host.
 */
class HubTest {

    static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

    @TempDir
    Path dir;

    HttpServer hub;
    HttpServer cdn;
    final Map<String, byte[]> files = new LinkedHashMap<>();
    final List<String> cdnAuthorization = new CopyOnWriteArrayList<>();
    final List<String> cdnRanges = new CopyOnWriteArrayList<>();
    /** How many of the next CDN transfers break off, each after {@link #cutAfter} bytes. */
    final AtomicInteger cuts = new AtomicInteger();
    volatile int cutAfter;
    volatile boolean corrupt;
    volatile boolean ignoreRange;
    volatile boolean slow;

    @BeforeEach
    void start() throws IOException {
        Path model = dir.resolve("source");
        try (Model m = ModelFixtures.byteLlama(3)) {
            ModelFolder.save(m, "byte", model, ModelFolder.DEFAULT_SHARD_BYTES, "");
        }
        for (String name : List.of("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json")) {
            files.put(name, Files.readAllBytes(model.resolve(name)));
        }
        hub = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        cdn = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
        hub.createContext("/", this::hub);
        cdn.createContext("/", this::cdn);
        hub.setExecutor(Executors.newCachedThreadPool());
        cdn.setExecutor(Executors.newCachedThreadPool());
        hub.start();
        cdn.start();
    }

    @AfterEach
    void stop() {
        hub.stop(0);
        cdn.stop(0);
    }

    HubSettings settings(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(Map.of("HF_ENDPOINT", "http://127.0.0.1:" + hub.getAddress().getPort(),
                "HF_HOME", dir.resolve("hf").toString()));
        env.putAll(extra);
        return HubSettings.from(env);
    }

    static boolean lfs(String name) {
        return name.endsWith(".safetensors");
    }

    private void hub(HttpExchange x) throws IOException {
        String path = x.getRequestURI().getPath();
        String auth = x.getRequestHeaders().getFirst("Authorization");
        if (path.contains("/private/") && !"Bearer secret".equals(auth)) {
            reply(x, 401, Map.of("X-Error-Code", "RepoNotFound"), "");
            return;
        }
        if (path.contains("/gated/")) {
            reply(x, 403, Map.of("X-Error-Code", "GatedRepo"), "");
            return;
        }
        if (path.contains("/missing")) {
            reply(x, 404, Map.of("X-Error-Code", "RepoNotFound"), "");
            return;
        }
        if (path.equals("/api/models")) {
            boolean second = x.getRequestURI().getQuery().contains("cursor=2");
            Map<String, String> headers = second ? Map.of() : Map.of("Link", "<http://127.0.0.1:"
                    + hub.getAddress().getPort() + "/api/models?cursor=2>; rel=\"next\"");
            reply(x, 200, headers, second
                    ? "[{\"id\": \"org/c\", \"pipeline_tag\": \"text-generation\", \"downloads\": 5, \"likes\": 1, \"tags\": []}]"
                    : "[{\"id\": \"org/a\", \"pipeline_tag\": \"text-generation\", \"downloads\": 100, \"likes\": 7, "
                    + "\"tags\": [\"license:apache-2.0\"], \"safetensors\": {\"total\": 1000000}},"
                    + "{\"id\": \"org/b\", \"pipeline_tag\": \"text-generation\", \"downloads\": 50, \"likes\": 3, \"tags\": []}]");
            return;
        }
        if (path.startsWith("/api/models/")) {
            StringBuilder siblings = new StringBuilder();
            for (var f : files.entrySet()) {
                siblings.append(siblings.isEmpty() ? "" : ",").append("{\"rfilename\": \"").append(f.getKey())
                        .append("\", \"size\": ").append(f.getValue().length)
                        .append(lfs(f.getKey()) ? ", \"lfs\": {\"sha256\": \"" + Hashing.sha256(f.getValue()) + "\", "
                                + "\"size\": " + f.getValue().length + "}" : "").append('}');
            }
            reply(x, 200, Map.of(), "{\"id\": \"org/tiny\", \"sha\": \"" + COMMIT + "\", \"pipeline_tag\": "
                    + "\"text-generation\", \"config\": {\"model_type\": \"llama\"}, \"siblings\": [" + siblings + "]}");
            return;
        }
        String name = path.substring(path.lastIndexOf('/') + 1);
        byte[] body = files.get(name);
        if (body == null) {
            reply(x, 404, Map.of("X-Error-Code", "EntryNotFound", "X-Repo-Commit", COMMIT), "");
            return;
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-Repo-Commit", COMMIT);
        if (lfs(name)) {
            headers.put("X-Linked-Etag", "\"" + Hashing.sha256(body) + "\"");
            headers.put("X-Linked-Size", String.valueOf(body.length));
            headers.put("Location", "http://localhost:" + cdn.getAddress().getPort() + "/blob/" + name);
            x.getResponseHeaders().putAll(toLists(headers));
            x.sendResponseHeaders(302, -1);
            x.close();
            return;
        }
        headers.put("ETag", "\"" + Hashing.sha256(body).substring(0, 40) + "\"");
        if (x.getRequestMethod().equals("HEAD")) {
            x.getResponseHeaders().putAll(toLists(headers));
            x.getResponseHeaders().add("Content-Length", String.valueOf(body.length));
            x.sendResponseHeaders(200, -1);
            x.close();
            return;
        }
        x.getResponseHeaders().putAll(toLists(headers));
        x.sendResponseHeaders(200, body.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(body);
        }
    }

    private void cdn(HttpExchange x) throws IOException {
        cdnAuthorization.add(String.valueOf(x.getRequestHeaders().getFirst("Authorization")));
        String name = x.getRequestURI().getPath().substring("/blob/".length());
        byte[] body = files.get(name).clone();
        if (corrupt) {
            body[body.length - 1] ^= 1;
        }
        String range = x.getRequestHeaders().getFirst("Range");
        cdnRanges.add(String.valueOf(range));
        int from = range == null || ignoreRange ? 0 : Integer.parseInt(range.replaceAll("\\D*(\\d+)-.*", "$1"));
        int status = from > 0 ? 206 : 200;
        x.sendResponseHeaders(status, body.length - from);
        OutputStream out = x.getResponseBody();
        if (cuts.getAndDecrement() > 0) {
            out.write(body, from, cutAfter);
            out.flush();
            pause(100); // lets the client take in the bytes sent before the socket closes
            throw new IOException("the connection breaks mid-transfer"); // the server closes the socket
        }
        int chunk = slow ? Math.max(1, (body.length - from) / 8) : body.length - from;
        for (int at = from; at < body.length; at += chunk) {
            out.write(body, at, Math.min(chunk, body.length - at));
            out.flush();
            pauseIfSlow();
        }
        out.close();
    }

    private void pauseIfSlow() {
        if (slow) {
            pause(25);
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Where a Range request asked to start, e.g. 5000 for "bytes=5000-". */
    private static long rangeStart(String range) {
        assertThat(range).matches("bytes=\\d+-");
        return Long.parseLong(range.substring("bytes=".length(), range.length() - 1));
    }

    private static void reply(HttpExchange x, int status, Map<String, String> headers, String json) throws IOException {
        x.getResponseHeaders().putAll(toLists(headers));
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        if (x.getRequestMethod().equals("HEAD") || bytes.length == 0) {
            x.sendResponseHeaders(status, -1);
            x.close();
            return;
        }
        x.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static Map<String, List<String>> toLists(Map<String, String> headers) {
        Map<String, List<String>> lists = new HashMap<>();
        headers.forEach((k, v) -> lists.put(k, List.of(v)));
        return lists;
    }

    @Test
    void downloadsIntoTheHuggingFaceCacheLayoutAndTheModelLoads() throws Exception {
        HubSettings settings = settings(Map.of("HF_TOKEN", "secret"));
        Path snapshot = new Downloader(new HubClient(settings), false).download("org/tiny", "main",
                Downloader.DEFAULT_INCLUDE);
        Path repo = dir.resolve("hf/hub/models--org--tiny");
        assertThat(snapshot).isEqualTo(repo.resolve("snapshots").resolve(COMMIT));
        assertThat(Files.readString(repo.resolve("refs/main"))).isEqualTo(COMMIT);
        Path weights = snapshot.resolve("model.safetensors");
        assertThat(Files.isSymbolicLink(weights)).isTrue();
        assertThat(Files.readSymbolicLink(weights).toString()).isEqualTo("../../blobs/" + Hashing.sha256(
                files.get("model.safetensors")));
        assertThat(Files.readAllBytes(weights)).isEqualTo(files.get("model.safetensors"));
        assertThat(cdnAuthorization).containsOnly("null"); // the token never left the Hub's host
        try (ModelFolder.Loaded loaded = ModelFolder.load(snapshot, DType.F32)) {
            assertThat(loaded.model().parameterCount()).isPositive();
        }
        // resolving ORG/NAME finds the cache, online or offline
        assertThat(HubModels.resolve("org/tiny", dir, settings, false)).isEqualTo(snapshot);
        assertThat(HubModels.resolve("org/tiny@main", dir, settings(Map.of("HF_HUB_OFFLINE", "1")), false))
                .isEqualTo(snapshot);
    }

    static final String FAST_RETRIES = "0.001";

    Path incomplete(String name) {
        return dir.resolve("hf/hub/models--org--tiny/blobs").resolve(Hashing.sha256(files.get(name)) + ".incomplete");
    }

    Path downloadWeights(HubSettings settings) {
        return new Downloader(new HubClient(settings), false).download("org/tiny", "main",
                List.of("model.safetensors"));
    }

    @Test
    void aTransferInterruptedBeyondItsRetriesResumesInTheNextCommand() throws Exception {
        cuts.set(1);
        cutAfter = 5000;
        HubSettings noRetries = settings(Map.of("PERENNIAL_HUB_DOWNLOAD_RETRIES", "0"));
        assertThatThrownBy(() -> downloadWeights(noRetries)).isInstanceOf(UserError.class)
                .hasMessageContaining("run the download again");
        long kept = Files.size(incomplete("model.safetensors"));
        assertThat(kept).isBetween(1L, 5000L);
        Path snapshot = downloadWeights(noRetries);
        assertThat(Files.readAllBytes(snapshot.resolve("model.safetensors"))).isEqualTo(files.get("model.safetensors"));
        assertThat(cdnRanges).containsExactly("null", "bytes=" + kept + "-");
        assertThat(incomplete("model.safetensors")).doesNotExist();
    }

    @Test
    void aTransferCutMidFileIsResumedWithARangeRequestInTheSameCommand() throws Exception {
        int half = files.get("model.safetensors").length / 2;
        cuts.set(1);
        cutAfter = half;
        Path snapshot = downloadWeights(settings(Map.of("PERENNIAL_HUB_RETRY_WAIT", FAST_RETRIES)));
        assertThat(Files.readAllBytes(snapshot.resolve("model.safetensors"))).isEqualTo(files.get("model.safetensors"));
        assertThat(cdnRanges).hasSize(2).first().isEqualTo("null");
        assertThat(rangeStart(cdnRanges.get(1))).isBetween(1L, (long) half); // the rest, from the bytes that arrived
        assertThat(incomplete("model.safetensors")).doesNotExist();
    }

    @Test
    void aServerThatIgnoresRangeMakesTheFileStartOverFromZero() throws Exception {
        int half = files.get("model.safetensors").length / 2;
        ignoreRange = true;
        cuts.set(1);
        cutAfter = half;
        Path snapshot = downloadWeights(settings(Map.of("PERENNIAL_HUB_RETRY_WAIT", FAST_RETRIES)));
        assertThat(cdnRanges).hasSize(2).first().isEqualTo("null");
        assertThat(rangeStart(cdnRanges.get(1))).isPositive(); // asked for the rest, got it all (200)
        assertThat(Files.readAllBytes(snapshot.resolve("model.safetensors"))).isEqualTo(files.get("model.safetensors"));
    }

    @Test
    void aTransferThatAlwaysBreaksEndsInOneLineAfterTheConfiguredRetries() throws Exception {
        cuts.set(Integer.MAX_VALUE);
        cutAfter = 10;
        HubSettings settings = settings(Map.of("PERENNIAL_HUB_DOWNLOAD_RETRIES", "2",
                "PERENNIAL_HUB_RETRY_WAIT", FAST_RETRIES));
        assertThatThrownBy(() -> downloadWeights(settings)).isInstanceOf(UserError.class)
                .hasMessageMatching("org/tiny/model\\.safetensors: the transfer broke off at \\d+ bytes, 2 retries "
                        + "spent \\(.*\\); check the network and run the download again to resume it, or raise "
                        + "PERENNIAL_HUB_DOWNLOAD_RETRIES");
        assertThat(cdnRanges).hasSize(3).first().isEqualTo("null");
        assertThat(rangeStart(cdnRanges.get(2))).isGreaterThan(rangeStart(cdnRanges.get(1)));
        assertThat(Files.size(incomplete("model.safetensors"))).isBetween(rangeStart(cdnRanges.get(2)), 30L);
        assertThat(dir.resolve("hf/hub/models--org--tiny/snapshots").resolve(COMMIT).resolve("model.safetensors"))
                .doesNotExist();
    }

    @Test
    void twoDownloadsOfOneFileAtOnceTakeTurnsOnTheBlobLock() throws Exception {
        slow = true;
        HubSettings settings = settings(Map.of());
        CountDownLatch start = new CountDownLatch(1);
        Callable<Path> download = () -> {
            start.await();
            return downloadWeights(settings);
        };
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<Path> first = threads.submit(download);
            Future<Path> second = threads.submit(download);
            start.countDown();
            assertThat(second.get()).isEqualTo(first.get());
            assertThat(Files.readAllBytes(first.get().resolve("model.safetensors")))
                    .isEqualTo(files.get("model.safetensors"));
        } finally {
            threads.shutdownNow();
        }
        assertThat(cdnRanges).containsExactly("null"); // the second waited, then found the blob complete
        assertThat(incomplete("model.safetensors")).doesNotExist();
        String etag = Hashing.sha256(files.get("model.safetensors"));
        assertThat(dir.resolve("hf/hub/.locks/models--org--tiny").resolve(etag + ".lock")).isRegularFile();
    }

    @Test
    void retrySettingsComeFromTheEnvironmentAndDoubleTheWait() {
        DownloadRetries defaults = settings(Map.of()).retries();
        assertThat(defaults).isEqualTo(DownloadRetries.DEFAULT);
        assertThat(List.of(1, 2, 3, 4, 5)).extracting(defaults::waitBefore).extracting(Duration::toSeconds)
                .containsExactly(1L, 2L, 4L, 8L, 8L);
        DownloadRetries set = settings(Map.of("PERENNIAL_HUB_DOWNLOAD_RETRIES", "3", "PERENNIAL_HUB_RETRY_WAIT", "0.5"))
                .retries();
        assertThat(set.retries()).isEqualTo(3);
        assertThat(set.waitBefore(2)).isEqualTo(Duration.ofSeconds(1));
        assertThatThrownBy(() -> settings(Map.of("PERENNIAL_HUB_DOWNLOAD_RETRIES", "many")))
                .isInstanceOf(UserError.class).hasMessageContaining("PERENNIAL_HUB_DOWNLOAD_RETRIES=many");
    }

    @Test
    void aChecksumMismatchIsRefusedAndLeavesNothingInTheSnapshot() {
        corrupt = true;
        assertThatThrownBy(() -> new Downloader(new HubClient(settings(Map.of())), false).download("org/tiny", "main",
                List.of("model.safetensors"))).hasMessageContaining("checksum mismatch");
        Path repo = dir.resolve("hf/hub/models--org--tiny");
        assertThat(repo.resolve("snapshots").resolve(COMMIT).resolve("model.safetensors")).doesNotExist();
        assertThat(repo.resolve("blobs").toFile().list()).isEmpty();
    }

    @Test
    void explainsPrivateGatedMissingAndOffline() {
        HubClient anonymous = new HubClient(settings(Map.of()));
        assertThatThrownBy(() -> anonymous.info("org/private", "main")).hasMessageContaining("needs a token");
        assertThat(new HubClient(settings(Map.of("HF_TOKEN", "secret"))).info("org/private", "main")
                .path("sha").asText()).isEqualTo(COMMIT);
        assertThatThrownBy(() -> anonymous.info("org/gated", "main")).hasMessageContaining("access is gated");
        assertThatThrownBy(() -> anonymous.info("org/missing", "main")).hasMessageContaining("no such model on the Hub");
        assertThatThrownBy(() -> HubModels.resolve("org/uncached", dir, settings(Map.of("HF_HUB_OFFLINE", "1")), false))
                .hasMessageContaining("not in the Hub cache").hasMessageContaining("HF_HUB_OFFLINE is set");
        assertThat(anonymous.metadata("org/tiny", "main", "absent.json")).isEmpty();
    }

    @Test
    void searchFollowsLinkPaginationAndReadsTheTokenFile() throws Exception {
        List<JsonNode> models = new HubClient(settings(Map.of())).search(Map.of("search", "x"), 10);
        assertThat(models).extracting(m -> m.path("id").asText()).containsExactly("org/a", "org/b", "org/c");
        Files.createDirectories(dir.resolve("hf"));
        Files.writeString(dir.resolve("hf/token"), "secret\n");
        assertThat(settings(Map.of()).token()).contains("secret");
        assertThat(new Memory(1_000_000).trainFp32()).isEqualTo(16_000_000);
    }
}

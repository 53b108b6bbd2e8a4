package dev.perennial.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.perennial.io.Json;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Hugging Face Hub that accepts uploads, for tests: the API endpoints huggingface_hub's upload_folder calls
 * (repos/create, revision, branch, preupload, commit), the Git LFS batch endpoint, and a separate storage server (its
 * own host name and port, like S3) that the batch answer sends uploads to, single-part or in parts. It keeps what
 * was committed per branch and every request with the Authorization header it carried.
 */
final class StandInHub implements AutoCloseable {

    static final String WRITE_TOKEN = "secret";
    static final String READ_TOKEN = "reader";

    /** One request as a server saw it. */
    record Seen(String server, String method, String path, String authorization) {
    }

    /** A file in a commit: its bytes, and whether it went through LFS (then {@code oid} is its SHA-256). */
    record Stored(byte[] content, boolean lfs, String oid) {
    }

    /** A commit: its message, the paths it wrote, and the whole tree after it. */
    record Commit(String oid, String message, List<String> paths, Map<String, Stored> tree) {
    }

    /** A repository: visibility and each branch's commits, oldest first. */
    static final class Repo {
        final String visibility;
        final Map<String, List<Commit>> branches = new ConcurrentHashMap<>();

        Repo(String visibility) {
            this.visibility = visibility;
            branches.put("main", new CopyOnWriteArrayList<>(List.of(new Commit(oid(), "initial commit", List.of(),
                    Map.of()))));
        }

        Commit head(String branch) {
            return branches.get(branch).getLast();
        }
    }

    private final HttpServer hub;
    private final HttpServer storage;
    final Map<String, Repo> repos = new ConcurrentHashMap<>();
    /** The LFS storage: SHA-256 to bytes. */
    final Map<String, byte[]> objects = new ConcurrentHashMap<>();
    private final Map<String, Map<Integer, byte[]>> parts = new ConcurrentHashMap<>();
    final List<Seen> seen = new CopyOnWriteArrayList<>();
    /** The samples the preupload requests carried, by path. */
    final Map<String, byte[]> samples = new ConcurrentHashMap<>();
    final List<JsonNode> batchRequests = new CopyOnWriteArrayList<>();
    final List<JsonNode> createRequests = new CopyOnWriteArrayList<>();
    /** Objects larger than this go up in parts of {@link #chunkSize}. */
    volatile long multipartAbove = Long.MAX_VALUE;
    volatile long chunkSize = 1 << 20;
    private static final AtomicInteger COMMITS = new AtomicInteger();

    StandInHub() throws IOException {
        hub = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        storage = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
        hub.createContext("/", x -> handle(x, "hub", this::hub));
        storage.createContext("/", x -> handle(x, "storage", this::storage));
        hub.setExecutor(Executors.newCachedThreadPool());
        storage.setExecutor(Executors.newCachedThreadPool());
        hub.start();
        storage.start();
    }

    String endpoint() {
        return "http://127.0.0.1:" + hub.getAddress().getPort();
    }

    private String storageUrl() {
        return "http://localhost:" + storage.getAddress().getPort();
    }

    List<Seen> seenBy(String server) {
        return seen.stream().filter(s -> s.server().equals(server)).toList();
    }

    @Override
    public void close() {
        hub.stop(0);
        storage.stop(0);
    }

    private interface Handler {
        void handle(HttpExchange x, List<String> path) throws IOException;
    }

    private void handle(HttpExchange x, String server, Handler handler) throws IOException {
        String raw = x.getRequestURI().getRawPath();
        seen.add(new Seen(server, x.getRequestMethod(), raw, x.getRequestHeaders().getFirst("Authorization")));
        List<String> path = new ArrayList<>();
        for (String segment : raw.substring(1).split("/")) {
            path.add(URLDecoder.decode(segment, StandardCharsets.UTF_8));
        }
        try {
            handler.handle(x, path);
        } catch (RuntimeException e) {
            reply(x, 500, Map.of(), Map.of("error", String.valueOf(e)));
        }
    }

    private void hub(HttpExchange x, List<String> path) throws IOException {
        if (path.getFirst().equals("lfs") && path.get(1).equals("complete")) {
            complete(x, path.get(2)); // authorised by its unguessable URL, as a presigned one; lfs.py sends no token
            return;
        }
        String auth = x.getRequestHeaders().getFirst("Authorization");
        boolean writer = ("Bearer " + WRITE_TOKEN).equals(auth);
        if (!writer && !("Bearer " + READ_TOKEN).equals(auth)) {
            reply(x, 401, Map.of("X-Error-Message", "Invalid credentials in Authorization header"), Map.of("error",
                    "Invalid username or password."));
            return;
        }
        if (!writer && !x.getRequestMethod().equals("GET")) {
            reply(x, 403, Map.of(), Map.of("error", "You don't have the rights to create a model under this "
                    + "namespace"));
            return;
        }
        if (path.equals(List.of("api", "repos", "create"))) {
            create(x);
        } else if (path.getFirst().equals("lfs") && path.get(1).equals("verify")) {
            JsonNode body = Json.MAPPER.readTree(x.getRequestBody());
            boolean stored = objects.containsKey(body.path("oid").asText());
            reply(x, stored ? 200 : 404, Map.of(), Map.of("verified", stored));
        } else if (path.size() == 6 && path.getFirst().equals("api") && path.get(1).equals("models")) {
            repoApi(x, path.get(2) + "/" + path.get(3), path.get(4), path.get(5));
        } else if (path.size() == 6 && path.get(1).endsWith(".git") && path.get(5).equals("batch")) {
            String repo = path.getFirst() + "/" + path.get(1).substring(0, path.get(1).length() - 4);
            if (!repos.containsKey(repo)) {
                reply(x, 404, Map.of("X-Error-Code", "RepoNotFound"), Map.of("error", "Repository not found"));
                return;
            }
            batch(x);
        } else {
            reply(x, 404, Map.of(), Map.of("error", "no route " + path));
        }
    }

    private void create(HttpExchange x) throws IOException {
        JsonNode body = Json.MAPPER.readTree(x.getRequestBody());
        createRequests.add(body);
        String repo = body.path("organization").asText() + "/" + body.path("name").asText();
        if (repos.putIfAbsent(repo, new Repo(body.path("visibility").asText("public"))) != null) {
            reply(x, 409, Map.of(), Map.of("error", "You already created this model repo", "url",
                    endpoint() + "/" + repo));
            return;
        }
        reply(x, 200, Map.of(), Map.of("url", endpoint() + "/" + repo, "name", repo));
    }

    private void repoApi(HttpExchange x, String name, String what, String revision) throws IOException {
        Repo repo = repos.get(name);
        if (repo == null) {
            reply(x, 404, Map.of("X-Error-Code", "RepoNotFound"), Map.of("error", "Repository not found"));
            return;
        }
        if (what.equals("branch")) {
            if (repo.branches.containsKey(revision)) {
                reply(x, 409, Map.of(), Map.of("error", "Reference already exists"));
                return;
            }
            repo.branches.put(revision, new CopyOnWriteArrayList<>(List.of(repo.head("main"))));
            reply(x, 200, Map.of(), Map.of());
            return;
        }
        if (!repo.branches.containsKey(revision)) {
            reply(x, 404, Map.of("X-Error-Code", "RevisionNotFound"), Map.of("error", "Invalid rev id: " + revision));
            return;
        }
        switch (what) {
            case "revision" -> reply(x, 200, Map.of(), Map.of("id", name, "sha", repo.head(revision).oid()));
            case "preupload" -> preupload(x, repo.head(revision).tree());
            case "commit" -> commit(x, name, repo, revision);
            default -> reply(x, 404, Map.of(), Map.of("error", "no route " + what));
        }
    }

    /**
     * LFS for weights, large files and binary samples (a NUL byte), as the Hub's rules; *.log is gitignored; the oid
     * of a file the branch has: SHA-256 for LFS, git's blob SHA-1 otherwise.
     */
    private void preupload(HttpExchange x, Map<String, Stored> tree) throws IOException {
        List<Map<String, Object>> answers = new ArrayList<>();
        for (JsonNode file : Json.MAPPER.readTree(x.getRequestBody()).path("files")) {
            String path = file.path("path").asText();
            byte[] sample = Base64.getDecoder().decode(file.path("sample").asText());
            samples.put(path, sample);
            boolean binary = new String(sample, StandardCharsets.ISO_8859_1).indexOf('\0') >= 0;
            boolean lfs = path.endsWith(".safetensors") || file.path("size").asLong() > 10_000 || binary;
            Map<String, Object> answer = new LinkedHashMap<>(Map.of("path", path, "uploadMode", lfs ? "lfs"
                    : "regular", "shouldIgnore", path.endsWith(".log")));
            Stored there = tree.get(path);
            if (there != null) {
                answer.put("oid", there.lfs() ? there.oid() : gitBlobSha1(there.content()));
            }
            answers.add(answer);
        }
        reply(x, 200, Map.of(), Map.of("files", answers));
    }

    private void batch(HttpExchange x) throws IOException {
        String lfsType = "application/vnd.git-lfs+json";
        if (!lfsType.equals(x.getRequestHeaders().getFirst("Accept"))
                || !lfsType.equals(x.getRequestHeaders().getFirst("Content-Type"))) {
            reply(x, 406, Map.of(), Map.of("message", "the LFS batch API speaks " + lfsType));
            return;
        }
        JsonNode body = Json.MAPPER.readTree(x.getRequestBody());
        batchRequests.add(body);
        List<Map<String, Object>> answers = new ArrayList<>();
        for (JsonNode object : body.path("objects")) {
            String oid = object.path("oid").asText();
            long size = object.path("size").asLong();
            Map<String, Object> answer = new LinkedHashMap<>(Map.of("oid", oid, "size", size));
            if (!objects.containsKey(oid)) {
                answer.put("actions", Map.of("upload", size > multipartAbove ? multipart(oid, size)
                                : Map.of("href", storageUrl() + "/objects/" + oid + "?X-Amz-Signature=abc",
                                "header", Map.of("X-Stand-In-Basic", oid)),
                        "verify", Map.of("href", endpoint() + "/lfs/verify")));
            }
            answers.add(answer);
        }
        reply(x, 200, Map.of(), Map.of("transfer", "basic", "objects", answers));
    }

    private Map<String, Object> multipart(String oid, long size) {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("chunk_size", String.valueOf(chunkSize));
        for (int part = 1; (part - 1) * chunkSize < size; part++) {
            header.put(String.format("%05d", part), storageUrl() + "/parts/" + oid + "/" + part);
        }
        return Map.of("href", endpoint() + "/lfs/complete/" + oid, "header", header);
    }

    private void storage(HttpExchange x, List<String> path) throws IOException {
        byte[] body = x.getRequestBody().readAllBytes();
        String oid = path.get(1);
        if (path.getFirst().equals("objects")) {
            if (!oid.equals(x.getRequestHeaders().getFirst("X-Stand-In-Basic")) || !sha256(body).equals(oid)) {
                reply(x, 400, Map.of(), Map.of("error", "the body's SHA-256 or the action's header is wrong"));
                return;
            }
            objects.put(oid, body);
            reply(x, 200, Map.of(), Map.of());
        } else {
            int part = Integer.parseInt(path.get(2));
            parts.computeIfAbsent(oid, o -> new ConcurrentHashMap<>()).put(part, body);
            reply(x, 200, Map.of("ETag", etag(body)), Map.of());
        }
    }

    private void complete(HttpExchange x, String oid) throws IOException {
        JsonNode body = Json.MAPPER.readTree(x.getRequestBody());
        Map<Integer, byte[]> uploaded = parts.getOrDefault(oid, Map.of());
        ByteArrayOutputStream whole = new ByteArrayOutputStream();
        int expected = 1;
        for (JsonNode part : body.path("parts")) {
            byte[] bytes = uploaded.get(part.path("partNumber").asInt());
            if (part.path("partNumber").asInt() != expected++ || bytes == null
                    || !etag(bytes).equals(part.path("etag").asText())) {
                reply(x, 400, Map.of(), Map.of("error", "part " + part + " does not match what was uploaded"));
                return;
            }
            whole.writeBytes(bytes);
        }
        if (!body.path("oid").asText().equals(oid) || expected - 1 != uploaded.size()
                || !sha256(whole.toByteArray()).equals(oid)) {
            reply(x, 400, Map.of(), Map.of("error", "the parts do not make object " + oid));
            return;
        }
        objects.put(oid, whole.toByteArray());
        reply(x, 200, Map.of(), Map.of());
    }

    private void commit(HttpExchange x, String name, Repo repo, String branch) throws IOException {
        if (!"application/x-ndjson".equals(x.getRequestHeaders().getFirst("Content-Type"))) {
            reply(x, 415, Map.of(), Map.of("error", "a commit is application/x-ndjson"));
            return;
        }
        String[] lines = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8).split("\n");
        JsonNode header = Json.MAPPER.readTree(lines[0]);
        if (!header.path("key").asText().equals("header")) {
            reply(x, 400, Map.of(), Map.of("error", "the first line must be the header"));
            return;
        }
        Map<String, Stored> tree = new LinkedHashMap<>(repo.head(branch).tree());
        List<String> paths = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            JsonNode line = Json.MAPPER.readTree(lines[i]);
            JsonNode value = line.path("value");
            String path = value.path("path").asText();
            paths.add(path);
            if (line.path("key").asText().equals("file") && value.path("encoding").asText().equals("base64")) {
                tree.put(path, new Stored(Base64.getDecoder().decode(value.path("content").asText()), false, null));
            } else if (line.path("key").asText().equals("lfsFile") && value.path("algo").asText().equals("sha256")) {
                byte[] object = objects.get(value.path("oid").asText());
                if (object == null || object.length != value.path("size").asLong()) {
                    reply(x, 400, Map.of(), Map.of("error", "Your push was rejected because an LFS pointer pointed "
                            + "to a file that does not exist: " + path));
                    return;
                }
                tree.put(path, new Stored(object, true, value.path("oid").asText()));
            } else {
                reply(x, 400, Map.of(), Map.of("error", "unknown line " + line));
                return;
            }
        }
        Commit commit = new Commit(oid(), header.path("value").path("summary").asText(), paths, tree);
        repo.branches.get(branch).add(commit);
        reply(x, 200, Map.of(), Map.of("commitUrl", endpoint() + "/" + name + "/commit/" + commit.oid(),
                "commitOid", commit.oid(), "success", true));
    }

    private static String oid() {
        return String.format("%040x", 0xc0ffee00L + COMMITS.incrementAndGet());
    }

    private static String etag(byte[] part) {
        return "\"" + sha256(part).substring(0, 32) + "\"";
    }

    /** SHA-256 computed here, not with the code under test. */
    static String sha256(byte[] bytes) {
        return digest("SHA-256", new byte[0], bytes);
    }

    /** What {@code git hash-object} prints for a file of these bytes. */
    private static String gitBlobSha1(byte[] bytes) {
        return digest("SHA-1", ("blob " + bytes.length + "\0").getBytes(StandardCharsets.US_ASCII), bytes);
    }

    private static String digest(String algorithm, byte[] prefix, byte[] bytes) {
        try {
            MessageDigest digest = MessageDigest.getInstance(algorithm);
            digest.update(prefix);
            return HexFormat.of().formatHex(digest.digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void reply(HttpExchange x, int status, Map<String, String> headers, Object json)
            throws IOException {
        headers.forEach((k, v) -> x.getResponseHeaders().add(k, v));
        x.getResponseHeaders().add("Content-Type", "application/json");
        byte[] bytes = Json.LINE.writeValueAsBytes(json);
        x.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(bytes);
        }
    }
}

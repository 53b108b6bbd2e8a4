package dev.perennial.space;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.perennial.cli.CliTest;
import dev.perennial.pipeline.Inputs;
import dev.perennial.pipeline.Pipeline;
import dev.perennial.pipeline.Task;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * {@code perennial space init}: what it refuses before writing anything, the Space's metadata and Dockerfile as the
 * Hub and Docker read them, and the start script run as the Space runs it (without Docker): it downloads the model
 * from a stand-in Hub (HF_ENDPOINT) into an empty Hub cache and serves the app, which answers through Gradio's API
 * what the pipeline computes in-process.
 */
class SpaceInitTest {

    static final Path MINILM = Path.of("src/test/resources/reference/minilm");
    static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    /** The instructions of Dockerfile syntax (docs.docker.com/reference/dockerfile). */
    static final Set<String> INSTRUCTIONS = Set.of("ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM",
            "HEALTHCHECK", "LABEL", "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR");

    @TempDir
    Path dir;

    @Test
    void writesTheSpaceMetadataADockerfileWhoseCopiesExistAndTheAppsFile() throws Exception {
        Path space = dir.resolve("space");
        CliTest.Result r = CliTest.run("space", "init", space.toString(), "--app",
                "sentence-similarity=sentence-transformers/all-MiniLM-L6-v2", "--app",
                "chat=HuggingFaceTB/SmolLM2-135M", "--title", "My demos");
        assertThat(r.code()).as(r.err()).isZero();

        String readme = Files.readString(space.resolve("README.md"));
        assertThat(readme).startsWith("---\n");
        JsonNode meta = YAML.readTree(readme.substring(4, readme.indexOf("\n---\n", 4)));
        assertThat(meta.path("title").asText()).isEqualTo("My demos");
        assertThat(meta.path("sdk").asText()).isEqualTo("docker");
        assertThat(meta.path("app_port").asInt()).isEqualTo(7860);
        assertThat(meta.path("pinned").isBoolean()).isTrue();
        assertThat(meta.path("emoji").asText()).isNotBlank();
        // The colours the Spaces configuration reference allows.
        Set<String> colours = Set.of("red", "yellow", "green", "blue", "indigo", "purple", "pink", "gray");
        assertThat(colours).contains(meta.path("colorFrom").asText(), meta.path("colorTo").asText());
        assertThat(JSON.convertValue(meta.path("models"), List.class)).containsExactly(
                "sentence-transformers/all-MiniLM-L6-v2", "HuggingFaceTB/SmolLM2-135M");
        assertThat(readme).contains("gradio.live").contains("/apps/sentence-similarity/");

        JsonNode apps = YAML.readTree(space.resolve("apps.yaml").toFile()).path("apps");
        assertThat(apps).hasSize(2);
        assertThat(apps.get(1).path("task").asText()).isEqualTo("chat");
        assertThat(apps.get(1).path("model").asText()).isEqualTo("HuggingFaceTB/SmolLM2-135M");

        List<String[]> instructions = instructions(space.resolve("Dockerfile"));
        assertThat(instructions.getFirst()[0]).isEqualTo("FROM");
        assertThat(instructions.getFirst()[1]).startsWith("eclipse-temurin:25");
        for (String[] instruction : instructions) {
            assertThat(INSTRUCTIONS).as(String.join(" ", instruction)).contains(instruction[0]);
            if (instruction[0].equals("COPY")) {
                List<String> sources = Stream.of(instruction).skip(1).filter(a -> !a.startsWith("--")).toList();
                for (String source : sources.subList(0, sources.size() - 1)) {
                    assertThat(space.resolve(source)).as("COPY " + source).exists();
                }
            }
        }
        String[] cmd = instructions.getLast();
        assertThat(cmd[0]).isEqualTo("CMD");
        assertThat(JSON.convertValue(JSON.readTree(cmd[1]), List.class)).containsExactly("sh", "start.sh");
        String dockerfile = Files.readString(space.resolve("Dockerfile"));
        assertThat(dockerfile).contains("useradd -m -o -u 1000 user").contains("USER user").contains("HF_HOME=");
        for (String built : List.of("pom.xml", "mvnw", "perennial", "bin/system-packages.sh", "bin/java-for-tests",
                "mvn/wrapper/maven-wrapper.properties", "src/main/java/dev/perennial/cli/Main.java")) {
            assertThat(space.resolve("perennial").resolve(built)).as(built).isRegularFile();
        }
    }

    @Test
    void refusesWhatASpaceCannotServeAndWritesNothing() throws Exception {
        Path space = dir.resolve("space");
        Path local = Files.createDirectories(dir.resolve("models/mine"));
        assertRefused(new String[] {"--app", "sentence-similarity=" + local}, "a Space cannot read this machine's "
                + "folders", "perennial hub upload");
        assertRefused(new String[] {"--app", "sentence-similarity=just-a-name"}, "Hub id, ORG/NAME");
        assertRefused(new String[] {"--app", "sentence-similarity=org/model@v2"}, "Hub id, ORG/NAME");
        assertRefused(new String[] {"--app", "summarize=org/model"}, "app task 'summarize'");
        assertRefused(new String[] {"--app", "image-search=openai/clip-vit-base-patch32"}, "--images DIR");
        assertRefused(new String[] {}, "no apps");
        assertThat(space).doesNotExist();

        Files.createDirectories(space);
        Files.writeString(space.resolve("keep.txt"), "mine");
        assertRefused(new String[] {"--app", "sentence-similarity=org/model"}, "exists", "--force");
        assertThat(space.resolve("keep.txt")).hasContent("mine");
        CliTest.Result forced = CliTest.run("space", "init", space.toString(), "--app",
                "sentence-similarity=org/model", "--force");
        assertThat(forced.code()).as(forced.err()).isZero();
        assertThat(space.resolve("keep.txt")).doesNotExist();
        assertThat(space.resolve("start.sh")).isRegularFile();
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("space", "models");
        }
    }

    private void assertRefused(String[] flags, String... message) {
        List<String> args = new ArrayList<>(List.of("space", "init", dir.resolve("space").toString()));
        args.addAll(List.of(flags));
        CliTest.Result r = CliTest.run(args.toArray(String[]::new));
        assertThat(r.code()).as(r.out()).isEqualTo(2);
        assertThat(r.err().lines().count()).as(r.err()).isEqualTo(1);
        assertThat(r.err()).contains(message);
    }

    @Test
    void theStartScriptDownloadsTheModelAndServesTheAppThroughGradiosApi() throws Exception {
        Path space = dir.resolve("space");
        CliTest.Result r = CliTest.run("space", "init", space.toString(), "--app", "sentence-similarity=org/minilm");
        assertThat(r.code()).as(r.err()).isZero();
        HttpServer hub = standInHub(MINILM);
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Path log = dir.resolve("start.log");
        ProcessBuilder builder = new ProcessBuilder("sh", space.resolve("start.sh").toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("PERENNIAL", perennialCommand().toString());
        builder.environment().put("PERENNIAL_PORT", String.valueOf(port));
        builder.environment().put("HF_ENDPOINT", "http://127.0.0.1:" + hub.getAddress().getPort());
        builder.environment().put("HF_HOME", dir.resolve("hf").toString());
        builder.environment().remove("HF_HUB_CACHE");
        builder.environment().remove("HF_HUB_OFFLINE");
        Process started = builder.start();
        try {
            String base = "http://127.0.0.1:" + port + "/apps/sentence-similarity/";
            JsonNode config = waitForConfig(base + "config", started, log);
            assertThat(config.path("protocol").asText()).isEqualTo("sse_v3");
            assertThat(dir.resolve("hf/hub/models--org--minilm/snapshots/" + COMMIT + "/model.safetensors"))
                    .isRegularFile();

            List<String> sentences = List.of("A cat sat on the mat.", "The fox runs.");
            HttpResponse<String> joined = HTTP.send(HttpRequest.newBuilder(URI.create(base + "gradio_api/call/predict"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                            JSON.writeValueAsString(JSON.createObjectNode().set("data", JSON.valueToTree(List.of(
                                    "A cat sat on the mat.", String.join("\n", sentences))))))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(joined.statusCode()).as(joined.body()).isEqualTo(200);
            String eventId = JSON.readTree(joined.body()).path("event_id").asText();
            String stream = HTTP.sendAsync(HttpRequest.newBuilder(URI.create(base + "gradio_api/call/predict/"
                    + eventId)).GET().build(), HttpResponse.BodyHandlers.ofString()).get(2, TimeUnit.MINUTES).body();
            assertThat(stream).contains("event: complete");
            String data = stream.substring(stream.indexOf("event: complete")).lines()
                    .filter(l -> l.startsWith("data: ")).findFirst().orElseThrow().substring("data: ".length());
            JsonNode label = JSON.readTree(data).get(0);

            List<Double> expected;
            try (var pipeline = Pipeline.forTask(Task.SENTENCE_SIMILARITY, MINILM.toString())) {
                expected = pipeline.run(new Inputs.Sentences("A cat sat on the mat.", sentences)).scores();
            }
            for (JsonNode confidence : label.path("confidences")) {
                int index = sentences.indexOf(confidence.path("label").asText());
                assertThat(index).as(confidence.toString()).isNotNegative();
                assertThat(confidence.path("confidence").asDouble()).isCloseTo(expected.get(index), within(1e-5));
            }
            assertThat(label.path("confidences")).hasSize(2);
        } finally {
            started.destroy();
            started.waitFor();
            hub.stop(0);
        }
    }

    /** A {@code perennial} command for the start script: this build's classes in a JVM of this Java. */
    private Path perennialCommand() throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path script = dir.resolve("bin/perennial");
        Files.createDirectories(script.getParent());
        // The flags of the ./perennial launcher: without a default-sized stack, the process reaper overflows when
        // JNA runs ldconfig, and the first pipeline call never returns.
        Files.writeString(script, "#!/bin/sh\nexec '" + java + "' --add-modules jdk.incubator.vector "
                + "--enable-native-access=ALL-UNNAMED -Dai.djl.offline=true -Djava.awt.headless=true "
                + "-Djdk.lang.processReaperUseDefaultStackSize=true "
                + "-cp '" + classpath + "' dev.perennial.cli.Main \"$@\"\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }

    /** The app's config once the server answers (the download comes first), or a failure with the script's log. */
    private static JsonNode waitForConfig(String url, Process started, Path log) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (System.nanoTime() < deadline) {
            assertThat(started.isAlive()).as("start.sh ended early:\n%s", Files.readString(log)).isTrue();
            try {
                HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return JSON.readTree(response.body());
                }
            } catch (IOException notYet) {
                // the server is not listening yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the server did not come up in 3 minutes:\n" + Files.readString(log));
    }

    /**
     * A Hub that serves {@code model}'s files as org/minilm at {@link #COMMIT}: the model's info with its files,
     * and each file with the headers a download reads (X-Repo-Commit, ETag, Content-Length).
     */
    private static HttpServer standInHub(Path model) throws IOException {
        List<String> files;
        try (Stream<Path> walk = Files.walk(model)) {
            files = walk.filter(Files::isRegularFile).map(p -> model.relativize(p).toString()).sorted().toList();
        }
        HttpServer hub = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        hub.createContext("/", x -> {
            String path = x.getRequestURI().getPath();
            if (path.equals("/api/models/org/minilm/revision/main")) {
                var info = JSON.createObjectNode().put("id", "org/minilm").put("sha", COMMIT);
                var siblings = info.putArray("siblings");
                files.forEach(f -> siblings.addObject().put("rfilename", f));
                reply(x, 200, JSON.writeValueAsBytes(info), null);
                return;
            }
            String prefix = "/org/minilm/resolve/main/";
            String file = path.startsWith(prefix) ? path.substring(prefix.length()) : "";
            if (!files.contains(file)) {
                x.getResponseHeaders().add("X-Error-Code", path.startsWith(prefix) ? "EntryNotFound" : "RepoNotFound");
                reply(x, 404, new byte[0], null);
                return;
            }
            reply(x, 200, Files.readAllBytes(model.resolve(file)), COMMIT);
        });
        hub.start();
        return hub;
    }

    private static void reply(HttpExchange x, int status, byte[] body, String commit) throws IOException {
        if (commit != null) {
            x.getResponseHeaders().add("X-Repo-Commit", commit);
            x.getResponseHeaders().add("ETag", "\"" + sha256(body).substring(0, 40) + "\"");
        }
        boolean head = x.getRequestMethod().equals("HEAD");
        if (head) {
            x.getResponseHeaders().add("Content-Length", String.valueOf(body.length));
        }
        x.sendResponseHeaders(status, head || body.length == 0 ? -1 : body.length);
        try (OutputStream out = x.getResponseBody()) {
            if (!head) {
                out.write(body);
            }
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The Dockerfile's instructions, continuation lines joined, comments left out: {KEYWORD, arguments...}. */
    private static List<String[]> instructions(Path dockerfile) throws IOException {
        List<String[]> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : Files.readAllLines(dockerfile)) {
            if (line.isBlank() || line.strip().startsWith("#")) {
                continue;
            }
            if (line.endsWith("\\")) {
                current.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            current.append(line);
            String text = current.toString().strip();
            current.setLength(0);
            String keyword = text.split("\\s+", 2)[0];
            String rest = text.substring(keyword.length()).strip();
            String[] args = rest.startsWith("[") ? new String[] {rest} : rest.split("\\s+");
            String[] instruction = new String[args.length + 1];
            instruction[0] = keyword;
            System.arraycopy(args, 0, instruction, 1, args.length);
            out.add(instruction);
        }
        return out;
    }
}

package dev.perennial.hub;

import dev.perennial.UserError;
import dev.perennial.checkpoint.ModelFolder;
import dev.perennial.cli.CliTest;
import dev.perennial.model.Model;
import dev.perennial.model.ModelFixtures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code perennial hub upload} against a stand-in Hub that accepts commits and LFS uploads the way the real one
 * does (see {@link StandInHub}): a tiny model folder goes up with its weights through LFS, to a storage host that
 * must never see the token.
 */
class HubUploadTest {

    @TempDir
    Path dir;

    StandInHub hub;
    Path model;
    /** The folder's files as they should arrive: path to bytes, read here. */
    final Map<String, byte[]> expected = new LinkedHashMap<>();

    @BeforeEach
    void start() throws IOException {
        hub = new StandInHub();
        model = dir.resolve("model");
        try (Model m = ModelFixtures.byteLlama(3)) {
            ModelFolder.save(m, "byte", model, ModelFolder.DEFAULT_SHARD_BYTES, "");
        }
        try (Stream<Path> files = Files.list(model)) {
            files.sorted().forEach(f -> expected.put(f.getFileName().toString(), read(f)));
        }
        Files.createDirectories(model.resolve("extra"));
        Files.writeString(model.resolve("extra/notes.txt"), "trained on two corpora\n");
        expected.put("extra/notes.txt", "trained on two corpora\n".getBytes(StandardCharsets.UTF_8));
        // never uploaded: hidden files and folders, leftovers of interrupted writes, and what .gitignore ignores
        Files.writeString(model.resolve(".model.safetensors.123.tmp"), "half");
        Files.createDirectories(model.resolve(".git"));
        Files.writeString(model.resolve(".git/HEAD"), "ref: refs/heads/main\n");
        Files.writeString(model.resolve("shard.partial"), "half");
        Files.writeString(model.resolve("train.log"), "step 1\n");
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    HubClient client(String token) {
        Map<String, String> env = new HashMap<>(Map.of("HF_ENDPOINT", hub.endpoint(), "HF_HOME",
                dir.resolve("hf").toString()));
        if (token != null) {
            env.put("HF_TOKEN", token);
        }
        return new HubClient(HubSettings.from(env));
    }

    Uploader.Result upload(String token, String repo, String revision, boolean create) {
        return new Uploader(client(token), false).upload(new Uploader.Request(model, repo, revision, create, true,
                "a tiny model, continued", List.of(), List.of()));
    }

    Map<String, StandInHub.Stored> tree(String repo, String branch) {
        return hub.repos.get(repo).head(branch).tree();
    }

    @Test
    void aModelFolderIsCommittedWithItsWeightsThroughLfsAndTheTokenStaysOnTheHub() {
        Uploader.Result result = upload(StandInHub.WRITE_TOKEN, "org/tiny", "main", true);

        assertThat(hub.createRequests).singleElement().satisfies(r -> {
            assertThat(r.path("name").asText()).isEqualTo("tiny");
            assertThat(r.path("organization").asText()).isEqualTo("org");
            assertThat(r.path("type").asText()).isEqualTo("model");
            assertThat(r.path("visibility").asText()).isEqualTo("private");
        });
        StandInHub.Commit head = hub.repos.get("org/tiny").head("main");
        assertThat(head.message()).isEqualTo("a tiny model, continued");
        assertThat(result.commitOid()).isEqualTo(head.oid());
        assertThat(result.commitUrl()).isEqualTo(hub.endpoint() + "/org/tiny/commit/" + head.oid());
        assertThat(head.tree().keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        expected.forEach((path, bytes) -> assertThat(head.tree().get(path).content()).as(path).isEqualTo(bytes));

        StandInHub.Stored weights = head.tree().get("model.safetensors");
        assertThat(weights.lfs()).isTrue();
        assertThat(weights.oid()).isEqualTo(StandInHub.sha256(expected.get("model.safetensors")));
        assertThat(head.tree().get("config.json").lfs()).isFalse();
        assertThat(result.lfsFiles()).isEqualTo((int) head.tree().values().stream().filter(StandInHub.Stored::lfs)
                .count());
        assertThat(result.lfsUploaded()).isEqualTo(result.lfsFiles());
        assertThat(hub.samples.get("config.json")).isEqualTo(Arrays.copyOf(expected.get("config.json"),
                Math.min(512, expected.get("config.json").length)));
        assertThat(hub.samples).doesNotContainKeys(".git/HEAD", ".model.safetensors.123.tmp", "shard.partial");
        assertThat(hub.samples).containsKey("train.log"); // asked about, then left out as the Hub's .gitignore says

        assertThat(hub.batchRequests).singleElement().satisfies(b -> {
            assertThat(b.path("operation").asText()).isEqualTo("upload");
            assertThat(b.path("hash_algo").asText()).isEqualTo("sha256");
            assertThat(b.path("ref").path("name").asText()).isEqualTo("main");
        });
        assertThat(hub.seenBy("storage")).isNotEmpty().allSatisfy(s -> assertThat(s.authorization()).isNull());
        assertThat(hub.seenBy("hub")).isNotEmpty()
                .allSatisfy(s -> assertThat(s.authorization()).isEqualTo("Bearer " + StandInHub.WRITE_TOKEN));
    }

    @Test
    void anObjectTheHubHasIsNotSentAgain() {
        upload(StandInHub.WRITE_TOKEN, "org/tiny", "main", true);
        List<StandInHub.Seen> sent = hub.seenBy("storage");
        assertThat(sent).isNotEmpty();

        Uploader.Result copy = upload(StandInHub.WRITE_TOKEN, "org/copy", "main", true);

        assertThat(hub.seenBy("storage")).isEqualTo(sent); // the batch answer had no actions: nothing sent
        assertThat(copy.lfsUploaded()).isZero();
        assertThat(copy.lfsFiles()).isPositive();
        assertThat(tree("org/copy", "main").get("model.safetensors").content())
                .isEqualTo(expected.get("model.safetensors"));
    }

    @Test
    void aMissingBranchIsCreatedFromMainAndOnlyChangedFilesAreCommitted() throws IOException {
        upload(StandInHub.WRITE_TOKEN, "org/tiny", "main", true);
        Files.writeString(model.resolve("extra/notes.txt"), "trained on two corpora, then a third\n");
        String branch = "feature/replay 10%";

        Uploader.Result changed = upload(StandInHub.WRITE_TOKEN, "org/tiny", branch, false);

        assertThat(changed.branchCreated()).isTrue();
        assertThat(changed.repoCreated()).isFalse();
        assertThat(changed.files()).isEqualTo(1);
        assertThat(changed.unchanged()).isEqualTo(expected.size() - 1);
        StandInHub.Commit head = hub.repos.get("org/tiny").head(branch);
        assertThat(head.paths()).containsExactly("extra/notes.txt");
        assertThat(head.tree().get("extra/notes.txt").content()).asString(StandardCharsets.UTF_8).endsWith("a third\n");
        assertThat(tree("org/tiny", "main").get("extra/notes.txt").content())
                .isEqualTo(expected.get("extra/notes.txt"));
        assertThat(hub.seenBy("hub")).extracting(StandInHub.Seen::path)
                .contains("/api/models/org/tiny/commit/feature%2Freplay%2010%25");
        assertThat(hub.batchRequests).hasSize(1); // the weights did not change: no LFS request at all

        Uploader.Result same = upload(StandInHub.WRITE_TOKEN, "org/tiny", branch, false);

        assertThat(same.files()).isZero();
        assertThat(same.commitOid()).isEqualTo(head.oid()); // no empty commit; the answer is the branch's head
        assertThat(hub.repos.get("org/tiny").branches.get(branch)).last().isEqualTo(head);
    }

    @Test
    void aLargeObjectGoesUpInPartsThatTheHubPutsTogether() {
        long size = expected.get("model.safetensors").length;
        hub.multipartAbove = 1000;
        hub.chunkSize = size / 3 + 1; // three parts, the last one shorter
        upload(StandInHub.WRITE_TOKEN, "org/tiny", "main", true);

        assertThat(hub.seenBy("storage")).extracting(StandInHub.Seen::path).filteredOn(p -> p.startsWith("/parts/"))
                .hasSizeGreaterThanOrEqualTo(3);
        assertThat(hub.seenBy("hub")).extracting(StandInHub.Seen::path).anyMatch(p -> p.startsWith("/lfs/complete/"));
        assertThat(hub.seenBy("hub")).filteredOn(s -> s.path().startsWith("/lfs/complete/"))
                .allSatisfy(s -> assertThat(s.authorization()).isNull()); // as lfs.py: the completion URL is signed
        assertThat(tree("org/tiny", "main").get("model.safetensors").content())
                .isEqualTo(expected.get("model.safetensors"));
        assertThat(hub.seenBy("storage")).allSatisfy(s -> assertThat(s.authorization()).isNull());
    }

    @Test
    void tokenProblemsAndAMissingRepositorySayWhatToDo() {
        assertThatThrownBy(() -> upload(null, "org/tiny", "main", true)).isInstanceOf(UserError.class)
                .hasMessageContaining("needs a Hub token with write access: set HF_TOKEN");
        assertThatThrownBy(() -> upload("wrong", "org/tiny", "main", true)).isInstanceOf(UserError.class)
                .hasMessageContaining("org/tiny: the Hub refused the token (HTTP 401")
                .hasMessageContaining("set HF_TOKEN").hasMessageContaining("write access");
        assertThatThrownBy(() -> upload(StandInHub.READ_TOKEN, "org/tiny", "main", true))
                .hasMessageContaining("HTTP 403").hasMessageContaining("token with write access");
        assertThatThrownBy(() -> upload(StandInHub.WRITE_TOKEN, "org/absent", "main", false))
                .hasMessageContaining("org/absent: no such repository on the Hub").hasMessageContaining("--create");
        assertThat(hub.repos).isEmpty();
        assertThat(hub.objects).isEmpty();
        assertThat(hub.seenBy("storage")).isEmpty();
    }

    @Test
    void anUnreachableHubIsANetworkErrorAndBadFoldersAreRefusedBeforeAnyRequest() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        HubClient nowhere = new HubClient(HubSettings.from(Map.of("HF_ENDPOINT", "http://127.0.0.1:" + closed,
                "HF_TOKEN", "secret", "HF_HOME", dir.toString())));
        assertThatThrownBy(() -> new Uploader(nowhere, false).upload(new Uploader.Request(model, "org/tiny", "main",
                true, false, "m", List.of(), List.of()))).isInstanceOf(HubUnreachable.class)
                .hasMessageContaining("could not reach 127.0.0.1");
        Uploader uploader = new Uploader(client(StandInHub.WRITE_TOKEN), false);
        assertThatThrownBy(() -> uploader.upload(new Uploader.Request(dir.resolve("absent"), "org/tiny", "main", true,
                false, "m", List.of(), List.of()))).hasMessageContaining("absent: not a folder");
        assertThatThrownBy(() -> uploader.upload(new Uploader.Request(model, "org/tiny", "main", true, false, "m",
                List.of("*.bin"), List.of()))).hasMessageContaining("no file to upload");
        assertThat(hub.seen).isEmpty();
    }

    @Test
    void includeAndExcludeChooseTheFiles() {
        Uploader.Result result = new Uploader(client(StandInHub.WRITE_TOKEN), false).upload(new Uploader.Request(
                model, "org/tiny", "main", true, false, "config only", List.of("*.json", "extra/*"),
                List.of("tokenizer*")));
        List<String> chosen = Stream.concat(expected.keySet().stream()
                .filter(p -> p.endsWith(".json") && !p.startsWith("tokenizer")), Stream.of("extra/notes.txt")).toList();
        assertThat(chosen).contains("config.json").doesNotContain("tokenizer.json");
        assertThat(tree("org/tiny", "main").keySet()).containsExactlyInAnyOrderElementsOf(chosen);
        assertThat(result.lfsFiles()).isZero();
        assertThat(hub.seenBy("storage")).isEmpty();
        assertThat(hub.batchRequests).isEmpty();
    }

    @Test
    void theCommandUploadsWithTheEnvironmentsEndpointAndToken() throws Exception {
        Process ok = cli(StandInHub.WRITE_TOKEN, "hub", "upload", model.toString(), "org/tiny", "--create",
                "--message", "from the command line");
        String out = new String(ok.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(ok.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(ok.exitValue()).as(out).isZero();
        StandInHub.Commit head = hub.repos.get("org/tiny").head("main");
        assertThat(head.message()).isEqualTo("from the command line");
        assertThat(out).contains("commit: " + head.oid()).contains(hub.endpoint() + "/org/tiny/commit/" + head.oid());

        Process refused = cli("wrong", "hub", "upload", model.toString(), "org/tiny");
        String err = new String(refused.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(refused.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(refused.exitValue()).as(err).isEqualTo(2);
        assertThat(err).contains("HTTP 401").contains("HF_TOKEN");

        CliTest.Result privateAlone = CliTest.run("hub", "upload", model.toString(), "org/tiny", "--private");
        assertThat(privateAlone.code()).isEqualTo(2);
        assertThat(privateAlone.err()).contains("--private applies to a repository that --create makes");
    }

    /** {@code perennial ARGS} in its own process, with HF_ENDPOINT and HF_TOKEN set as a user would. */
    private Process cli(String token, String... args) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                classpath, "dev.perennial.cli.Main"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("HF_ENDPOINT", hub.endpoint());
        builder.environment().put("HF_HOME", dir.resolve("hf").toString());
        builder.environment().put("HF_TOKEN", token);
        if (token.equals(StandInHub.WRITE_TOKEN)) {
            builder.redirectError(ProcessBuilder.Redirect.DISCARD);
        } else {
            builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        }
        return builder.start();
    }
}

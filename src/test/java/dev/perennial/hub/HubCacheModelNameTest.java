package dev.perennial.hub;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** A snapshot folder of the cache maps back to the Hub id people write, and nothing else does. */
class HubCacheModelNameTest {

    @TempDir
    Path root;

    @Test
    void aSnapshotIsNamedByItsRepositoryAndACommitOffMainByItsCommitToo() throws Exception {
        HubCache cache = new HubCache(root);
        String current = "a".repeat(40);
        String older = "b".repeat(40);
        Files.createDirectories(cache.snapshot("some-org/model.v2", current));
        Files.createDirectories(cache.snapshot("some-org/model.v2", older));
        Files.createDirectories(cache.ref("some-org/model.v2", "main").getParent());
        Files.writeString(cache.ref("some-org/model.v2", "main"), current);

        assertThat(cache.modelName(cache.snapshot("some-org/model.v2", current))).contains("some-org/model.v2");
        assertThat(cache.modelName(cache.snapshot("some-org/model.v2", older))).contains("some-org/model.v2@" + older);
        assertThat(cache.modelName(cache.repo("some-org/model.v2"))).isEmpty();
        assertThat(cache.modelName(cache.repo("some-org/model.v2").resolve("blobs/x"))).isEmpty();
        assertThat(cache.modelName(root.resolve("demo/final/x"))).isEmpty();
    }
}

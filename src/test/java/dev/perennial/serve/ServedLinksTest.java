package dev.perennial.serve;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A symbolic link inside a served folder that leads outside it is never followed by the server. */
class ServedLinksTest {

    @TempDir
    Path dir;

    @Test
    void aLinkToAFileOutsideTheServedFolderIsNotServed() throws Exception {
        Path secret = Files.writeString(dir.resolve("secret.txt"), "root:x:0:0:secret");
        Path runs = Files.createDirectories(dir.resolve("runs"));
        Path leaky = Files.createDirectories(runs.resolve("leaky"));
        Files.writeString(leaky.resolve("results.json"), "{}");
        Files.createSymbolicLink(leaky.resolve("report.md"), secret);
        Path fine = Files.createDirectories(runs.resolve("fine"));
        Files.writeString(fine.resolve("results.json"), "{}");
        Files.writeString(fine.resolve("report.md"), "# fine");
        Files.createSymbolicLink(fine.resolve("summary.md"), fine.resolve("report.md")); // stays inside: served

        try (WebServer server = WebServer.start(new ServeOptions(List.of(runs), List.of(), "127.0.0.1", 0, null,
                ServeOptions.Limits.defaults()))) {
            HttpResponse<String> leaked = ServeApiTest.get(server, "/api/experiment-file?name=leaky&file=report.md");
            assertThat(leaked.statusCode()).isEqualTo(404);
            assertThat(leaked.body()).doesNotContain("secret");
            assertThat(ServeApiTest.get(server, "/api/experiments").body()).doesNotContain("leaky").contains("fine");
            HttpResponse<String> inside = ServeApiTest.get(server, "/api/experiment-file?name=fine&file=report.md");
            assertThat(inside.statusCode()).isEqualTo(200);
            assertThat(inside.body()).isEqualTo("# fine");
        }
    }
}

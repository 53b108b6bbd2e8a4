package dev.perennial.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code perennial serve --app/--apps} refuses a wrong app in one line, before serving anything. */
class ServeAppsCliTest {

    @TempDir
    Path dir;

    @Test
    void anUnknownTaskIsRefusedListingTheTasks() {
        CliTest.Result r = CliTest.run("serve", "--runs", dir.toString(), "--port", "0", "--app", "fill-mask=x");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("fill-mask").contains("chat").contains("zero-shot-image-classification")
                .doesNotContain("Exception");
    }

    @Test
    void aModelThatIsNotServedIsRefusedNamingTheFlag() {
        CliTest.Result r = CliTest.run("serve", "--runs", dir.toString(), "--port", "0", "--app", "chat=nothing");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--app chat=nothing").contains("does not exist").doesNotContain("Exception");
    }

    @Test
    void anAppsFileWithAnUnknownKeyIsRefusedNamingTheKey() throws Exception {
        Path apps = Files.writeString(dir.resolve("apps.yaml"), "apps:\n  - {task: chat, model: m, port: 1}\n");
        CliTest.Result r = CliTest.run("serve", "--runs", dir.toString(), "--port", "0", "--apps", apps.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("apps[0].port").contains("unknown key").doesNotContain("Exception");
    }

    @Test
    void twoAppsOfOneNameAreRefused() {
        CliTest.Result r = CliTest.run("serve", "--runs", dir.toString(), "--port", "0", "--app", "chat=a",
                "--app", "chat=b");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("two apps are named 'chat'").doesNotContain("Exception");
    }
}

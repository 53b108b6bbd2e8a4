package dev.perennial.serve;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An official npm client (pinned), installed under target/ once from the npm registry, and scripts run with it
 * under Node.js: the openai package for the OpenAI-compatible API, @gradio/client for the Gradio apps.
 */
record NodeClient(String pkg, String version, Path dir) {

    static final NodeClient OPENAI = new NodeClient("openai", "6.49.0", Path.of("target/openai-node"));
    static final NodeClient GRADIO = new NodeClient("@gradio/client", "2.7.0", Path.of("target/gradio-node"));

    Path installed() throws Exception {
        synchronized (NodeClient.class) {
            Path marker = dir.resolve("node_modules/" + pkg + "/package.json");
            if (!Files.isRegularFile(marker)
                    || !Files.readString(marker).contains("\"version\": \"" + version + "\"")) {
                Files.createDirectories(dir);
                Files.writeString(dir.resolve("package.json"), "{\"private\": true, \"type\": \"module\"}\n");
                ProcessBuilder npm = new ProcessBuilder(List.of("npm", "install", "--no-audit", "--no-fund",
                        "--no-save", pkg + "@" + version)).directory(dir.toFile());
                String log = exec(npm, 300);
                assertThat(marker).as("npm install " + pkg + "@" + version + " (Node.js and npm are needed): " + log)
                        .isRegularFile();
            }
            return dir;
        }
    }

    /** Runs {@code script} with BASE_URL and the extra environment pairs; its standard output. */
    static String run(Path dir, String script, String baseUrl, String... env) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(List.of("node", script)).directory(dir.toFile());
        builder.environment().put("BASE_URL", baseUrl);
        for (int i = 0; i < env.length; i += 2) {
            builder.environment().put(env[i], env[i + 1]);
        }
        return exec(builder, 120);
    }

    /** Runs a client's process to its end within {@code seconds}; its standard output (it must exit 0). */
    static String exec(ProcessBuilder builder, int seconds) throws Exception {
        builder.environment().remove("LD_PRELOAD"); // no preloaded BLAS in a client (see WebAppBrowserTest)
        Path err = Files.createTempFile("perennial-node", ".err");
        try {
            Process process = builder.redirectError(err.toFile()).start();
            process.getOutputStream().close();
            byte[] out = process.getInputStream().readAllBytes();
            assertThat(process.waitFor(seconds, TimeUnit.SECONDS)).as(String.join(" ", builder.command())
                    + " did not finish").isTrue();
            assertThat(process.exitValue()).as(String.join(" ", builder.command()) + " failed: "
                    + Files.readString(err) + new String(out, StandardCharsets.UTF_8)).isZero();
            return new String(out, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(err);
        }
    }
}

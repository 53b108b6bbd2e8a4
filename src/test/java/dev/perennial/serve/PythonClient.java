package dev.perennial.serve;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.perennial.serve.ServeApiTest.JSON;

/**
 * The official Python {@code gradio_client}, vendored with the huggingface_hub it imports under tools/vendor/python
 * (tools/vendor/README.md names their releases), run with Debian's python3 and its packages (bin/system-packages.sh).
 */
final class PythonClient {

    static final Path VENDORED = Path.of("tools/vendor/python").toAbsolutePath();

    private PythonClient() {
    }

    /**
     * Runs the Python {@code script} with BASE_URL and the extra environment pairs, the client's downloads going to
     * {@code downloads}; the JSON of the last line it prints (the client prints its own lines before).
     */
    static JsonNode run(String script, String baseUrl, Path downloads, String... env) throws Exception {
        Path file = Files.writeString(downloads.resolve("client-script.py"), script);
        ProcessBuilder builder = new ProcessBuilder(List.of("/usr/bin/python3", file.toString()));
        builder.environment().put("PYTHONPATH", VENDORED.toString());
        builder.environment().put("BASE_URL", baseUrl);
        builder.environment().put("GRADIO_TEMP_DIR", downloads.toString());
        // the client reports its start to huggingface.co unless told not to; the tests have no network
        builder.environment().put("HF_HUB_DISABLE_TELEMETRY", "1");
        for (int i = 0; i < env.length; i += 2) {
            builder.environment().put(env[i], env[i + 1]);
        }
        List<String> lines = NodeClient.exec(builder, 120).lines().toList();
        return JSON.readTree(lines.getLast());
    }
}

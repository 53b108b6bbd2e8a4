package dev.perennial;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.hub.HubModels;
import dev.perennial.hub.HubSettings;
import dev.perennial.io.Json;
import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Golden outputs of transformers itself (tools/make_golden.py, run where transformers is installed) and the real
 * checkpoints they were made from: a test that needs one that is missing reports itself skipped, saying why.
 */
public final class GoldenFiles {

    private GoldenFiles() {
    }

    /** {@code entry} of the JSON {@code file}; skipped when the file or entry is absent ({@code howToMake} says why). */
    public static JsonNode entry(Path file, String entry, String howToMake) throws Exception {
        Assumptions.assumeTrue(Files.isRegularFile(file), "no golden file " + file + ": " + howToMake);
        JsonNode golden = Json.MAPPER.readTree(file.toFile()).path(entry);
        Assumptions.assumeTrue(golden.isObject(), file + " has no " + entry + " (its weights were not reachable "
                + "when it was made)");
        return golden;
    }

    /** A real checkpoint from the Hub cache, without the network; the test is skipped when it is not cached. */
    public static Path cached(String model) {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("HF_HUB_OFFLINE", "1");
        try {
            return HubModels.resolve(model, Path.of(""), HubSettings.from(env), false);
        } catch (UserError e) {
            Assumptions.abort(model + " is not in the Hub cache (" + e.getMessage() + ")");
            throw e;
        }
    }
}

package dev.perennial.speech;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.io.Json;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Chunking and merging against transformers' own chunk_iter and _decode_asr, run by {@code tools/make_golden.py
 * --pipelines src/test/resources/golden} on tools/reference/whisper_longform.py's cases where transformers is
 * installed; skipped, saying so, until that output is committed.
 */
class LongformGoldenTest {

    private static final Path FILE = Path.of("src/test/resources/golden/pipelines/pipelines.json");

    private static JsonNode golden() throws IOException {
        Assumptions.assumeTrue(Files.isRegularFile(FILE), "no pipeline golden files: run tools/make_golden.py "
                + "--pipelines src/test/resources/golden where transformers is installed, and commit the output");
        JsonNode golden = Json.MAPPER.readTree(FILE.toFile()).path("whisper-longform");
        Assumptions.assumeTrue(golden.isObject(), FILE + " has no whisper-longform entry: run tools/make_golden.py"
                + " --pipelines again with this version of the script");
        return golden;
    }

    @Test
    void chunkingIsTransformersChunkIter() throws IOException {
        Map<String, JsonNode> cases = byName(LongformCases.ROOT.get("chunking"));
        for (JsonNode expected : golden().get("chunking")) {
            JsonNode c = cases.get(expected.get("name").asText());
            List<Window> windows = new Chunking(c.get("chunk_len").asInt(), c.get("stride_left").asInt(),
                    c.get("stride_right").asInt()).windows(c.get("samples").asInt());
            assertEquals(expected.get("windows").size(), windows.size(), c.get("name").asText());
            for (int i = 0; i < windows.size(); i++) {
                JsonNode w = expected.get("windows").get(i);
                Window got = windows.get(i);
                assertEquals(List.of(w.get(0).asInt(), w.get(1).asInt(), w.get(2).asInt(), w.get(3).asBoolean()),
                        List.of(got.length(), got.strideLeft(), got.strideRight(), got.last()), c.get("name").asText());
            }
        }
    }

    @Test
    void mergingIsTransformersDecodeAsr() throws IOException {
        Map<String, JsonNode> cases = byName(LongformCases.ROOT.get("merging"));
        TranscriptMerger merger = LongformCases.merger();
        int compared = 0;
        for (JsonNode expected : golden().get("merging")) {
            String name = expected.get("name").asText();
            JsonNode c = cases.get(name);
            boolean timestamps = c.get("timestamps").asBoolean();
            Transcript got = merger.merge(LongformCases.windows(c), timestamps);
            assertEquals(expected.get("text").asText(), got.text(), name);
            if (timestamps) {
                JsonNode chunks = expected.get("chunks");
                assertEquals(chunks.size(), got.segments().size(), name);
                for (int i = 0; i < chunks.size(); i++) {
                    Segment s = got.segments().get(i);
                    assertEquals(chunks.get(i).get("text").asText(), s.text(), name);
                    assertEquals(LongformCases.time(chunks.get(i).get("timestamp").get(0)), s.start(), 1e-9, name);
                    assertEquals(LongformCases.time(chunks.get(i).get("timestamp").get(1)), s.end(), 1e-9, name);
                }
            }
            compared++;
        }
        assertTrue(compared > 50);
    }

    private static Map<String, JsonNode> byName(JsonNode cases) {
        Map<String, JsonNode> byName = new HashMap<>();
        cases.forEach(c -> byName.put(c.get("name").asText(), c));
        return byName;
    }
}

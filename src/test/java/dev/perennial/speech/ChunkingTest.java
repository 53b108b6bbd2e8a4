package dev.perennial.speech;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.UserError;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Against tools/reference/whisper_longform.py's port of the pipeline's preprocess and chunk_iter. */
class ChunkingTest {

    @Test
    void windowsMatchTheReference() {
        int checked = 0;
        for (JsonNode c : LongformCases.ROOT.get("chunking")) {
            String name = c.get("name").asText();
            if (c.has("error")) {
                UserError e = assertThrows(UserError.class, () -> chunking(c), name);
                assertTrue(e.getMessage().startsWith("stride_length_s: "), e.getMessage());
                assertTrue(e.getMessage().contains("chunk length must be superior to stride length"), e.getMessage());
                continue;
            }
            Chunking chunking = chunking(c);
            assertEquals(new Chunking(c.get("chunk_len").asInt(), c.get("stride_left").asInt(),
                    c.get("stride_right").asInt()), chunking, name);
            List<Window> got = chunking.windows(c.get("samples").asInt());
            assertEquals(c.get("windows").size(), got.size(), name);
            for (int i = 0; i < got.size(); i++) {
                JsonNode w = c.get("windows").get(i);
                assertEquals(new Window(w.get(0).asInt(), w.get(1).asInt(), w.get(2).asInt(), w.get(3).asInt(),
                        w.get(4).asBoolean()), got.get(i), name + " window " + i);
            }
            checked++;
        }
        assertTrue(checked >= 10);
    }

    @Test
    void seventyFiveSecondsAreCoveredWithFiveSecondStrides() {
        int rate = 16_000;
        List<Window> windows = Chunking.of(30, rate).windows(75 * rate);
        assertEquals(4, windows.size());
        assertEquals(0, windows.getFirst().strideLeft());
        assertTrue(windows.getLast().last());
        assertEquals(0, windows.getLast().strideRight());
        assertEquals(75 * rate, windows.getLast().start() + windows.getLast().length());
        for (int i = 0; i < windows.size(); i++) {
            Window w = windows.get(i);
            assertEquals(i == windows.size() - 1, w.last());
            assertTrue(w.length() <= 30 * rate);
            if (i > 0) {
                Window before = windows.get(i - 1);
                assertEquals(5 * rate, w.strideLeft());
                assertEquals(5 * rate, before.strideRight());
                // the overlap is both strides: each side keeps one
                assertEquals(10 * rate, before.start() + before.length() - w.start());
            }
        }
        // the parts outside the strides tile the audio exactly
        int covered = 0;
        for (Window w : windows) {
            assertEquals(covered, w.start() + w.strideLeft());
            covered = w.start() + w.length() - w.strideRight();
        }
        assertEquals(75 * rate, covered);
    }

    @Test
    void shortAudioIsOneWindowAndSilenceNone() {
        assertEquals(List.of(new Window(0, 8000, 0, 0, true)), Chunking.of(30, 16_000).windows(8000));
        assertTrue(Chunking.of(30, 16_000).windows(0).isEmpty());
        assertFalse(Chunking.of(30, 16_000).windows(30 * 16_000 + 1).getFirst().last());
    }

    @Test
    void refusesStridesThatLeaveNoStepAndNonsense() {
        UserError equal = assertThrows(UserError.class, () -> Chunking.of(10, 5, 5, 16_000));
        assertTrue(equal.getMessage().contains("leave no step"), equal.getMessage());
        assertThrows(UserError.class, () -> Chunking.of(0, 16_000));
        assertThrows(UserError.class, () -> Chunking.of(30, -1, 5, 16_000));
        assertThrows(UserError.class, () -> Chunking.of(Double.NaN, 16_000));
    }

    @Test
    void windowsCutTheSamplesTheyName() {
        float[] audio = new float[100];
        for (int i = 0; i < audio.length; i++) {
            audio[i] = i;
        }
        Window w = new Chunking(40, 5, 5).windows(100).get(1);
        float[] cut = w.cut(audio);
        assertEquals(w.length(), cut.length);
        assertEquals(w.start(), cut[0]);
        assertEquals(new Stride(40 / 10.0, 5 / 10.0, 5 / 10.0), w.stride(10));
    }

    private static Chunking chunking(JsonNode c) {
        double chunk = c.get("chunk_length_s").asDouble();
        int rate = c.get("rate").asInt();
        JsonNode stride = c.get("stride_length_s");
        if (stride.isNull()) {
            return Chunking.of(chunk, rate);
        }
        if (stride.isArray()) {
            return Chunking.of(chunk, stride.get(0).asDouble(), stride.get(1).asDouble(), rate);
        }
        return Chunking.of(chunk, stride.asDouble(), stride.asDouble(), rate);
    }
}

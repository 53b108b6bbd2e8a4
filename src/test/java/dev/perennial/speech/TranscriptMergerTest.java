package dev.perennial.speech;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Against tools/reference/whisper_longform.py's port of _decode_asr on hand-built and random token streams. */
class TranscriptMergerTest {

    private static final double TIME_TOLERANCE = 1e-9;

    @Test
    void mergesAsTheReferenceDoes() {
        TranscriptMerger merger = LongformCases.merger();
        int segments = 0;
        long began = System.nanoTime();
        for (JsonNode c : LongformCases.ROOT.get("merging")) {
            String name = c.get("name").asText();
            boolean timestamps = c.get("timestamps").asBoolean();
            Transcript got = merger.merge(LongformCases.windows(c), timestamps);
            assertEquals(c.get("text").asText(), got.text(), name);
            if (!timestamps) {
                assertTrue(got.segments().isEmpty(), name);
                continue;
            }
            JsonNode chunks = c.get("chunks");
            assertEquals(chunks.size(), got.segments().size(), name);
            for (int i = 0; i < chunks.size(); i++) {
                JsonNode expected = chunks.get(i);
                Segment segment = got.segments().get(i);
                assertEquals(expected.get("text").asText(), segment.text(), name + " " + i);
                assertTime(expected.get("timestamp").get(0), segment.start(), name + " start " + i);
                assertTime(expected.get("timestamp").get(1), segment.end(), name + " end " + i);
                segments++;
            }
        }
        assertTrue(segments > 100, "only " + segments + " segments compared");
        System.out.printf("TranscriptMergerTest: %d cases, %d segments equal to the reference in %.1f ms%n",
                LongformCases.ROOT.get("merging").size(), segments, (System.nanoTime() - began) / 1e6);
    }

    @Test
    void aWellBehavedSpeakerGivesOrderedNonOverlappingSegments() {
        TranscriptMerger merger = LongformCases.merger();
        int checked = 0;
        for (JsonNode c : LongformCases.ROOT.get("merging")) {
            String name = c.get("name").asText();
            if (!c.get("timestamps").asBoolean() || !(name.startsWith("speaker_") || name.startsWith("random_speaker"))) {
                continue;
            }
            List<Segment> segments = merger.merge(LongformCases.windows(c), true).segments();
            double previousEnd = 0;
            for (Segment s : segments) {
                if (!s.hasStart()) {
                    // text after the last timestamp pair, whose start was left in a stride: transformers' None
                    assertEquals(segments.getLast(), s, name + ": only the last segment may lack a start");
                    assertTrue(!s.hasEnd(), name);
                    continue;
                }
                assertTrue(s.start() >= previousEnd, name + ": " + s + " starts before " + previousEnd);
                if (s.hasEnd()) {
                    assertTrue(s.end() > s.start(), name + ": " + s);
                    previousEnd = s.end();
                } else {
                    assertEquals(segments.getLast(), s, name + ": only the last segment may lack an end");
                }
            }
            checked++;
        }
        assertTrue(checked >= 10, "only " + checked + " speaker cases");
    }

    @Test
    void roundsTimesAsPythonDoes() {
        // round(0.125, 2) == 0.12 (a tie, to even), round(2.675, 2) == 2.67 (2.675 is 2.67499999... in binary)
        assertEquals(0.12, TranscriptMerger.roundToHundredths(0.125));
        assertEquals(2.67, TranscriptMerger.roundToHundredths(2.675));
        assertEquals(-4.98, TranscriptMerger.roundToHundredths(-4.98 + 1e-12));
    }

    private static void assertTime(JsonNode expected, double got, String what) {
        if (expected.isNull()) {
            assertTrue(Double.isNaN(got), what + ": expected None, got " + got);
        } else {
            assertEquals(expected.asDouble(), got, TIME_TOLERANCE, what);
        }
    }
}

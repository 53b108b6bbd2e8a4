package dev.perennial.speech;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.io.Json;

import java.io.UncheckedIOException;

/**
 * transformers' automatic-speech-recognition pipeline output as JSON: {@code {"text": ...}}, and with timestamps
 * {@code "chunks": [{"timestamp": [start, end], "text": ...}]}, a time transformers leaves as None written null.
 */
final class PipelineJson {

    private PipelineJson() {
    }

    static String render(Transcription transcription) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("text", transcription.transcript().text());
        if (transcription.timestamps()) {
            ArrayNode chunks = root.putArray("chunks");
            for (Segment s : transcription.transcript().segments()) {
                ObjectNode chunk = chunks.addObject();
                ArrayNode timestamp = chunk.putArray("timestamp");
                addTime(timestamp, s.start());
                addTime(timestamp, s.end());
                chunk.put("text", s.text());
            }
        }
        return write(root);
    }

    static String write(ObjectNode root) {
        try {
            return Json.LINE.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void addTime(ArrayNode timestamp, double seconds) {
        if (Double.isNaN(seconds)) {
            timestamp.addNull();
        } else {
            timestamp.add(seconds);
        }
    }
}

package dev.perennial.speech;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.io.Json;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.Deflater;

/**
 * The bodies of OpenAI's /v1/audio/transcriptions for response_format json ({@code {"text"}}), text (the text and a
 * newline) and verbose_json ({@code task, language, duration, text, segments}). The text is trimmed of Whisper's
 * leading space; segments keep theirs, with their times resolved as {@link Cue} does. Of a segment's fields, id,
 * start, end, text and compression_ratio (zlib, as OpenAI's whisper: utils.compression_ratio, here of the segment's
 * own text) are computed; the others are constant: seek 0, tokens [], temperature 0.0 (greedy decoding),
 * avg_logprob 0.0 and no_speech_prob 0.0 (not measured).
 */
final class OpenAiTranscription {

    private OpenAiTranscription() {
    }

    static String json(Transcription transcription) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("text", transcription.transcript().text().strip());
        return PipelineJson.write(root);
    }

    static String text(Transcription transcription) {
        return transcription.transcript().text().strip() + "\n";
    }

    static String verboseJson(Transcription transcription) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("task", transcription.task());
        root.put("language", transcription.language());
        root.put("duration", transcription.duration());
        root.put("text", transcription.transcript().text().strip());
        ArrayNode segments = root.putArray("segments");
        List<Cue> cues = Cue.of(transcription);
        for (int i = 0; i < cues.size(); i++) {
            Cue cue = cues.get(i);
            ObjectNode s = segments.addObject();
            s.put("id", i);
            s.put("seek", 0);
            s.put("start", cue.start());
            s.put("end", cue.end());
            s.put("text", cue.text());
            s.putArray("tokens");
            s.put("temperature", 0.0);
            s.put("avg_logprob", 0.0);
            s.put("compression_ratio", compressionRatio(cue.text()));
            s.put("no_speech_prob", 0.0);
        }
        return PipelineJson.write(root);
    }

    /** len(text) / len(zlib.compress(text)) over the UTF-8 bytes, at zlib's default level. */
    static double compressionRatio(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION);
        try {
            deflater.setInput(bytes);
            deflater.finish();
            byte[] buffer = new byte[bytes.length + 64];
            int compressed = 0;
            while (!deflater.finished()) {
                compressed += deflater.deflate(buffer);
            }
            return bytes.length / (double) compressed;
        } finally {
            deflater.end();
        }
    }
}

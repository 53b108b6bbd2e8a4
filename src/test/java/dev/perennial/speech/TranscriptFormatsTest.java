package dev.perennial.speech;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.UserError;
import dev.perennial.io.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TranscriptFormatsTest {

    private static final double NONE = Double.NaN;

    /** Three segments as transformers can give them: an empty one, text with "-->", '<' and a blank line, no end. */
    private static final Transcription AWKWARD = new Transcription(new Transcript(
            " Hello world! Tom & Jerry --> <b>here</b>\n\nagain",
            List.of(new Segment(0.4, 4.1, " Hello world!"),
                    new Segment(4.1, 4.5, ""),
                    new Segment(3725.0625, NONE, " Tom & Jerry --> <b>here</b>\n\nagain"))),
            true, "transcribe", "english", 3730.5);

    @Test
    void srtIsAsTheSubRipLayoutSays() {
        assertEquals("""
                1
                00:00:00,400 --> 00:00:04,100
                Hello world!

                2
                01:02:05,062 --> 01:02:10,500
                Tom & Jerry -> <b>here</b>
                again

                """, AWKWARD.render(TranscriptFormat.SRT));
    }

    @Test
    void webVttIsAsTheW3cSpecSays() {
        assertEquals("""
                WEBVTT

                00:00:00.400 --> 00:00:04.100
                Hello world!

                01:02:05.062 --> 01:02:10.500
                Tom &amp; Jerry --&gt; &lt;b&gt;here&lt;/b&gt;
                again

                """, AWKWARD.render(TranscriptFormat.VTT));
    }

    @Test
    void subtitlesOfTheSeventyFiveSecondCaseParseBackToItsSegments() {
        Transcript transcript = merged("speaker_75s_timestamps");
        Transcription transcription = new Transcription(transcript, true, "transcribe", "english", 75.0);
        List<Segment> segments = transcript.segments();
        assertTrue(segments.size() >= 5);
        for (TranscriptFormat format : List.of(TranscriptFormat.SRT, TranscriptFormat.VTT)) {
            List<Segment> cues = parseSubtitles(transcription.render(format), format == TranscriptFormat.SRT);
            assertEquals(segments.size(), cues.size(), format.id());
            double previousEnd = 0;
            for (int i = 0; i < cues.size(); i++) {
                Segment cue = cues.get(i);
                Segment segment = segments.get(i);
                assertEquals(segment.text().strip(), cue.text(), format.id());
                assertEquals(segment.start(), cue.start(), 0.0005, format.id());
                // transformers left the last end open: the cue ends with the audio
                assertEquals(segment.hasEnd() ? segment.end() : 75.0, cue.end(), 0.0005, format.id());
                assertTrue(cue.start() >= previousEnd && cue.end() >= cue.start(), format.id() + " " + cue);
                previousEnd = cue.end();
            }
        }
    }

    @Test
    void aTranscriptWithoutSegmentsIsOneCueOverTheAudio() {
        Transcription plain = new Transcription(new Transcript(" Just text.", List.of()), false, "transcribe",
                "english", 12.25);
        assertEquals("1\n00:00:00,000 --> 00:00:12,250\nJust text.\n\n", plain.render(TranscriptFormat.SRT));
        Transcription silent = new Transcription(new Transcript("", List.of()), false, "transcribe", "english", 3);
        assertEquals("WEBVTT\n\n", silent.render(TranscriptFormat.VTT));
        assertEquals("", silent.render(TranscriptFormat.SRT));
    }

    @Test
    void missingStartsFollowThePreviousCueAndMissingEndsTheNextStart() {
        Transcription t = new Transcription(new Transcript(" a b c", List.of(
                new Segment(1.0, 2.0, " a"), new Segment(NONE, NONE, " b"), new Segment(5.0, 6.0, " c"))),
                true, "transcribe", "english", 9);
        List<Segment> cues = parseSubtitles(t.render(TranscriptFormat.SRT), true);
        assertEquals(new Segment(2.0, 5.0, "b"), cues.get(1));
    }

    @Test
    void pipelineJsonIsTransformersOutput() throws IOException {
        JsonNode json = Json.MAPPER.readTree(AWKWARD.render(TranscriptFormat.PIPELINE));
        assertEquals(AWKWARD.transcript().text(), json.get("text").asText());
        assertEquals(3, json.get("chunks").size());
        JsonNode last = json.get("chunks").get(2);
        assertEquals(3725.0625, last.get("timestamp").get(0).asDouble());
        assertTrue(last.get("timestamp").get(1).isNull());
        assertEquals(List.of("timestamp", "text"), fieldNames(last));
        JsonNode plain = Json.MAPPER.readTree(new Transcription(new Transcript(" x", List.of()), false, "transcribe",
                "english", 1).render(TranscriptFormat.PIPELINE));
        assertEquals(List.of("text"), fieldNames(plain));
        JsonNode none = Json.MAPPER.readTree(new Transcription(new Transcript("", List.of()), true, "transcribe",
                "english", 1).render(TranscriptFormat.PIPELINE));
        assertEquals(0, none.get("chunks").size());
    }

    @Test
    void openAiBodies() throws IOException {
        assertEquals("{\"text\":\"Hello world! Tom & Jerry --> <b>here</b>\\n\\nagain\"}\n",
                AWKWARD.render(TranscriptFormat.JSON));
        assertEquals("Hello world! Tom & Jerry --> <b>here</b>\n\nagain\n", AWKWARD.render(TranscriptFormat.TEXT));
        JsonNode verbose = Json.MAPPER.readTree(AWKWARD.render(TranscriptFormat.VERBOSE_JSON));
        assertEquals(List.of("task", "language", "duration", "text", "segments"), fieldNames(verbose));
        assertEquals("transcribe", verbose.get("task").asText());
        assertEquals("english", verbose.get("language").asText());
        assertEquals(3730.5, verbose.get("duration").asDouble());
        JsonNode segments = verbose.get("segments");
        assertEquals(3, segments.size());
        for (int i = 0; i < segments.size(); i++) {
            JsonNode s = segments.get(i);
            assertEquals(List.of("id", "seek", "start", "end", "text", "tokens", "temperature", "avg_logprob",
                    "compression_ratio", "no_speech_prob"), fieldNames(s));
            assertEquals(i, s.get("id").asInt());
            assertTrue(s.get("tokens").isArray());
        }
        assertEquals(" Hello world!", segments.get(0).get("text").asText());
        assertEquals(3730.5, segments.get(2).get("end").asDouble());
    }

    @Test
    void compressionRatiosAreZlibsAsInOpenAisWhisper() {
        for (JsonNode c : LongformCases.ROOT.get("compression_ratios")) {
            assertEquals(c.get("ratio").asDouble(), OpenAiTranscription.compressionRatio(c.get("text").asText()),
                    1e-12, c.get("text").asText());
        }
    }

    @Test
    void formatNamesAndTheirErrors() {
        assertEquals(TranscriptFormat.VERBOSE_JSON, TranscriptFormat.parseResponseFormat("verbose_json"));
        assertEquals(TranscriptFormat.PIPELINE, TranscriptFormat.parse("pipeline", "--format"));
        UserError unknown = assertThrows(UserError.class, () -> TranscriptFormat.parse("ass", "--format"));
        assertEquals("--format: 'ass' is not a transcript format; use one of pipeline, json, text, srt, vtt,"
                + " verbose_json", unknown.getMessage());
        UserError notOpenAi = assertThrows(UserError.class, () -> TranscriptFormat.parseResponseFormat("pipeline"));
        assertEquals("response_format: 'pipeline' is not one of json, text, srt, vtt, verbose_json",
                notOpenAi.getMessage());
        assertEquals(TranscriptFormat.SRT, TranscriptFormat.forFile(Path.of("out/talk.SRT")));
        assertEquals(TranscriptFormat.PIPELINE, TranscriptFormat.forFile(Path.of("talk.json")));
        UserError noExtension = assertThrows(UserError.class, () -> TranscriptFormat.forFile(Path.of("talk")));
        assertTrue(noExtension.getMessage().startsWith("talk: cannot tell the transcript format"));
        assertEquals("text/vtt; charset=utf-8", TranscriptFormat.VTT.contentType());
        assertEquals("application/json", TranscriptFormat.VERBOSE_JSON.contentType());
    }

    @Test
    void writesFilesWhole(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("sub/talk.vtt");
        AWKWARD.write(file, TranscriptFormat.VTT);
        assertEquals(AWKWARD.render(TranscriptFormat.VTT), Files.readString(file));
        AWKWARD.write(file, TranscriptFormat.SRT);
        assertEquals(AWKWARD.render(TranscriptFormat.SRT), Files.readString(file));
        try (var files = Files.list(file.getParent())) {
            assertEquals(List.of(file), files.toList());
        }
    }

    private static Transcript merged(String name) {
        for (JsonNode c : LongformCases.ROOT.get("merging")) {
            if (c.get("name").asText().equals(name)) {
                return LongformCases.merger().merge(LongformCases.windows(c), true);
            }
        }
        throw new AssertionError("no case " + name);
    }

    private static final Pattern TIMING = Pattern.compile(
            "(\\d{2,}):(\\d{2}):(\\d{2})[,.](\\d{3}) --> (\\d{2,}):(\\d{2}):(\\d{2})[,.](\\d{3})");

    /** A small reader written from the formats' descriptions: blocks separated by blank lines, one timing line each. */
    private static List<Segment> parseSubtitles(String content, boolean srt) {
        List<String> blocks = new ArrayList<>(List.of(content.split("\n\n")));
        if (!srt) {
            assertEquals("WEBVTT", blocks.removeFirst());
        }
        List<Segment> cues = new ArrayList<>();
        for (String block : blocks) {
            List<String> lines = new ArrayList<>(block.lines().toList());
            if (srt) {
                assertEquals(String.valueOf(cues.size() + 1), lines.removeFirst(), "cue number");
            }
            Matcher m = TIMING.matcher(lines.removeFirst());
            assertTrue(m.matches(), block);
            cues.add(new Segment(seconds(m, 1), seconds(m, 5), String.join("\n", lines)));
        }
        return cues;
    }

    private static double seconds(Matcher m, int group) {
        return Integer.parseInt(m.group(group)) * 3600 + Integer.parseInt(m.group(group + 1)) * 60
                + Integer.parseInt(m.group(group + 2)) + Integer.parseInt(m.group(group + 3)) / 1000.0;
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}

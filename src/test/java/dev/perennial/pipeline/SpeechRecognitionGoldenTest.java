package dev.perennial.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.GoldenFiles;
import dev.perennial.speech.Segment;
import dev.perennial.speech.Transcription;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The automatic-speech-recognition pipeline against transformers' own pipeline (chunking, batched generate, merging)
 * on a 75 s sweep, from {@code tools/make_golden.py --speech src/test/resources/golden}: the tiny Whisper folder with
 * 2 s chunks, and distil-whisper/distil-small.en with 30 s chunks when it is in the Hub cache. Skipped, saying what is
 * missing, otherwise.
 */
class SpeechRecognitionGoldenTest {

    static final Path GOLDEN = Path.of("src/test/resources/golden/speech");
    static final String HOW = "run tools/make_golden.py --speech src/test/resources/golden where transformers is "
            + "installed, and commit the output";

    @Test
    void theTinyFolderTranscribesAsTransformersPipeline() throws Exception {
        check("tiny");
    }

    @Test
    void distilSmallEnTranscribesAsTransformersPipeline() throws Exception {
        check("distil-small.en");
    }

    private static void check(String run) throws Exception {
        JsonNode g = GoldenFiles.entry(GOLDEN.resolve("speech.json"), "asr_pipeline", HOW);
        JsonNode entry = g.path("runs").path(run);
        assumeTrue(!entry.isMissingNode(), "no " + run + " run in speech.json's asr_pipeline (the model was not "
                + "available to make_golden.py)");
        String model = entry.path("model").asText();
        String dir = model.startsWith("reference/") ? Path.of("src/test/resources").resolve(model).toString()
                : GoldenFiles.cached(model).toString();
        Path audio = GOLDEN.resolve(g.path("audio").asText());
        try (var asr = Pipeline.forTask(Task.AUTOMATIC_SPEECH_RECOGNITION, dir, new PipelineOptions(null, 4, null))) {
            for (boolean timestamps : List.of(false, true)) {
                JsonNode want = entry.path(timestamps ? "timestamps" : "plain");
                Inputs.Recording recording = Inputs.Recording.of(audio, timestamps);
                Transcription got = asr.run(new Inputs.Recording(recording.audio(), timestamps, null, null,
                        entry.path("chunk_length_s").asDouble(), 0));
                assertThat(got.transcript().text()).as(run).isEqualTo(want.path("text").asText());
                List<Segment> segments = got.transcript().segments();
                assertThat(segments).hasSize(want.path("chunks").size());
                for (int i = 0; i < segments.size(); i++) {
                    JsonNode chunk = want.path("chunks").get(i);
                    assertThat(segments.get(i).text()).isEqualTo(chunk.path("text").asText());
                    assertTime(segments.get(i).start(), chunk.path("timestamp").get(0));
                    assertTime(segments.get(i).end(), chunk.path("timestamp").get(1));
                }
            }
        }
    }

    private static void assertTime(double got, JsonNode want) {
        if (want.isNull()) {
            assertThat(got).isNaN();
        } else {
            assertThat(got).isCloseTo(want.asDouble(), within(1e-6));
        }
    }
}

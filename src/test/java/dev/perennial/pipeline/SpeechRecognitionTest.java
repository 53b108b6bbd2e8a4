package dev.perennial.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.UserError;
import dev.perennial.audio.Waveform;
import dev.perennial.io.Json;
import dev.perennial.speech.Segment;
import dev.perennial.speech.Transcription;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The automatic-speech-recognition task end to end on the tiny random Whisper (2-second windows): a long recording is
 * chunked, its windows decoded in batches and merged into ordered, non-overlapping segments inside the audio.
 */
class SpeechRecognitionTest {

    static final String MODEL = Path.of("src/test/resources/reference/whisper-model").toString();

    /** {@code seconds} of tones and chirps at 22.05 kHz (a rate the pipeline must resample). */
    static Waveform recording(double seconds) {
        int rate = 22_050;
        float[] samples = new float[(int) (seconds * rate)];
        for (int i = 0; i < samples.length; i++) {
            double t = i / (double) rate;
            double tone = Math.sin(2 * Math.PI * (220 + 110 * Math.floor(t / 3) % 660) * t);
            double chirp = Math.sin(2 * Math.PI * (100 * t + 40 * t * t % 2000));
            samples[i] = (float) (0.3 * tone + (((int) t) % 5 == 0 ? 0.2 * chirp : 0));
        }
        return new Waveform(samples, rate);
    }

    @Test
    void seventyFiveSecondsGiveOrderedSegmentsInsideTheAudio() {
        try (var asr = Pipeline.forTask(Task.AUTOMATIC_SPEECH_RECOGNITION, MODEL,
                new PipelineOptions(null, 16, null))) {
            // greedy: the pipeline's default 5 beams put this random model's stamps past the end, as transformers'
            // own pipeline does (SpeechRecognitionGoldenTest)
            Transcription result = asr.run(new Inputs.Recording(recording(75), true, null, null, 0, 1));
            // 2 s windows with strides of 1/3 s: 32000 samples, 5333 each side, so windows start 21334 samples
            // apart; the 56th (start 1,173,370) is the first to reach the end of 1,200,000 samples.
            assertThat(((SpeechRecognizer) asr.encoder()).recognizer().timings().windows()).isEqualTo(56);
            assertThat(result.duration()).isEqualTo(75.0);
            assertThat(result.timestamps()).isTrue();
            assertThat(result.language()).isEqualTo("english");
            List<Segment> segments = result.transcript().segments();
            assertThat(segments).isNotEmpty();
            double last = 0;
            StringBuilder text = new StringBuilder();
            for (Segment s : segments) {
                text.append(s.text());
                if (s.hasStart()) {
                    assertThat(s.start()).isBetween(last, 75.0);
                    last = s.start();
                }
                if (s.hasEnd()) {
                    assertThat(s.end()).isBetween(last, 75.0);
                    last = s.end();
                }
            }
            assertThat(result.transcript().text()).isEqualTo(text.toString());
        }
    }

    @Test
    void withoutTimestampsThereIsTextAndNoSegment() {
        try (var asr = Pipeline.forTask(Task.AUTOMATIC_SPEECH_RECOGNITION, MODEL)) {
            Transcription result = asr.run(new Inputs.Recording(recording(3), false));
            assertThat(result.transcript().segments()).isEmpty();
            assertThat(result.transcript().text()).isNotNull();
            assertThat(((SpeechRecognizer) asr.encoder()).recognizer().timings().windows()).isEqualTo(2);
        }
    }

    @Test
    void badChunksAndLanguagesAreRefused() {
        try (var asr = Pipeline.forTask(Task.AUTOMATIC_SPEECH_RECOGNITION, MODEL)) {
            Waveform audio = recording(1);
            assertThatThrownBy(() -> asr.run(new Inputs.Recording(audio, false, null, null, 30, 0)))
                    .isInstanceOf(UserError.class).hasMessageContaining("longer than the model's window of 2 s");
            assertThatThrownBy(() -> asr.run(new Inputs.Recording(audio, false, "german", null, 0, 0)))
                    .isInstanceOf(UserError.class).hasMessageContaining("English-only");
            assertThat(asr.run(new Inputs.Recording(audio, false, "English", null, 0, 0)))
                    .as("English of an English-only checkpoint is the default, not refused")
                    .isEqualTo(asr.run(new Inputs.Recording(audio, false)));
        }
        assertThatThrownBy(() -> new Inputs.Recording(recording(1), false, null, "summarize", 0, 0))
                .isInstanceOf(PipelineInputError.class).hasMessageContaining("transcribe or translate");
        assertThatThrownBy(() -> new Inputs.Recording(new Waveform(new float[0], 16000), false))
                .isInstanceOf(PipelineInputError.class).hasMessageContaining("no samples");
    }

    @Test
    void theJsonFormHasTheTransformersArguments() {
        byte[] wav = dev.perennial.audio.WavWriter.wav(new Waveform(new float[1600], 16000));
        ObjectNode json = Json.MAPPER.createObjectNode().put("audio", Base64.getEncoder().encodeToString(wav))
                .put("return_timestamps", true).put("language", "de").put("chunk_length_s", 10).put("num_beams", 2);
        Inputs.Recording input = Requests.parse(Task.AUTOMATIC_SPEECH_RECOGNITION, json, Requests.INLINE);
        assertThat(input.timestamps()).isTrue();
        assertThat(input.language()).isEqualTo("de");
        assertThat(input.chunkLength()).isEqualTo(10.0);
        assertThat(input.numBeams()).isEqualTo(2);
        json.put("return_timestamps", "word");
        assertThatThrownBy(() -> Requests.parse(Task.AUTOMATIC_SPEECH_RECOGNITION, json, Requests.INLINE))
                .hasMessageContaining("return_timestamps is \"word\", not true or false");
    }
}

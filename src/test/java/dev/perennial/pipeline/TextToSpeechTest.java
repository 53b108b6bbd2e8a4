package dev.perennial.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.io.Json;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The text-to-speech task on the tiny reference VITS: seeding, speed, sentences, and refusals. */
class TextToSpeechTest {

    static final String MODEL = Path.of("src/test/resources/reference/vits").toString();

    @Test
    void theSameSeedGivesTheSameAudioAndAnotherSeedOther() {
        try (var tts = Pipeline.forTask(Task.TEXT_TO_SPEECH, MODEL)) {
            Outputs.Speech a = tts.run(new Inputs.Speech("Hello there.", 1, 7));
            Outputs.Speech b = tts.run(new Inputs.Speech("Hello there.", 1, 7));
            Outputs.Speech c = tts.run(new Inputs.Speech("Hello there.", 1, 8));
            assertThat(a.samplingRate()).isEqualTo(16000);
            assertThat(a.waveform()).isEqualTo(b.waveform());
            assertThat(c.waveform()).isNotEqualTo(a.waveform());
            assertThat(a.waveform().length % 8).as("whole frames of 4 × 2 samples").isZero();
            for (float s : a.waveform()) {
                assertThat(Math.abs(s)).isLessThan(1f);
            }
        }
    }

    @Test
    void fasterSpeechIsShorterAndSentencesAreJoined() {
        try (var tts = Pipeline.forTask(Task.TEXT_TO_SPEECH, MODEL)) {
            int normal = tts.run(new Inputs.Speech("a quick test", 1, 1)).waveform().length;
            int fast = tts.run(new Inputs.Speech("a quick test", 3, 1)).waveform().length;
            assertThat(fast).isLessThan(normal);
            SpeechSynthesizer synthesizer = (SpeechSynthesizer) tts.encoder();
            assertThat(synthesizer.sentences("One. Two!\nThree? ... four")).containsExactly("One.", "Two!", "Three?",
                    "four"); // "..." alone holds nothing the model reads
            assertThat(synthesizer.sentences("Ok. ¿¡ !")).containsExactly("Ok.");
            Outputs.Speech first = tts.run(new Inputs.Speech("One.", 1, 1));
            Outputs.Speech both = tts.run(new Inputs.Speech("One. Two!", 1, 1));
            assertThat(both.waveform().length).isGreaterThan(first.waveform().length);
            // the first sentence is drawn first from the same generator, so it begins the same
            for (int i = 0; i < first.waveform().length; i++) {
                assertThat(both.waveform()[i]).isEqualTo(first.waveform()[i]);
            }
        }
    }

    @Test
    void textWithoutReadableCharactersAndBadSpeedAreRefused() {
        try (var tts = Pipeline.forTask(Task.TEXT_TO_SPEECH, MODEL)) {
            assertThatThrownBy(() -> tts.run(new Inputs.Speech("¿¡ éé", 1, 1))).isInstanceOf(PipelineInputError.class)
                    .hasMessageContaining("no character the model reads");
        }
        assertThatThrownBy(() -> new Inputs.Speech("hi", 9, 1)).isInstanceOf(PipelineInputError.class)
                .hasMessageContaining("speed is 9.0");
    }

    @Test
    void theJsonFormHasTextSpeedAndSeed() {
        ObjectNode json = Json.MAPPER.createObjectNode().put("text", "hi").put("speed", 1.5).put("seed", 3);
        assertThat(Requests.parse(Task.TEXT_TO_SPEECH, json, Requests.INLINE)).isEqualTo(new Inputs.Speech("hi", 1.5, 3));
        json.put("voice", "alloy");
        assertThatThrownBy(() -> Requests.parse(Task.TEXT_TO_SPEECH, json, Requests.INLINE))
                .hasMessageContaining("unknown field 'voice'");
        assertThat(Task.named("text-to-speech").modelTypes()).isEqualTo(List.of("vits"));
    }
}

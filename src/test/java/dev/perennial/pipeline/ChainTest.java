package dev.perennial.pipeline;

import dev.perennial.UserError;
import dev.perennial.image.RgbImage;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Zero-shot image classification described in a sentence and read aloud, on the tiny reference CLIP and VITS. */
class ChainTest {

    static final String CLIP = "src/test/resources/reference/clip";
    static final String VITS = "src/test/resources/reference/vits";

    static RgbImage gradient() {
        byte[] rgb = new byte[40 * 30 * 3];
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = (byte) (i * 7 % 251);
        }
        return new RgbImage(40, 30, rgb);
    }

    @Test
    void theBestLabelIsDescribedAndReadAloud() {
        try (var clip = Pipeline.forTask(Task.ZERO_SHOT_IMAGE_CLASSIFICATION, CLIP);
             var tts = Pipeline.forTask(Task.TEXT_TO_SPEECH, VITS)) {
            Inputs.LabelledImage input = new Inputs.LabelledImage(gradient(), List.of("cat", "dog", "car"));
            Outputs.Labels labels = clip.run(input);
            var chain = new Chain<>(clip, tts, "I see a {label} ({score} percent); the labels were {labels}.");
            String best = labels.labels().getFirst().label();
            String sentence = chain.describe(labels);
            assertThat(sentence).startsWith("I see a " + best + " (")
                    .contains(String.format(java.util.Locale.ROOT, "%.0f percent",
                            100 * labels.labels().getFirst().score()))
                    .endsWith("the labels were " + labels.labels().get(0).label() + ", "
                            + labels.labels().get(1).label() + " and " + labels.labels().get(2).label() + ".");
            Outputs.Speech chained = chain.run(input, 1.0, 11);
            Outputs.Speech direct = tts.run(new Inputs.Speech(sentence, 1.0, 11));
            assertThat(chained.waveform()).isEqualTo(direct.waveform());
            assertThat(new Chain<>(clip, tts, null).describe(labels)).isEqualTo("This looks like a " + best + ".");
        }
    }

    @Test
    void onlyTasksWithWordsChainAndTheTemplateMustNameALabel() {
        try (var clip = Pipeline.forTask(Task.ZERO_SHOT_IMAGE_CLASSIFICATION, CLIP);
             var tts = Pipeline.forTask(Task.TEXT_TO_SPEECH, VITS);
             var minilm = Pipeline.forTask(Task.FEATURE_EXTRACTION, "src/test/resources/reference/minilm")) {
            assertThatThrownBy(() -> new Chain<>(minilm, tts, null)).isInstanceOf(UserError.class)
                    .hasMessageContaining("feature-extraction's results are not words")
                    .hasMessageContaining("zero-shot-image-classification");
            assertThatThrownBy(() -> new Chain<>(clip, tts, "Nothing here.")).isInstanceOf(PipelineInputError.class)
                    .hasMessageContaining("names no {label}");
        }
    }
}

package dev.perennial.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.UserError;
import dev.perennial.audio.SincResampler;
import dev.perennial.audio.TestSignals;
import dev.perennial.audio.Waveform;
import dev.perennial.io.Json;
import dev.perennial.tensor.Safetensors;
import dev.perennial.tensor.Tensors;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * zero-shot-audio-classification on the tiny CLAP of tools/reference/clap.py, whose float64 reference runs
 * transformers' ZeroShotAudioClassificationPipeline steps (feature extractor, template, tokenizer, logits_per_audio,
 * softmax) on a 0.7 s recording at 48 kHz.
 */
class ClapPipelineTest {

    static final Path CLAP = ClapReference.DIR;
    /** tools/reference/clap.py's tiny fused ClapModel, whose pipeline scores are of the same 0.7 s recording. */
    static final Path FUSED = Path.of("src/test/resources/reference/clap-model-fused");
    static final List<String> LABELS = ClapReference.LABELS;

    @TempDir
    Path tmp;

    static Waveform recording() {
        return ClapReference.recording();
    }

    @Test
    void zeroShotAudioClassificationIsTransformersPipeline() {
        try (var pipeline = Pipeline.forTask(Task.ZERO_SHOT_AUDIO_CLASSIFICATION, CLAP.toString())) {
            Outputs.Labels labels = pipeline.run(new Inputs.LabelledAudio(recording(), LABELS));
            float[] scores = ClapReference.scores();
            double error = 0;
            for (int i = 0; i < LABELS.size(); i++) {
                String label = LABELS.get(i);
                double score = labels.labels().stream().filter(l -> l.label().equals(label)).findFirst()
                        .orElseThrow().score();
                error = Math.max(error, Math.abs(score - scores[i]));
            }
            System.out.printf("CLAP pipeline scores: max abs error %.3g%n", error);
            ClapReference.assertScores(Json.MAPPER.valueToTree(labels).path("labels"));
        }
    }

    @Test
    void theHypothesesAreTokenizedAsTheReferenceDoes() {
        Map<String, Tensor> expected = Safetensors.read(CLAP.resolve("expected.safetensors"), torch.ScalarType.Double);
        try (var tokenizer = dev.perennial.tokenizer.EncoderTokenizer.load(CLAP, 38)) {
            var batch = tokenizer.encode(new Inputs.LabelledAudio(recording(), LABELS).hypotheses());
            float[] want = Tensors.toFloats(expected.get("pipeline_input_ids").to(torch.ScalarType.Float));
            long[] ids = new long[want.length];
            for (int i = 0; i < want.length; i++) {
                ids[i] = (long) want[i];
            }
            assertThat(batch.ids()).containsExactly(ids);
        } finally {
            expected.values().forEach(Tensor::close);
        }
    }

    @Test
    void aRecordingAtAnotherRateIsResampledToTheFeatureExtractorsRate() {
        Waveform at16k = new Waveform(TestSignals.signal(11_200, 9), 16_000);
        try (var pipeline = Pipeline.forTask(Task.ZERO_SHOT_AUDIO_CLASSIFICATION, CLAP.toString())) {
            Outputs.Labels direct = pipeline.run(new Inputs.LabelledAudio(at16k, LABELS));
            Outputs.Labels resampled = pipeline.run(new Inputs.LabelledAudio(SincResampler.resample(at16k, 48_000),
                    LABELS));
            Outputs.Labels misread = pipeline.run(new Inputs.LabelledAudio(new Waveform(at16k.samples(), 48_000),
                    LABELS));
            assertThat(direct).isEqualTo(resampled);
            assertThat(direct).isNotEqualTo(misread);
        }
    }

    @Test
    void aLongRecordingIsCroppedTheSameWayEveryTime() {
        Waveform longer = new Waveform(TestSignals.signal(48_000 * 3, 11), 48_000);
        Outputs.Labels first;
        try (var pipeline = Pipeline.forTask(Task.ZERO_SHOT_AUDIO_CLASSIFICATION, CLAP.toString())) {
            first = pipeline.run(new Inputs.LabelledAudio(longer, LABELS, "the sound of {}"));
        }
        try (var pipeline = Pipeline.forTask(Task.ZERO_SHOT_AUDIO_CLASSIFICATION, CLAP.toString())) {
            assertThat(pipeline.run(new Inputs.LabelledAudio(longer, LABELS, "the sound of {}"))).isEqualTo(first);
        }
        assertThat(first.labels().stream().mapToDouble(Outputs.LabelScore::score).sum()).isCloseTo(1.0,
                within(1e-9));
    }

    @Test
    void jsonInputsTakeTheAudioAsBase64OrAPath() throws Exception {
        byte[] wav = TestSignals.wav16(TestSignals.signal(33_600, 5), 48_000);
        Files.write(tmp.resolve("clip.wav"), wav);
        ObjectNode json = (ObjectNode) Json.MAPPER.readTree("{\"candidate_labels\": [\"a dog\", \"rain\"], "
                + "\"hypothesis_template\": \"A {} sound\"}");
        json.put("audio", Base64.getEncoder().encodeToString(wav));
        Inputs.LabelledAudio inline = Requests.parse(Task.ZERO_SHOT_AUDIO_CLASSIFICATION, json, Requests.INLINE);
        assertThat(inline.audio().samples()).containsExactly(recording().samples());
        assertThat(inline.hypotheses()).containsExactly("A a dog sound", "A rain sound");
        json.put("audio", "clip.wav");
        Inputs.LabelledAudio file = Requests.parse(Task.ZERO_SHOT_AUDIO_CLASSIFICATION, json,
                Requests.filesUnder(tmp), Requests.audioFilesUnder(tmp));
        assertThat(file.audio().samples()).containsExactly(recording().samples());
        json.put("audio", "not base64!");
        assertThatThrownBy(() -> Requests.parse(Task.ZERO_SHOT_AUDIO_CLASSIFICATION, json, Requests.INLINE))
                .isInstanceOf(PipelineInputError.class).hasMessageContaining("audio is neither base64 nor a data: URL");
        json.put("image", "x");
        assertThatThrownBy(() -> Requests.parse(Task.ZERO_SHOT_AUDIO_CLASSIFICATION, json, Requests.INLINE))
                .hasMessage("unknown field 'image'; a zero-shot-audio-classification input has audio, "
                        + "candidate_labels, hypothesis_template");
    }

    @Test
    void badInputsAreRefusedNamingTheField() {
        assertThatThrownBy(() -> new Inputs.LabelledAudio(recording(), List.of()))
                .isInstanceOf(PipelineInputError.class).hasMessage("candidate_labels is empty; give at least one");
        assertThatThrownBy(() -> new Inputs.LabelledAudio(recording(), LABELS, "no slot"))
                .isInstanceOf(PipelineInputError.class).hasMessage("hypothesis_template 'no slot' has no {} where the "
                        + "label goes; write for example \"This is a sound of {}.\"");
        assertThatThrownBy(() -> new Inputs.LabelledAudio(new Waveform(new float[0], 48_000), LABELS))
                .isInstanceOf(PipelineInputError.class).hasMessage("audio holds no samples; give a recording");
    }

    @Test
    void aFeatureExtractorOfAnotherModelIsRefusedBeforeCompute() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("mixed"));
        for (String name : List.of("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json")) {
            Files.copy(CLAP.resolve(name), dir.resolve(name));
        }
        ObjectNode processor = (ObjectNode) Json.MAPPER.readTree(CLAP.resolve("preprocessor_config.json").toFile());
        processor.put("truncation", "fusion");
        Files.writeString(dir.resolve("preprocessor_config.json"), processor.toString());
        assertThatThrownBy(() -> Pipeline.forTask(Task.ZERO_SHOT_AUDIO_CLASSIFICATION, dir.toString()))
                .isInstanceOf(UserError.class)
                .hasMessage(dir.resolve("preprocessor_config.json") + ": feature_size is 16, but truncation fusion "
                        + "shrinks the mel to 64 bins (_random_mel_fusion); set feature_size to 64 or truncation to "
                        + "rand_trunc");
        processor.put("feature_size", 64);
        Files.writeString(dir.resolve("preprocessor_config.json"), processor.toString());
        assertThatThrownBy(() -> Pipeline.forTask(Task.ZERO_SHOT_AUDIO_CLASSIFICATION, dir.toString()))
                .isInstanceOf(UserError.class)
                .hasMessage(dir.resolve("preprocessor_config.json") + ": truncation is fusion but config.json's "
                        + "audio_config has enable_fusion false; a fused CLAP takes truncation fusion, an unfused one "
                        + "rand_trunc: the files belong to different models");
        processor.put("truncation", "rand_trunc");
        Files.writeString(dir.resolve("preprocessor_config.json"), processor.toString());
        assertThatThrownBy(() -> Pipeline.forTask(Task.ZERO_SHOT_AUDIO_CLASSIFICATION, dir.toString()))
                .isInstanceOf(UserError.class)
                .hasMessageStartingWith(dir.resolve("preprocessor_config.json") + ": feature_size 64 and 201 frames");
    }

    @Test
    void aFusedModelClassifiesAShortRecordingAsTransformersPipelineDoes() {
        try (var pipeline = Pipeline.forTask(Task.ZERO_SHOT_AUDIO_CLASSIFICATION, FUSED.toString())) {
            Outputs.Labels labels = pipeline.run(new Inputs.LabelledAudio(recording(), LABELS));
            float[] scores = ClapReference.scores(FUSED);
            double error = 0;
            for (Outputs.LabelScore l : labels.labels()) {
                error = Math.max(error, Math.abs(l.score() - scores[LABELS.indexOf(l.label())]));
            }
            System.out.printf("CLAP fused pipeline scores: max abs error %.3g%n", error);
            assertThat(labels.labels()).hasSize(LABELS.size());
            assertThat(error).isLessThan(1e-5);
        }
    }

    @Test
    void aFusedModelFusesALongRecordingTheSameWayEveryTime() {
        Waveform longer = new Waveform(TestSignals.signal(72_000, 21), 48_000);
        Outputs.Labels first;
        try (var pipeline = Pipeline.forTask(Task.ZERO_SHOT_AUDIO_CLASSIFICATION, FUSED.toString())) {
            first = pipeline.run(new Inputs.LabelledAudio(longer, LABELS));
            assertThat(pipeline.run(new Inputs.LabelledAudio(longer, LABELS))).isEqualTo(first);
            assertThat(first).isNotEqualTo(pipeline.run(new Inputs.LabelledAudio(recording(), LABELS)));
        }
        assertThat(first.labels().stream().mapToDouble(Outputs.LabelScore::score).sum()).isCloseTo(1.0,
                within(1e-9));
    }
}

package dev.perennial.speech;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.GoldenFiles;
import dev.perennial.audio.Audio;
import dev.perennial.generate.BeamSearch;
import dev.perennial.tensor.DType;
import dev.perennial.tensor.Safetensors;
import dev.perennial.tensor.Tensors;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whisper against transformers itself, from {@code tools/make_golden.py --speech src/test/resources/golden} (run
 * where transformers is installed): transformers' generate() on the tiny folder of tools/reference/whisper.py (so
 * that the reference's decoding rules are checked against transformers too), and distil-whisper/distil-small.en on
 * golden/speech/tone.wav when that checkpoint is in the Hub cache. Skipped, saying what is missing, otherwise.
 */
class WhisperGoldenTest {

    static final Path GOLDEN = Path.of("src/test/resources/golden/speech");
    static final String HOW = "run tools/make_golden.py --speech src/test/resources/golden where transformers is "
            + "installed, and commit the output";

    @Test
    void theTinyReferenceFolderDecodesAsTransformersGenerates() throws Exception {
        JsonNode g = GoldenFiles.entry(GOLDEN.resolve("speech.json"), "tiny_whisper", HOW);
        Path dir = WhisperRecognizerTest.REF;
        Map<String, Tensor> expected = Safetensors.read(dir.resolve("expected.safetensors"), torch.ScalarType.Float);
        List<float[]> audio = List.of(Tensors.toFloats(expected.get("audio.0")),
                Tensors.toFloats(expected.get("audio.1")));
        DecodingOptions greedy = DecodingOptions.greedy().withMaxNewTokens(24);
        DecodingOptions three = greedy.withBeams(3, 1.0, BeamSearch.EarlyStopping.FALSE);
        Map<String, DecodingOptions> runs = Map.of(
                "greedy.plain", greedy, "greedy.timestamps", greedy.withTimestamps(true),
                "beam3.plain", three, "beam3.timestamps", three.withTimestamps(true),
                "beam3.early.timestamps", three.withTimestamps(true).withBeams(3, 0.5, BeamSearch.EarlyStopping.TRUE),
                "beam2.never.plain", three.withBeams(2, 1.5, BeamSearch.EarlyStopping.NEVER));
        try (WhisperRecognizer recognizer = WhisperRecognizer.load(dir, DType.F32)) {
            for (Map.Entry<String, DecodingOptions> run : runs.entrySet()) {
                List<int[]> ids = recognizer.decode(audio, run.getValue());
                for (int i = 0; i < ids.size(); i++) {
                    assertThat(ids.get(i)).as(run.getKey() + " " + i).containsExactly(ints(g.path(run.getKey()).get(i)));
                }
            }
        }
    }

    @Test
    void distilSmallEnTranscribesAsTransformers() throws Exception {
        JsonNode g = GoldenFiles.entry(GOLDEN.resolve("speech.json"), "distil-small.en", HOW);
        Path dir = GoldenFiles.cached(g.path("model").asText());
        float[] samples = Audio.read(GOLDEN.resolve(g.path("audio").asText()), 16000).samples();
        DecodingOptions greedy = DecodingOptions.greedy().withMaxNewTokens(64);
        Map<String, DecodingOptions> runs = Map.of("greedy.plain", greedy,
                "greedy.timestamps", greedy.withTimestamps(true),
                "beam3.plain", greedy.withBeams(3, 1.0, BeamSearch.EarlyStopping.FALSE));
        try (WhisperRecognizer recognizer = WhisperRecognizer.load(dir, DType.F32)) {
            for (Map.Entry<String, DecodingOptions> run : runs.entrySet()) {
                int[] ids = recognizer.decode(List.of(samples), run.getValue()).getFirst();
                JsonNode want = g.path(run.getKey());
                assertThat(ids).as(run.getKey()).containsExactly(ints(want.path("ids")));
                assertThat(recognizer.text(ids)).as(run.getKey()).isEqualTo(want.path("text").asText());
            }
        }
    }

    private static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }
}

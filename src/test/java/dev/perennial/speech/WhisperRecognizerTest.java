package dev.perennial.speech;

import dev.perennial.UserError;
import dev.perennial.generate.BeamSearch;
import dev.perennial.tensor.DType;
import dev.perennial.tensor.Safetensors;
import dev.perennial.tensor.Tensors;
import dev.perennial.tokenizer.HfTokenizer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Whisper's decoding end to end on the tiny random folder of tools/reference/whisper.py (written from
 * modeling_whisper.py, generation_whisper.py, logits_process.py and beam_search.py): audio to features to greedy and
 * beam ids, with and without timestamps, equal to the reference's token for token. Its random weights make
 * timestamps likely, so the timestamp rules decide many of the steps.
 */
class WhisperRecognizerTest {

    static final Path REF = Path.of("src/test/resources/reference/whisper-model");

    static Map<String, Tensor> expected;
    static WhisperRecognizer recognizer;
    static List<float[]> audio;

    @BeforeAll
    static void load() {
        expected = Safetensors.read(REF.resolve("expected.safetensors"), torch.ScalarType.Double);
        recognizer = WhisperRecognizer.load(REF, DType.F32);
        audio = List.of(Tensors.toFloats(expected.get("audio.0")), Tensors.toFloats(expected.get("audio.1")));
    }

    @AfterAll
    static void close() {
        recognizer.close();
    }

    @Test
    void greedyIdsMatchTheReference() {
        DecodingOptions plain = DecodingOptions.greedy().withMaxNewTokens(24);
        assertRows("greedy.plain", recognizer.decode(audio, plain));
        assertRows("greedy.timestamps", recognizer.decode(audio, plain.withTimestamps(true)));
    }

    @Test
    void beamSearchIdsMatchTheReference() {
        DecodingOptions three = DecodingOptions.greedy().withMaxNewTokens(24)
                .withBeams(3, 1.0, BeamSearch.EarlyStopping.FALSE);
        assertRows("beam3.plain", recognizer.decode(audio, three));
        assertRows("beam3.timestamps", recognizer.decode(audio, three.withTimestamps(true)));
        assertRows("beam3.early.timestamps", recognizer.decode(audio,
                three.withTimestamps(true).withBeams(3, 0.5, BeamSearch.EarlyStopping.TRUE)));
        assertRows("beam2.never.plain", recognizer.decode(audio,
                three.withBeams(2, 1.5, BeamSearch.EarlyStopping.NEVER)));
    }

    @Test
    void windowsDecodeTheSameAloneAsInABatch() {
        DecodingOptions one = new DecodingOptions(null, null, true, 1, 1.0, BeamSearch.EarlyStopping.FALSE, 24, 1);
        List<int[]> alone = recognizer.decode(audio, one);
        assertRows("greedy.timestamps", alone);
    }

    @Test
    void aMultilingualCheckpointDetectsOrTakesTheLanguage(@TempDir Path tmp) throws IOException {
        for (String name : new String[] {"config.json", "model.safetensors", "preprocessor_config.json",
                "tokenizer.json", "tokenizer_config.json"}) {
            Files.copy(REF.resolve(name), tmp.resolve(name));
        }
        Files.copy(REF.resolve("generation_config.multilingual.json"), tmp.resolve("generation_config.json"));
        try (WhisperRecognizer multilingual = WhisperRecognizer.load(tmp, DType.F32)) {
            DecodingOptions greedy = DecodingOptions.greedy().withMaxNewTokens(24);
            assertRows("multilingual.greedy", multilingual.decode(audio, greedy));
            assertRows("multilingual.de.translate", multilingual.decode(audio, greedy.withLanguage("de",
                    "translate")));
        }
    }

    @Test
    void theTokenizerKnowsWhispersAddedAndTimestampTokens() {
        try (HfTokenizer tokenizer = HfTokenizer.load(REF)) {
            int begin = recognizer.timestampBegin();
            assertThat(tokenizer.encode("<|0.00|><|30.00|>")).containsExactly(begin, begin + 1500);
            assertThat(tokenizer.encode("<|startoftranscript|>"))
                    .containsExactly(recognizer.generation().decoderStartTokenId());
            assertThat(tokenizer.decode(new int[] {begin + 50})).isEqualTo("<|1.00|>");
            assertThat(tokenizer.vocabSize()).isEqualTo(recognizer.model().config().vocabSize());
        }
    }

    @Test
    void textLeavesOutSpecialAndTimestampTokensAndCleansUpSpaces() {
        int[] ids = ints("text.ids");
        String want = new String(bytes("text.utf8"), StandardCharsets.UTF_8);
        assertThat(recognizer.text(ids)).isEqualTo(want);
        assertThat(want).isEqualTo("hello world, is the.");
    }

    @Test
    void timestampsAndTimingsAreReported() {
        assertThat(recognizer.timePrecision()).isEqualTo(0.02);
        assertThat(recognizer.timestampBegin()).isEqualTo(recognizer.generation().noTimestampsTokenId() + 1);
        long before = recognizer.timings().windows();
        recognizer.decode(audio.subList(0, 1), DecodingOptions.greedy().withMaxNewTokens(2));
        WhisperRecognizer.Timings t = recognizer.timings();
        assertThat(t.windows()).isEqualTo(before + 1);
        assertThat(t.encoderNanos()).isPositive();
        assertThat(t.decoderNanos()).isPositive();
    }

    @Test
    void tooManyNewTokensAndEnglishOnlyLanguagesAreRefused() {
        assertThatThrownBy(() -> recognizer.decode(audio, DecodingOptions.greedy().withMaxNewTokens(40)))
                .isInstanceOf(UserError.class).hasMessageContaining("--max-new-tokens 40")
                .hasMessageContaining("at most 37");  // the prompt: sot, the detected language, notimestamps
        assertThatThrownBy(() -> recognizer.decode(audio, DecodingOptions.greedy().withLanguage("de", null)))
                .isInstanceOf(UserError.class).hasMessageContaining("English-only");
    }

    private static void assertRows(String name, List<int[]> actual) {
        assertThat(actual).hasSize(2);
        for (int i = 0; i < actual.size(); i++) {
            assertThat(actual.get(i)).as(name + "." + i).containsExactly(ints(name + "." + i));
        }
    }

    private static int[] ints(String key) {
        Tensor t = expected.get(key);
        long[] values = new long[(int) t.numel()];
        for (int i = 0; i < values.length; i++) {
            values[i] = t.get(i).item_long();
        }
        return java.util.Arrays.stream(values).mapToInt(v -> (int) v).toArray();
    }

    private static byte[] bytes(String key) {
        int[] values = ints(key);
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }
}

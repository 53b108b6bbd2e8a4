package dev.perennial.speech;

import dev.perennial.tensor.Safetensors;
import dev.perennial.tensor.Tensors;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whisper's logits processors on hand-built sequences and random logits, against tools/reference/whisper.py's
 * SuppressTokensAtBegin, SuppressTokens and WhisperTimeStampLogitsProcessor: the first step (timestamps only, none
 * after max_initial_timestamp_index), a lone timestamp (no text after it), a pair (text must follow), monotonic
 * timestamps, and a row where the timestamps together outweigh the best text token.
 */
class WhisperLogitsTest {

    static final Path REF = Path.of("src/test/resources/reference/whisper-model");

    @Test
    void everyRuleMatchesTheReference() {
        Map<String, Tensor> expected = Safetensors.read(REF.resolve("expected.safetensors"), torch.ScalarType.Float);
        WhisperGenerationConfig gen = WhisperGenerationConfig.read(REF);
        WhisperLogits logits = new WhisperLogits(gen, true);
        int cases = 0;
        for (int i = 0; expected.containsKey("rules." + i + ".ids"); i++, cases++) {
            float[] idsAsFloats = Tensors.toFloats(expected.get("rules." + i + ".ids"));
            // the reference's sequences start with the prompt <|startoftranscript|>; the rules see what follows
            int[] generated = Arrays.stream(toInts(idsAsFloats)).skip(1).toArray();
            float[] scores = Tensors.toFloats(expected.get("rules." + i + ".logits"));
            float[] want = Tensors.toFloats(expected.get("rules." + i + ".processed"));
            logits.apply(generated, scores);
            assertThat(scores).as("case %d", i).containsExactly(want);
        }
        assertThat(cases).isEqualTo(7);
    }

    @Test
    void theOutweighingRuleLeavesOnlyTimestamps() {
        Map<String, Tensor> expected = Safetensors.read(REF.resolve("expected.safetensors"), torch.ScalarType.Float);
        WhisperGenerationConfig gen = WhisperGenerationConfig.read(REF);
        float[] processed = Tensors.toFloats(expected.get("rules.5.processed"));
        for (int t = 0; t < gen.timestampBegin(); t++) {
            assertThat(processed[t]).isEqualTo(Float.NEGATIVE_INFINITY);
        }
        assertThat(processed[gen.timestampBegin() + 10]).isFinite();
    }

    private static int[] toInts(float[] values) {
        int[] out = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Math.round(values[i]);
        }
        return out;
    }
}

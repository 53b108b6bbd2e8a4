package dev.perennial.generate;

import dev.perennial.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GenerationConfigTest {

    @TempDir
    Path dir;

    @Test
    void taskSpecificParamsOverrideTheGenerationConfig() throws IOException {
        Files.writeString(dir.resolve("config.json"), """
                {"model_type": "bart", "decoder_start_token_id": 2, "eos_token_id": 2, "pad_token_id": 1,
                 "task_specific_params": {"summarization": {"num_beams": 4, "max_length": 142, "min_length": 56,
                   "length_penalty": 2.0, "early_stopping": true, "no_repeat_ngram_size": 3}}}""");
        Files.writeString(dir.resolve(GenerationConfig.FILE), """
                {"decoder_start_token_id": 2, "num_beams": 1, "max_length": 20, "forced_eos_token_id": 2}""");
        GenerationConfig plain = GenerationConfig.read(dir, null);
        assertThat(plain.numBeams()).isEqualTo(1);
        assertThat(plain.maxLength()).isEqualTo(20);
        assertThat(plain.eosTokenId()).isEqualTo(2);
        GenerationConfig summarization = GenerationConfig.read(dir, "summarization");
        assertThat(summarization.numBeams()).isEqualTo(4);
        assertThat(summarization.maxLength()).isEqualTo(142);
        assertThat(summarization.earlyStopping()).isEqualTo(BeamSearch.EarlyStopping.TRUE);
        assertThat(summarization.processors()).containsExactly(new LogitsProcessor.NoRepeatNGram(3),
                new LogitsProcessor.MinLength(56, 2), new LogitsProcessor.ForcedEos(142, 2));
        assertThat(summarization.beamSettings().maxNewTokens()).isEqualTo(141);
    }

    @Test
    void aBadKeyIsNamedWithItsFile() throws IOException {
        Files.writeString(dir.resolve("config.json"), "{\"decoder_start_token_id\": 2}");
        Files.writeString(dir.resolve(GenerationConfig.FILE), "{\"early_stopping\": \"sometimes\"}");
        assertThatThrownBy(() -> GenerationConfig.read(dir, null)).isInstanceOf(UserError.class)
                .hasMessageContaining(GenerationConfig.FILE).hasMessageContaining("early_stopping");
    }

    @Test
    void samplingKeysAreReadWithTransformersDefaults() throws IOException {
        Files.writeString(dir.resolve("config.json"), "{\"decoder_start_token_id\": 1, \"eos_token_id\": 2}");
        Files.writeString(dir.resolve(GenerationConfig.FILE), "{\"do_sample\": true, \"top_p\": 0.9}");
        GenerationConfig sampled = GenerationConfig.read(dir, null);
        assertThat(sampled.doSample()).isTrue();
        assertThat(sampled.temperature()).isEqualTo(1.0);
        assertThat(sampled.topK()).isEqualTo(50);
        assertThat(sampled.topP()).isEqualTo(0.9);
        GenerationConfig greedy = sampled.withSampling(0, 0, 1);
        assertThat(greedy.doSample()).isFalse();
        assertThat(sampled.withMaxNewTokens(5).maxLength()).isEqualTo(6);

        Files.writeString(dir.resolve(GenerationConfig.FILE), "{\"do_sample\": true, \"num_beams\": 4}");
        assertThatThrownBy(() -> GenerationConfig.read(dir, null)).isInstanceOf(UserError.class)
                .hasMessageContaining(GenerationConfig.FILE).hasMessageContaining("num_beams");
        Files.writeString(dir.resolve(GenerationConfig.FILE), "{\"do_sample\": true, \"temperature\": 0}");
        assertThatThrownBy(() -> GenerationConfig.read(dir, null)).isInstanceOf(UserError.class)
                .hasMessageContaining("temperature");
        Files.writeString(dir.resolve(GenerationConfig.FILE), "{\"do_sample\": \"yes\"}");
        assertThatThrownBy(() -> GenerationConfig.read(dir, null)).isInstanceOf(UserError.class)
                .hasMessageContaining("do_sample");
    }
}

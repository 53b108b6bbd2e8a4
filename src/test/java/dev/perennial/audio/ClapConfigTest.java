package dev.perennial.audio;

import dev.perennial.UserError;
import dev.perennial.io.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClapConfigTest {

    /** laion/clap-htsat-unfused's preprocessor_config.json as the Hub serves it. */
    static final String UNFUSED = """
            {"chunk_length_s": 10, "feature_extractor_type": "ClapFeatureExtractor", "feature_size": 64,
             "fft_window_size": 1024, "frequency_max": 14000, "frequency_min": 50, "hop_length": 480,
             "max_length_s": 10, "n_fft": 1024, "nb_frequency_bins": 513, "nb_max_frames": 1000,
             "nb_max_samples": 480000, "padding": "repeatpad", "padding_side": "right", "padding_value": 0.0,
             "processor_class": "ClapProcessor", "return_attention_mask": false, "sampling_rate": 48000,
             "top_db": null, "truncation": "rand_trunc"}
            """;

    @Test
    void readsTheUnfusedCheckpointsConfig(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("preprocessor_config.json");
        Files.writeString(file, UNFUSED);
        ClapConfig c = ClapConfig.read(file);
        assertEquals(ClapFeaturesTest.unfused(), c);
        assertEquals(480_000, c.maxSamples());
        assertNull(c.topDb());
    }

    @Test
    void absentFieldsTakeTheFeatureExtractorsDefaults() throws Exception {
        ClapConfig c = ClapConfig.parse(Json.MAPPER.readTree("{}"), "p.json");
        assertEquals(ClapConfig.defaults(), c);
        assertEquals(ClapConfig.Truncation.FUSION, c.truncation());
        assertEquals(0.0, c.frequencyMin());
    }

    @Test
    void badFieldsAreNamedWithTheFile() throws Exception {
        UserError e = assertThrows(UserError.class, () -> ClapConfig.parse(Json.MAPPER.readTree("""
                {"hop_length": -3, "truncation": "cut", "fft_window_size": 400, "frequency_min": "low",
                 "feature_extractor_type": "WhisperFeatureExtractor"}"""), "m/preprocessor_config.json"));
        String all = String.join("\n", e.problems());
        for (String field : new String[] {"hop_length", "truncation", "fft_window_size", "frequency_min",
                "feature_extractor_type"}) {
            assertTrue(all.contains("m/preprocessor_config.json: " + field), all);
        }
        assertTrue(all.contains("rand_trunc"), all);
    }

    @Test
    void fusionNeedsSixtyFourMelBins() throws Exception {
        UserError e = assertThrows(UserError.class, () -> ClapConfig.parse(Json.MAPPER.readTree("""
                {"truncation": "fusion", "feature_size": 16}"""), "p.json"));
        assertEquals("p.json: feature_size is 16, but truncation fusion shrinks the mel to 64 bins "
                + "(_random_mel_fusion); set feature_size to 64 or truncation to rand_trunc", e.getMessage());
        assertEquals(16, ClapConfig.parse(Json.MAPPER.readTree("""
                {"truncation": "rand_trunc", "feature_size": 16}"""), "p.json").featureSize());
    }

    @Test
    void aMissingOrBrokenFileIsOneLineNamingIt(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("none.json");
        assertTrue(assertThrows(UserError.class, () -> ClapConfig.read(missing)).getMessage()
                .startsWith(missing + ": no such preprocessor config"));
        Path broken = Files.writeString(dir.resolve("broken.json"), "{\"hop_length\": ");
        assertTrue(assertThrows(UserError.class, () -> ClapConfig.read(broken)).getMessage()
                .startsWith(broken + ": not valid JSON"));
    }
}

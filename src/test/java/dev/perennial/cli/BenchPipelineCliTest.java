package dev.perennial.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.io.Json;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code perennial bench pipeline} prints what it measured; timings are reported, never asserted. */
class BenchPipelineCliTest {

    @Test
    void featureExtractionAtMiniLmsShapePrintsJsonWithAPositiveThroughput() throws Exception {
        CliTest.Result r = CliTest.run("bench", "pipeline", "feature-extraction", "--model-shape", "minilm-l6",
                "--batch", "1", "--seq", "8", "--warmup", "0", "--iterations", "1", "--format", "json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode json = Json.MAPPER.readTree(r.out());
        assertThat(json.get("task").asText()).isEqualTo("feature-extraction");
        assertThat(json.get("model_shape").asText()).isEqualTo("minilm-l6");
        assertThat(json.get("parameters").asLong()).isEqualTo(22_565_376L); // all-MiniLM-L6-v2's BertModel
        assertThat(json.get("threads").asInt()).isPositive();
        JsonNode batch = json.get("results").get(0);
        assertThat(batch.get("batch").asInt()).isEqualTo(1);
        assertThat(batch.get("items_per_second").asDouble()).isPositive();
        assertThat(batch.get("ms_median").asDouble()).isPositive();
        assertThat(batch.get("ms_count").asInt()).isEqualTo(1);
        assertThat(batch.get("ms_p10").asDouble()).isEqualTo(batch.get("ms_p90").asDouble()); // one iteration
    }

    @Test
    void anImageTaskOnATextShapeIsRefusedInOneLine() {
        CliTest.Result r = CliTest.run("bench", "pipeline", "zero-shot-image-classification", "--model-shape",
                "minilm-l6", "--iterations", "1");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("clip-b32").doesNotContain("Exception");
    }

    @Test
    void maskGenerationTimesTheModelAndTheClicksOfASamFolderPerRound() throws Exception {
        CliTest.Result r = CliTest.run("bench", "pipeline", "mask-generation", "--model",
                "src/test/resources/reference/sam", "--prompts", "3", "--iterations", "2", "--format", "json");
        assertThat(r.code()).as(r.err()).isZero();
        var rounds = r.out().lines().toList();
        assertThat(rounds).hasSize(2);
        JsonNode first = Json.MAPPER.readTree(rounds.getFirst());
        assertThat(first.get("round").asInt()).isEqualTo(1);
        assertThat(first.get("images_per_second").asDouble()).isPositive();
        assertThat(first.get("prompts_per_second").asDouble()).isPositive();
        assertThat(first.get("first_click_ms").asDouble()).isPositive();
        assertThat(first.get("next_over_first").asDouble()).isPositive();
        CliTest.Result automatic = CliTest.run("bench", "pipeline", "mask-generation", "--model",
                "src/test/resources/reference/sam", "--automatic", "--points-per-crop", "4", "--points-per-batch", "6",
                "--iterations", "1", "--format", "json");
        assertThat(automatic.code()).as(automatic.err()).isZero();
        JsonNode round = Json.MAPPER.readTree(automatic.out().lines().toList().getFirst());
        assertThat(round.get("clicks").asInt()).isEqualTo(16);
        assertThat(round.get("image_ms").asDouble()).isPositive();
        assertThat(round.get("grid_ms").asDouble()).isPositive();
        CliTest.Result missing = CliTest.run("bench", "pipeline", "mask-generation");
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("needs --model DIR, a SAM model folder");
    }

    @Test
    void speechRecognitionTimesAWhisperFolderPerRound() throws Exception {
        CliTest.Result r = CliTest.run("bench", "pipeline", "automatic-speech-recognition", "--model",
                "src/test/resources/reference/whisper-model", "--tokens", "4", "--batch", "1", "--iterations", "2",
                "--format", "json");
        assertThat(r.code()).as(r.err()).isZero();
        var rounds = r.out().lines().toList();
        assertThat(rounds).hasSize(2);
        JsonNode first = Json.MAPPER.readTree(rounds.getFirst());
        assertThat(first.get("batch").asInt()).isEqualTo(1);
        assertThat(first.get("seconds").asDouble()).isEqualTo(4.0); // two of the tiny model's 2 s windows
        assertThat(first.get("real_time_factor").asDouble()).isPositive();
        CliTest.Result missing = CliTest.run("bench", "pipeline", "automatic-speech-recognition");
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("needs --model DIR");
    }

    @Test
    void textToSpeechTimesAVitsFolderAfterItsWarmUp() throws Exception {
        CliTest.Result r = CliTest.run("bench", "pipeline", "text-to-speech", "--model",
                "src/test/resources/reference/vits", "--text", "Hello, world.", "--warmup", "1", "--iterations", "2",
                "--threads", "1", "--format", "json");
        assertThat(r.code()).as(r.err()).isZero();
        var rounds = r.out().lines().map(line -> {
            try {
                return Json.MAPPER.readTree(line);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).toList();
        assertThat(rounds).extracting(j -> j.get("warmup").asBoolean()).containsExactly(true, false, false);
        // the same text and seed make the same audio every round
        assertThat(rounds).extracting(j -> j.get("audio_seconds").asDouble()).allSatisfy(s -> assertThat(s)
                .isPositive().isEqualTo(rounds.getFirst().get("audio_seconds").asDouble()));
        assertThat(rounds.get(1).get("wall_ms").asDouble()).isPositive();
        assertThat(rounds.get(1).get("real_time_factor").asDouble()).isPositive();
    }

    @Test
    void objectDetectionTimesADetrFolderAndRefusesABadSizeInOneLine() {
        CliTest.Result r = CliTest.run("bench", "pipeline", "object-detection", "--model",
                "src/test/resources/reference/detr", "--size", "64x90", "--warmup", "0", "--iterations", "1");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("64x90 pixels").contains("round 0: wall");
        CliTest.Result bad = CliTest.run("bench", "pipeline", "object-detection", "--model",
                "src/test/resources/reference/detr", "--size", "64by90");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("--size 64by90").doesNotContain("Exception");
        CliTest.Result missing = CliTest.run("bench", "pipeline", "text-to-speech");
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("needs --model DIR").contains("vits.py --random-checkpoint");
    }
}

package dev.perennial.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.io.Json;
import dev.perennial.pipeline.Inputs;
import dev.perennial.pipeline.Outputs;
import dev.perennial.pipeline.Pipeline;
import dev.perennial.pipeline.Task;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** {@code perennial pipeline} on the tiny reference folders of tools/reference. */
class PipelineCliTest {

    static final Path MINILM = Path.of("src/test/resources/reference/minilm");
    static final Path CLIP = Path.of("src/test/resources/reference/clip");

    @TempDir
    Path dir;

    @Test
    void textToSpeechWritesTheWavOfTheJavaApiAndSaysWhatItWrote() throws Exception {
        Path vits = Path.of("src/test/resources/reference/vits");
        Path wav = dir.resolve("out/hello.wav");
        CliTest.Result r = CliTest.run("pipeline", "text-to-speech", "--model", vits.toString(), "--text",
                "Hello there. How are you?", "--out", wav.toString(), "--speed", "1.5", "--seed", "9", "--format", "json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode line = Json.MAPPER.readTree(r.out());
        try (var p = Pipeline.forTask(Task.TEXT_TO_SPEECH, vits.toString())) {
            Outputs.Speech want = p.run(new Inputs.Speech("Hello there. How are you?", 1.5, 9));
            assertThat(Files.readAllBytes(wav)).isEqualTo(dev.perennial.audio.WavWriter.wav(
                    new dev.perennial.audio.Waveform(want.waveform(), 16000)));
            assertThat(line.path("samples").asInt()).isEqualTo(want.waveform().length);
            assertThat(line.path("duration").asDouble()).isCloseTo(want.waveform().length / 16000.0, within(1e-9));
        }
        assertThat(line.path("sampling_rate").asInt()).isEqualTo(16000);
        CliTest.Result missing = CliTest.run("pipeline", "text-to-speech", "--model", vits.toString(), "--text", "Hi");
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("--out FILE.wav");
    }

    @Test
    void aChainDescribesTheBestLabelAndReadsItAloud() throws Exception {
        Path image = dir.resolve("gradient.png");
        BufferedImage picture = new BufferedImage(32, 24, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 24; y++) {
            for (int x = 0; x < 32; x++) {
                picture.setRGB(x, y, new Color(x * 8, y * 10, 128).getRGB());
            }
        }
        ImageIO.write(picture, "png", image.toFile());
        Path wav = dir.resolve("said.wav");
        CliTest.Result r = CliTest.run("pipeline", "chain", "zero-shot-image-classification", "text-to-speech",
                "--model", CLIP.toString(), "--speech-model", "src/test/resources/reference/vits", "--image",
                image.toString(), "--labels", "cat,dog", "--describe", "It is a {label}.", "--out", wav.toString(),
                "--format", "json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode line = Json.MAPPER.readTree(r.out());
        String best;
        try (var clip = Pipeline.forTask(Task.ZERO_SHOT_IMAGE_CLASSIFICATION, CLIP.toString())) {
            best = clip.run(new Inputs.LabelledImage(dev.perennial.image.ImageFiles.read(image), List.of("cat", "dog")))
                    .labels().getFirst().label();
        }
        assertThat(line.path("text").asText()).isEqualTo("It is a " + best + ".");
        assertThat(Files.size(wav)).isEqualTo(44 + 2L * Math.round(line.path("duration").asDouble() * 16000));
        CliTest.Result wrong = CliTest.run("pipeline", "chain", "feature-extraction", "text-to-speech", "--model",
                MINILM.toString());
        assertThat(wrong.code()).isEqualTo(2);
        assertThat(wrong.err()).contains("feature-extraction's results are not words");
    }

    @Test
    void listNamesEveryTaskWithItsModelTypes() {
        CliTest.Result r = CliTest.run("pipeline", "--list");
        assertThat(r.code()).isZero();
        for (Task<?, ?> t : Task.all()) {
            assertThat(r.out()).contains(t.name());
        }
        assertThat(r.out()).contains("bert, roberta, xlm-roberta").contains("clip");
    }

    @Test
    void featureExtractionPrintsOneJsonLinePerTextEqualToTheJavaApi() throws Exception {
        CliTest.Result r = CliTest.run("pipeline", "feature-extraction", "--model", MINILM.toString(),
                "--text", "A cat sits on the mat.", "--text", "Dogs run.", "--format", "json");
        assertThat(r.code()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(2);
        try (Pipeline<Inputs.Text, Outputs.Embedding> p = Pipeline.forTask(Task.FEATURE_EXTRACTION,
                MINILM.toString())) {
            for (int i = 0; i < 2; i++) {
                JsonNode line = Json.MAPPER.readTree(lines.get(i));
                Outputs.Embedding want = p.run(new Inputs.Text(i == 0 ? "A cat sits on the mat." : "Dogs run."));
                assertThat(line.path("tokens").asInt()).isEqualTo(want.tokens()).isGreaterThan(2);
                assertThat(line.path("embedding")).hasSize(want.embedding().length);
                double norm = 0;
                for (int k = 0; k < want.embedding().length; k++) {
                    double v = line.path("embedding").get(k).asDouble();
                    assertThat(v).isCloseTo(want.embedding()[k], within(1e-6));
                    norm += v * v;
                }
                assertThat(norm).isCloseTo(1.0, within(1e-5)); // modules.json has Normalize
            }
        }
    }

    @Test
    void aMistakeInTheInputFileNamesItsLineBeforeAnythingRuns() throws Exception {
        Path input = dir.resolve("pairs.jsonl");
        Files.writeString(input, """
                {"source_sentence": "A cat sits.", "sentences": ["A kitten rests.", "Prices fell."]}
                {"source_sentence": "A dog runs.", "sentence": ["A hound sprints."]}
                """);
        CliTest.Result r = CliTest.run("pipeline", "sentence-similarity", "--model", MINILM.toString(),
                "--input", input.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("pairs.jsonl line 2").contains("unknown field 'sentence'")
                .contains("sentences, source_sentence");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void sentenceSimilarityFromAFileGivesOneLinePerInputInOrder() throws Exception {
        Path input = dir.resolve("pairs.jsonl");
        Files.writeString(input, """
                {"source_sentence": "A cat sits.", "sentences": ["A cat sits.", "Prices fell sharply today."]}

                {"source_sentence": "Dogs run.", "sentences": ["Dogs run."]}
                """);
        CliTest.Result r = CliTest.run("pipeline", "sentence-similarity", "--model", MINILM.toString(),
                "--input", input.toString());
        assertThat(r.code()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(2);
        JsonNode first = Json.MAPPER.readTree(lines.get(0)).path("scores");
        assertThat(first).hasSize(2);
        assertThat(first.get(0).asDouble()).isCloseTo(1.0, within(1e-5)); // a sentence is itself
        assertThat(first.get(1).asDouble()).isLessThan(0.9999);
        assertThat(Json.MAPPER.readTree(lines.get(1)).path("scores").get(0).asDouble()).isCloseTo(1.0, within(1e-5));
    }

    @Test
    void zeroShotScoresEveryLabelBestFirstAndSumsToOne() throws Exception {
        Path image = png(dir.resolve("red.png"), 50, 37, Color.RED);
        CliTest.Result r = CliTest.run("pipeline", "zero-shot-image-classification", "--model", CLIP.toString(),
                "--image", image.toString(), "--labels", "cat,dog,red square", "--format", "json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode labels = Json.MAPPER.readTree(r.out()).path("labels");
        assertThat(labels).hasSize(3);
        double sum = 0;
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            sum += labels.get(i).path("score").asDouble();
            names.add(labels.get(i).path("label").asText());
            if (i > 0) {
                assertThat(labels.get(i).path("score").asDouble()).isLessThanOrEqualTo(labels.get(i - 1)
                        .path("score").asDouble());
            }
        }
        assertThat(sum).isCloseTo(1.0, within(1e-9));
        assertThat(names).containsExactlyInAnyOrder("cat", "dog", "red square");

        CliTest.Result text = CliTest.run("pipeline", "zero-shot-image-classification", "--model", CLIP.toString(),
                "--image", image.toString(), "--labels", "cat,dog,red square");
        assertThat(text.out().lines().toList()).hasSize(3).allMatch(l -> l.matches("0\\.\\d{4}  .+"));
    }

    @Test
    void imageSearchIndexesOnceAndReembedsOnlyWhatChanged() throws Exception {
        Path images = Files.createDirectories(dir.resolve("photos"));
        png(images.resolve("red.png"), 40, 30, Color.RED);
        png(images.resolve("green.png"), 33, 41, Color.GREEN);
        png(Files.createDirectories(images.resolve("more")).resolve("blue.png"), 64, 64, Color.BLUE);
        Files.writeString(images.resolve("notes.txt"), "not an image");
        String[] search = {"pipeline", "image-search", "--model", CLIP.toString(), "--images", images.toString(),
                "--query", "a red square", "--top", "2", "--format", "json"};

        CliTest.Result first = CliTest.run(search);
        assertThat(first.code()).as(first.err()).isZero();
        assertThat(first.err()).contains("3 images indexed (3 embedded now, 0 from");
        JsonNode hits = Json.MAPPER.readTree(first.out()).path("hits");
        assertThat(hits).hasSize(2);
        assertThat(hits.get(0).path("score").asDouble()).isGreaterThanOrEqualTo(hits.get(1).path("score").asDouble());

        CliTest.Result again = CliTest.run(search);
        assertThat(again.err()).contains("3 images indexed (0 embedded now, 3 from");
        assertThat(again.out()).isEqualTo(first.out());

        png(images.resolve("green.png"), 33, 41, Color.YELLOW);
        Files.write(images.resolve("broken.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
        CliTest.Result changed = CliTest.run(search);
        assertThat(changed.code()).as(changed.err()).isZero();
        assertThat(changed.err()).contains("3 images indexed (1 embedded now, 2 from").contains("skipped")
                .contains("broken.png");
    }

    @Test
    void aModelOfAnotherKindIsRefusedNamingWhatRunsTheTask() {
        CliTest.Result r = CliTest.run("pipeline", "feature-extraction", "--model", CLIP.toString(), "--text", "x");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("model_type 'clip' cannot run feature-extraction")
                .contains("bert, roberta, xlm-roberta").contains("zero-shot-image-classification");
        CliTest.Result unknown = CliTest.run("pipeline", "fill-mask", "--model", MINILM.toString());
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("task 'fill-mask' is not one Perennial runs").contains("image-search");
    }

    @Test
    void hubSearchSaysWhichResultsPerennialRuns() {
        assertThat(HubCommand.runs("feature-extraction", "bert")).isEqualTo("yes");
        assertThat(HubCommand.runs("sentence-similarity", "xlm-roberta")).isEqualTo("yes");
        assertThat(HubCommand.runs("zero-shot-image-classification", "clip")).isEqualTo("yes");
        assertThat(HubCommand.runs("zero-shot-image-classification", "siglip")).isEqualTo("no");
        assertThat(HubCommand.runs("text-generation", "llama")).isEqualTo("yes");
        assertThat(HubCommand.runs("text-generation", "bert")).isEqualTo("no");
        assertThat(HubCommand.runs("feature-extraction", null)).isEqualTo("?");
    }

    private static Path png(Path file, int width, int height, Color colour) throws Exception {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setColor(colour);
        g.fillRect(width / 5, height / 5, width * 3 / 5, height * 3 / 5);
        g.dispose();
        ImageIO.write(image, "png", file.toFile());
        return file;
    }
}

package dev.perennial.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.image.ImageFiles;
import dev.perennial.io.Json;
import dev.perennial.pipeline.Inputs;
import dev.perennial.pipeline.Outputs;
import dev.perennial.pipeline.Pipeline;
import dev.perennial.pipeline.Task;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** perennial pipeline object-detection on the tiny DETR: the pipeline's JSON, and --out's picture of the boxes. */
class ObjectDetectionCliTest {

    static final Path DETR = Path.of("src/test/resources/reference/detr");

    @TempDir
    Path dir;

    @Test
    void printsThePipelinesDetectionsAndDrawsThemIntoThePng() throws Exception {
        Path image = DETR.resolve("image-0.png");
        Path png = dir.resolve("out/boxes.png");
        CliTest.Result r = CliTest.run("pipeline", "object-detection", "--model", DETR.toString(), "--image",
                image.toString(), "--threshold", "0.98", "--out", png.toString(), "--format", "json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode printed = Json.MAPPER.readTree(r.out());
        try (var pipeline = Pipeline.forTask(Task.OBJECT_DETECTION, DETR.toString())) {
            Outputs.Detections want = pipeline.run(new Inputs.DetectionImage(ImageFiles.read(image), 0.98));
            assertThat(want.detections()).isNotEmpty();
            assertThat(printed).isEqualTo(Json.MAPPER.valueToTree(want));
        }
        assertThat(r.err()).contains("wrote " + png);
        BufferedImage drawn = ImageIO.read(png.toFile());
        BufferedImage original = ImageIO.read(image.toFile());
        assertThat(drawn.getWidth()).isEqualTo(original.getWidth());
        int xmin = printed.get(0).path("box").path("xmin").asInt();
        int ymax = printed.get(0).path("box").path("ymax").asInt();
        // the outline changes the pixels on the box's left edge; far from every box the image is unchanged
        assertThat(drawn.getRGB(xmin, ymax - 1)).isNotEqualTo(original.getRGB(xmin, ymax - 1));
        assertThat(drawn.getRGB(original.getWidth() - 1, original.getHeight() - 1))
                .isEqualTo(original.getRGB(original.getWidth() - 1, original.getHeight() - 1));
        assertThat(Files.list(png.getParent())).hasSize(1); // no temporary file left behind
    }

    @Test
    void mistakesAreOneLineNamingTheFlag() {
        CliTest.Result noImage = CliTest.run("pipeline", "object-detection", "--model", DETR.toString());
        assertThat(noImage.code()).isEqualTo(2);
        assertThat(noImage.err()).contains("object-detection needs --image FILE");
        CliTest.Result jpeg = CliTest.run("pipeline", "object-detection", "--model", DETR.toString(), "--image",
                DETR.resolve("image-0.png").toString(), "--out", dir.resolve("x.jpg").toString());
        assertThat(jpeg.code()).isEqualTo(2);
        assertThat(jpeg.err()).contains("name the file FILE.png");
        CliTest.Result threshold = CliTest.run("pipeline", "object-detection", "--model", DETR.toString(), "--image",
                DETR.resolve("image-0.png").toString(), "--threshold", "1.5");
        assertThat(threshold.code()).isEqualTo(2);
        assertThat(threshold.err()).contains("threshold is 1.5");
    }
}

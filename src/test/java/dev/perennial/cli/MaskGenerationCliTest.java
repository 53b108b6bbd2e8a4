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
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** perennial pipeline mask-generation on the tiny SAM: the masks' JSON, and --out's picture of the masks. */
class MaskGenerationCliTest {

    static final Path SAM = Path.of("src/test/resources/reference/sam");

    @TempDir
    Path dir;

    @Test
    void printsTheMasksOfTheClicksAndLaysThemOverThePng() throws Exception {
        Path image = SAM.resolve("image-0.png");
        Path png = dir.resolve("out/masks.png");
        CliTest.Result r = CliTest.run("pipeline", "mask-generation", "--model", SAM.toString(), "--image",
                image.toString(), "--points", "30,20", "--points", "70,45,0", "--out", png.toString(),
                "--format", "json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode printed = Json.MAPPER.readTree(r.out());
        Outputs.Masks want;
        try (var pipeline = Pipeline.forTask(Task.MASK_GENERATION, SAM.toString())) {
            want = pipeline.run(new Inputs.MaskPrompt(ImageFiles.read(image),
                    List.of(new Inputs.Point(30, 20, 1), new Inputs.Point(70, 45, 0))));
        }
        assertThat(printed).isEqualTo(Json.MAPPER.readTree(Json.MAPPER.writeValueAsString(want)));
        assertThat(printed.path("masks")).hasSize(3);
        assertThat(r.err()).contains("wrote " + png);
        BufferedImage drawn = ImageIO.read(png.toFile());
        BufferedImage original = ImageIO.read(image.toFile());
        assertThat(drawn.getWidth()).isEqualTo(original.getWidth());
        int inside = 0;
        int outside = 0;
        for (int y = 0; y < original.getHeight(); y++) {
            for (int x = 0; x < original.getWidth(); x++) {
                final int px = x;
                final int py = y;
                boolean masked = want.masks().stream().anyMatch(m -> m.pixels().get(py * original.getWidth() + px));
                boolean changed = drawn.getRGB(x, y) != original.getRGB(x, y);
                if (masked) {
                    inside += changed ? 1 : 0;
                } else {
                    assertThat(changed).as("pixel " + x + "," + y + " outside every mask").isFalse();
                    outside++;
                }
            }
        }
        assertThat(inside).isPositive();
        assertThat(outside).isPositive();
        assertThat(Files.list(png.getParent())).hasSize(1); // no temporary file left behind
    }

    @Test
    void mistakesAreOneLineNamingTheFlag() {
        String model = SAM.toString();
        String image = SAM.resolve("image-0.png").toString();
        CliTest.Result noPrompt = CliTest.run("pipeline", "mask-generation", "--model", model, "--image", image);
        assertThat(noPrompt.code()).isEqualTo(2);
        assertThat(noPrompt.err()).contains("mask-generation needs --image FILE with --points");
        CliTest.Result badPoint = CliTest.run("pipeline", "mask-generation", "--model", model, "--image", image,
                "--points", "30;20");
        assertThat(badPoint.code()).isEqualTo(2);
        assertThat(badPoint.err()).contains("--points 30;20: give 2 or 3 numbers");
        CliTest.Result label = CliTest.run("pipeline", "mask-generation", "--model", model, "--image", image,
                "--points", "30,20,5");
        assertThat(label.code()).isEqualTo(2);
        assertThat(label.err()).contains("the label is 1 (on the object) or 0");
        CliTest.Result jpeg = CliTest.run("pipeline", "mask-generation", "--model", model, "--image", image,
                "--box", "1,2,40,50", "--out", dir.resolve("x.jpg").toString());
        assertThat(jpeg.code()).isEqualTo(2);
        assertThat(jpeg.err()).contains("mask-generation draws a PNG");
    }
}

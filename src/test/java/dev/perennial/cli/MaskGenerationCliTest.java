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
    void withoutPointsOrBoxTheMasksOfTheWholeImageAreGenerated() throws Exception {
        Path image = SAM.resolve("image-0.png");
        Path png = dir.resolve("all.png");
        // the tiny random model's logits stay within ±1, so the stability test (offset 1) is switched off
        CliTest.Result r = CliTest.run("pipeline", "mask-generation", "--model", SAM.toString(), "--image",
                image.toString(), "--points-per-crop", "8", "--points-per-batch", "24", "--pred-iou-thresh", "0.05",
                "--stability-score-thresh", "0", "--out", png.toString(), "--format", "json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode printed = Json.MAPPER.readTree(r.out());
        Outputs.Masks want;
        try (var pipeline = Pipeline.forTask(Task.MASK_GENERATION, SAM.toString())) {
            want = pipeline.run(Inputs.MaskPrompt.automatic(ImageFiles.read(image), new Inputs.MaskGrid(24, 8, 0.05, 0,
                    1, 0, 0.7)));
        }
        assertThat(printed).isEqualTo(Json.MAPPER.readTree(Json.MAPPER.writeValueAsString(want)));
        assertThat(printed.path("masks").size()).isPositive();
        double previous = Double.MAX_VALUE;
        for (JsonNode m : printed.path("masks")) {
            assertThat(m.path("score").asDouble()).isLessThanOrEqualTo(previous).isGreaterThan(0.05);
            previous = m.path("score").asDouble();
        }
        assertThat(ImageIO.read(png.toFile()).getWidth()).isEqualTo(90);
    }

    @Test
    void aSavedMaskGoesBackInAsTheNextPromptsMaskInput() throws Exception {
        Path image = SAM.resolve("image-0.png");
        Path saved = dir.resolve("best.npy");
        CliTest.Result first = CliTest.run("pipeline", "mask-generation", "--model", SAM.toString(), "--image",
                image.toString(), "--points", "30,20", "--save-mask-input", saved.toString(), "--format", "json");
        assertThat(first.code()).as(first.err()).isZero();
        dev.perennial.io.Npy.Array array = dev.perennial.io.Npy.read(saved);
        assertThat(array.shape()).containsExactly(1, 1, 32, 32);
        CliTest.Result second = CliTest.run("pipeline", "mask-generation", "--model", SAM.toString(), "--image",
                image.toString(), "--points", "30,20", "--mask-input", saved.toString(), "--format", "json");
        assertThat(second.code()).as(second.err()).isZero();
        try (var pipeline = Pipeline.forTask(Task.MASK_GENERATION, SAM.toString())) {
            List<Inputs.Point> click = List.of(new Inputs.Point(30, 20, 1));
            Outputs.Masks plain = pipeline.run(new Inputs.MaskPrompt(ImageFiles.read(image), click));
            Outputs.Mask best = plain.masks().stream().max(java.util.Comparator.comparingDouble(Outputs.Mask::score))
                    .orElseThrow();
            assertThat(array.values()).containsExactly(best.lowResLogits());
            Outputs.Masks refined = pipeline.run(new Inputs.MaskPrompt(ImageFiles.read(image), click, null, true,
                    best.lowResLogits(), null));
            assertThat(Json.MAPPER.readTree(second.out()))
                    .isEqualTo(Json.MAPPER.readTree(Json.MAPPER.writeValueAsString(refined)))
                    .isNotEqualTo(Json.MAPPER.readTree(first.out()));
        }
    }

    @Test
    void mistakesAreOneLineNamingTheFlag() {
        String model = SAM.toString();
        String image = SAM.resolve("image-0.png").toString();
        CliTest.Result noImage = CliTest.run("pipeline", "mask-generation", "--model", model, "--points", "3,4");
        assertThat(noImage.code()).isEqualTo(2);
        assertThat(noImage.err()).contains("mask-generation needs --image FILE");
        CliTest.Result lonelyMask = CliTest.run("pipeline", "mask-generation", "--model", model, "--image", image,
                "--mask-input", dir.resolve("m.npy").toString());
        assertThat(lonelyMask.code()).isEqualTo(2);
        assertThat(lonelyMask.err()).contains("--mask-input refines a prompt: give --points or --box with it");
        CliTest.Result notNpy = CliTest.run("pipeline", "mask-generation", "--model", model, "--image", image,
                "--points", "30,20", "--mask-input", image);
        assertThat(notNpy.code()).isEqualTo(2);
        assertThat(notNpy.err()).contains("not a .npy file");
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

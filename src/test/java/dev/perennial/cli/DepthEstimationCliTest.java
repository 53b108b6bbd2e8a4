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

/** perennial pipeline depth-estimation on the tiny DPT-Hybrid: the JSON, the text line and --out's grey PNG. */
class DepthEstimationCliTest {

    static final Path DPT = Path.of("src/test/resources/reference/dpt");

    @TempDir
    Path dir;

    @Test
    void printsTheRangeAndWritesThePipelinesPicture() throws Exception {
        Path image = DPT.resolve("image-0.png");
        Path png = dir.resolve("out/depth.png");
        CliTest.Result r = CliTest.run("pipeline", "depth-estimation", "--model", DPT.toString(), "--image",
                image.toString(), "--out", png.toString(), "--format", "json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode printed = Json.MAPPER.readTree(r.out());
        Outputs.Depth want;
        try (var pipeline = Pipeline.forTask(Task.DEPTH_ESTIMATION, DPT.toString())) {
            want = pipeline.run(new Inputs.Image(ImageFiles.read(image)));
        }
        // parsed back, as a client reads it (the record holds float32 numbers)
        assertThat(printed).isEqualTo(Json.MAPPER.readTree(Json.MAPPER.writeValueAsString(want)));
        assertThat(r.err()).contains("wrote " + png);
        BufferedImage written = ImageIO.read(png.toFile());
        assertThat(written.getWidth()).isEqualTo(90);
        assertThat(written.getHeight()).isEqualTo(60);
        assertThat(written.getRaster().getNumBands()).isEqualTo(1);
        int darkest = 255;
        int brightest = 0;
        for (int y = 0; y < 60; y++) {
            for (int x = 0; x < 90; x++) {
                int v = written.getRaster().getSample(x, y, 0);
                assertThat(v).isEqualTo(want.picture().get(x, y));
                darkest = Math.min(darkest, v);
                brightest = Math.max(brightest, v);
            }
        }
        // min maps to 0 and max to 255
        assertThat(darkest).isZero();
        assertThat(brightest).isEqualTo(255);
        assertThat(Files.list(png.getParent())).hasSize(1);

        CliTest.Result text = CliTest.run("pipeline", "depth-estimation", "--model", DPT.toString(), "--image",
                image.toString());
        assertThat(text.code()).as(text.err()).isZero();
        assertThat(text.out()).startsWith("depth 90×60 (predicted at 64×64): min ");
    }

    @Test
    void mistakesAreOneLineNamingTheFlag() {
        CliTest.Result noImage = CliTest.run("pipeline", "depth-estimation", "--model", DPT.toString());
        assertThat(noImage.code()).isEqualTo(2);
        assertThat(noImage.err()).contains("depth-estimation needs --image FILE");
        CliTest.Result jpeg = CliTest.run("pipeline", "depth-estimation", "--model", DPT.toString(), "--image",
                DPT.resolve("image-0.png").toString(), "--out", dir.resolve("x.jpg").toString());
        assertThat(jpeg.code()).isEqualTo(2);
        assertThat(jpeg.err()).contains("depth-estimation draws a PNG; name the file FILE.png");
        CliTest.Result noModel = CliTest.run("pipeline", "depth-estimation", "--image",
                DPT.resolve("image-0.png").toString());
        assertThat(noModel.err()).contains("--model Intel/dpt-hybrid-midas");
    }
}

package dev.perennial.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.GoldenFiles;
import dev.perennial.image.DptImageProcessor;
import dev.perennial.image.ImageFiles;
import dev.perennial.image.ImageProcessor;
import dev.perennial.model.DptModel;
import dev.perennial.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Intel/dpt-hybrid-midas against transformers itself: its depth-estimation pipeline on the images
 * tools/make_golden.py draws (the depth at each image's size and its 8-bit picture, sampled), and the first image's
 * predicted depth at the model's size. Skipped, saying why, until {@code tools/make_golden.py --pipelines
 * src/test/resources/golden} has been run where transformers is installed and the checkpoint is in the Hub cache.
 */
class DptGoldenTest {

    static final Path VISION = Path.of("src/test/resources/golden/vision/vision.json");

    /** The tiny DPT-hybrid folder of tools/reference/dpt.py through transformers' depth-estimation pipeline. */
    @Test
    void theTinyFolderMatchesTransformersPipeline() throws Exception {
        JsonNode g = GoldenFiles.entry(VISION, "dpt", "run tools/make_golden.py --vision src/test/resources/golden "
                + "where transformers is installed, and commit the output");
        Path dir = Path.of("src/test/resources").resolve(g.path("dir").asText());
        try (var pipeline = Pipeline.forTask(Task.DEPTH_ESTIMATION, dir.toString())) {
            for (JsonNode f : g.path("images")) {
                String file = f.asText();
                JsonNode want = g.path("results").path(file);
                Outputs.Depth got = pipeline.run(new Inputs.Image(ImageFiles.read(dir.resolve(file))));
                JsonNode depth = want.path("predicted_depth");
                assertThat(new long[] {got.height(), got.width()}).as(file)
                        .containsExactly(depth.size(), depth.get(0).size());
                assertSampled(got.depth(), got.width(), 1, depth, "tiny " + file + " depth");
                int row = 0;
                for (JsonNode r : want.path("picture")) {
                    int col = 0;
                    for (JsonNode v : r) {
                        // float noise may move a value across a truncation step
                        assertThat(got.picture().get(col, row)).as(file + " picture").isCloseTo(v.asInt(), within(1));
                        col++;
                    }
                    row++;
                }
            }
        }
    }

    @Test
    void dptHybridMidasMatchesTransformersPipeline() throws Exception {
        JsonNode g = GoldenFiles.entry(PipelineGoldenTest.GOLDEN.resolve("pipelines.json"), "dpt-hybrid-midas",
                "run tools/make_golden.py --pipelines src/test/resources/golden where transformers is installed, and "
                        + "commit the output");
        Path dir = GoldenFiles.cached(g.path("model").asText());
        String first = g.path("images").get(0).asText();
        try (DptModel model = DptModel.load(dir, torch.ScalarType.Float); PointerScope scope = new PointerScope()) {
            DptImageProcessor processor = DptImageProcessor.read(dir.resolve("preprocessor_config.json"));
            ImageProcessor.PixelValues p = processor.process(ImageFiles.read(PipelineGoldenTest.GOLDEN.resolve(first)));
            assertThat(new long[] {1, 3, p.height(), p.width()}).containsExactly(longs(g.path("pixel_values_shape")));
            float[] depth = Tensors.toFloats(model.forward(Tensors.fromFloats(p.values(), 1, 3, p.height(),
                    p.width())).predictedDepth());
            int width = g.path("predicted_depth_shape").get(1).asInt();
            assertSampled(depth, width, 16, g.path("predicted_depth_every_16"), "dpt-hybrid-midas predicted_depth");
        }
        try (var pipeline = Pipeline.forTask(Task.DEPTH_ESTIMATION, dir.toString())) {
            for (JsonNode f : g.path("images")) {
                String file = f.asText();
                JsonNode want = g.path("results").path(file);
                Outputs.Depth got = pipeline.run(new Inputs.Image(ImageFiles.read(PipelineGoldenTest.GOLDEN.resolve(
                        file))));
                assertThat(new long[] {got.height(), got.width()}).containsExactly(longs(want.path("size")));
                double range = want.path("max").asDouble() - want.path("min").asDouble();
                assertThat((double) got.max()).as(file).isCloseTo(want.path("max").asDouble(), within(1e-4 * range));
                assertThat((double) got.min()).as(file).isCloseTo(want.path("min").asDouble(), within(1e-4 * range));
                assertSampled(got.depth(), got.width(), 8, want.path("depth_every_8"), "dpt-hybrid-midas " + file + " depth");
                int row = 0;
                for (JsonNode r : want.path("picture_every_8")) {
                    int col = 0;
                    for (JsonNode v : r) {
                        // float noise may move a value across a truncation step
                        assertThat(got.picture().get(col * 8, row * 8)).as(file).isCloseTo(v.asInt(), within(1));
                        col++;
                    }
                    row++;
                }
            }
        }
    }

    private static long[] longs(JsonNode list) {
        long[] out = new long[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = list.get(i).asLong();
        }
        return out;
    }

    /** Values of a row-major map {@code width} wide, every {@code step}th row and column, within 1e-4 of the range. */
    private static void assertSampled(float[] actual, int width, int step, JsonNode rows, String what) {
        double lo = Double.MAX_VALUE;
        double hi = -Double.MAX_VALUE;
        for (JsonNode r : rows) {
            for (JsonNode v : r) {
                lo = Math.min(lo, v.asDouble());
                hi = Math.max(hi, v.asDouble());
            }
        }
        double max = 0;
        int y = 0;
        for (JsonNode r : rows) {
            int x = 0;
            for (JsonNode v : r) {
                max = Math.max(max, Math.abs(actual[y * step * width + x * step] - v.asDouble()));
                x++;
            }
            y++;
        }
        System.out.printf("%s max abs error %.3g (range %.3g)%n", what, max, hi - lo);
        assertThat(max).as(what + " max abs error").isLessThan(1e-4 * (hi - lo));
    }
}

package dev.perennial.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.GoldenFiles;
import dev.perennial.image.DetrImageProcessor;
import dev.perennial.image.ImageFiles;
import dev.perennial.image.RgbImage;
import dev.perennial.model.DetrModel;
import dev.perennial.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * facebook/detr-resnet-50 against transformers itself: its object-detection pipeline on the images
 * tools/make_golden.py draws, and the first image's logits and boxes. Skipped, saying why, until
 * {@code tools/make_golden.py --pipelines src/test/resources/golden} has been run where transformers and timm are
 * installed and the checkpoint is in the Hub cache.
 */
class DetrGoldenTest {

    @Test
    void detrResnet50MatchesTransformersPipeline() throws Exception {
        JsonNode g = GoldenFiles.entry(PipelineGoldenTest.GOLDEN.resolve("pipelines.json"), "detr-resnet-50",
                "run tools/make_golden.py --pipelines src/test/resources/golden where transformers and timm are "
                        + "installed, and commit the output");
        Path dir = GoldenFiles.cached(g.path("model").asText());
        List<String> files = new java.util.ArrayList<>();
        g.path("images").forEach(f -> files.add(f.asText()));
        RgbImage first = ImageFiles.read(PipelineGoldenTest.GOLDEN.resolve(files.getFirst()));
        try (DetrModel model = DetrModel.load(dir, torch.ScalarType.Float); PointerScope scope = new PointerScope()) {
            DetrImageProcessor processor = DetrImageProcessor.read(dir.resolve("preprocessor_config.json"));
            DetrImageProcessor.Batch batch = processor.batch(List.of(first));
            assertThat(new long[] {1, 3, batch.height(), batch.width()}).containsExactly(
                    g.path("pixel_values_shape").get(0).asLong(), g.path("pixel_values_shape").get(1).asLong(),
                    g.path("pixel_values_shape").get(2).asLong(), g.path("pixel_values_shape").get(3).asLong());
            DetrModel.Output out = model.forward(Tensors.fromFloats(batch.pixels(), 1, 3, batch.height(),
                    batch.width()), null);
            float[] logits = Tensors.toFloats(out.logits());
            float[] boxes = Tensors.toFloats(out.predBoxes());
            assertClose(logits, g.path("logits"), 1e-3, "logits");
            assertClose(boxes, g.path("pred_boxes"), 1e-4, "pred_boxes");
        }
        double threshold = g.path("threshold").asDouble();
        try (var pipeline = Pipeline.forTask(Task.OBJECT_DETECTION, dir.toString())) {
            for (String file : files) {
                Outputs.Detections found = pipeline.run(new Inputs.DetectionImage(
                        ImageFiles.read(PipelineGoldenTest.GOLDEN.resolve(file)), threshold));
                JsonNode want = g.path("results").path(file);
                assertThat(found.detections()).as(file).hasSize(want.size());
                for (int k = 0; k < want.size(); k++) {
                    Outputs.Detection d = found.detections().get(k);
                    JsonNode w = want.get(k);
                    assertThat(d.label()).as(file).isEqualTo(w.path("label").asText());
                    assertThat(d.score()).as(file).isCloseTo(w.path("score").asDouble(), within(1e-4));
                    // a corner within float noise of a whole pixel may truncate to its neighbour
                    assertThat(d.box().xmin()).isCloseTo(w.path("box").path("xmin").asInt(), within(1));
                    assertThat(d.box().ymin()).isCloseTo(w.path("box").path("ymin").asInt(), within(1));
                    assertThat(d.box().xmax()).isCloseTo(w.path("box").path("xmax").asInt(), within(1));
                    assertThat(d.box().ymax()).isCloseTo(w.path("box").path("ymax").asInt(), within(1));
                }
            }
        }
    }

    private static void assertClose(float[] actual, JsonNode rows, double tolerance, String what) {
        double max = 0;
        int i = 0;
        for (JsonNode row : rows) {
            for (JsonNode v : row) {
                max = Math.max(max, Math.abs(actual[i++] - v.asDouble()));
            }
        }
        assertThat(i).as(what + " size").isEqualTo(actual.length);
        System.out.printf("detr-resnet-50 %s max abs error %.3g%n", what, max);
        assertThat(max).as(what + " max abs error").isLessThan(tolerance);
    }
}

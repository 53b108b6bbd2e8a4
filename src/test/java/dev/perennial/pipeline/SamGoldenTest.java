package dev.perennial.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.GoldenFiles;
import dev.perennial.image.ImageFiles;
import dev.perennial.image.RgbImage;
import dev.perennial.image.SamImageProcessor;
import dev.perennial.model.SamModel;
import dev.perennial.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Zigeng/SlimSAM-uniform-77 against transformers itself (SamModel with SamProcessor) on an image
 * tools/make_golden.py draws: the image embeddings, and per prompt (points with labels, a box) the IoU scores, the
 * low-resolution masks' sums and the post-processed masks' areas. Skipped, saying why, until
 * {@code tools/make_golden.py --pipelines src/test/resources/golden} has been run where transformers is installed
 * and the checkpoint is in the Hub cache.
 */
class SamGoldenTest {

    @Test
    void slimSam77MatchesTransformers() throws Exception {
        JsonNode g = GoldenFiles.entry(PipelineGoldenTest.GOLDEN.resolve("pipelines.json"), "slimsam-uniform-77",
                "run tools/make_golden.py --pipelines src/test/resources/golden where transformers is installed, and "
                        + "commit the output");
        Path dir = GoldenFiles.cached(g.path("model").asText());
        RgbImage image = ImageFiles.read(PipelineGoldenTest.GOLDEN.resolve(g.path("image").asText()));
        SamImageProcessor processor = SamImageProcessor.read(dir.resolve("preprocessor_config.json"));
        try (SamModel model = SamModel.load(dir, torch.ScalarType.Float); PointerScope scope = new PointerScope()) {
            SamImageProcessor.Input in = processor.process(image);
            Tensor embeddings = model.embed(Tensors.fromFloats(in.pixels(), 1, 3, processor.padHeight(),
                    processor.padWidth()));
            assertThat(embeddings.sizes().vec().get()).containsExactly(longs(g.path("embeddings_shape")));
            float[] values = Tensors.toFloats(embeddings);
            for (int i = 0; i < 8; i++) {
                assertThat((double) values[i]).isCloseTo(g.path("embeddings_first").get(i).asDouble(), within(1e-3));
            }
            assertThat(embeddings.sum().item_double()).isCloseTo(g.path("embeddings_sum").asDouble(),
                    within(1e-3 * values.length));
        }
        try (var pipeline = Pipeline.forTask(Task.MASK_GENERATION, dir.toString())) {
            for (JsonNode click : g.path("clicks")) {
                List<Inputs.Point> points = new ArrayList<>();
                for (int i = 0; i < click.path("points").size(); i++) {
                    JsonNode p = click.path("points").get(i);
                    points.add(new Inputs.Point(p.get(0).asDouble(), p.get(1).asDouble(),
                            click.path("labels").get(i).asInt()));
                }
                JsonNode b = click.path("box");
                Inputs.PromptBox box = b.isMissingNode() ? null : new Inputs.PromptBox(b.get(0).asDouble(),
                        b.get(1).asDouble(), b.get(2).asDouble(), b.get(3).asDouble());
                Outputs.Masks found = pipeline.run(new Inputs.MaskPrompt(image, points, box, true));
                for (int m = 0; m < 3; m++) {
                    Outputs.Mask mask = found.masks().get(m);
                    assertThat(mask.score()).as(click + " mask " + m)
                            .isCloseTo(click.path("iou_scores").get(m).asDouble(), within(1e-3));
                    long want = click.path("areas").get(m).asLong();
                    // pixels within float noise of the threshold may fall either way
                    assertThat(mask.area()).as(click + " mask " + m).isCloseTo(want, within(Math.max(5, want / 1000)));
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
}

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
import java.util.BitSet;
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

    /** The tiny SAM folder of tools/reference/sam.py clicked as transformers' SamModel + SamProcessor answer it. */
    @Test
    void theTinyFolderAnswersClicksAsTransformers() throws Exception {
        JsonNode g = tinyGolden();
        Path dir = Path.of("src/test/resources").resolve(g.path("dir").asText());
        RgbImage image = ImageFiles.read(dir.resolve(g.path("image").asText()));
        try (var pipeline = Pipeline.forTask(Task.MASK_GENERATION, dir.toString())) {
            for (JsonNode click : g.path("clicks")) {
                Outputs.Masks found = pipeline.run(new Inputs.MaskPrompt(image, points(click), box(click), true));
                for (int m = 0; m < 3; m++) {
                    Outputs.Mask mask = found.masks().get(m);
                    String what = click + " mask " + m;
                    assertThat(mask.score()).as(what).isCloseTo(click.path("iou_scores").get(m).asDouble(),
                            within(1e-5));
                    JsonNode lowRes = click.path("low_res_masks").get(m);
                    int side = lowRes.size();
                    for (int y = 0; y < side; y++) {
                        for (int x = 0; x < side; x++) {
                            assertThat((double) mask.lowResLogits()[y * side + x]).as(what + " low-res " + y + "," + x)
                                    .isCloseTo(lowRes.get(y).get(x).asDouble(), within(1e-5));
                        }
                    }
                    assertThat(runLengths(mask.pixels(), found.width() * found.height())).as(what)
                            .containsExactly(ints(click.path("masks").get(m)));
                }
            }
        }
    }

    /**
     * transformers' mask-generation pipeline on the tiny SAM folder's two images: its default thresholds (nothing
     * passes with random weights) and both thresholds at 0 (a few masks survive the filters and NMS).
     */
    @Test
    void theTinyFolderGeneratesMasksAsTransformersPipeline() throws Exception {
        JsonNode g = tinyGolden();
        Path dir = Path.of("src/test/resources").resolve(g.path("dir").asText());
        int kept = 0;
        try (var pipeline = Pipeline.forTask(Task.MASK_GENERATION, dir.toString())) {
            for (var setting : g.path("automatic").properties()) {
                JsonNode options = g.path("settings").path(setting.getKey());
                Inputs.MaskGrid d = Inputs.MaskGrid.DEFAULTS;
                Inputs.MaskGrid grid = new Inputs.MaskGrid(d.pointsPerBatch(), d.pointsPerCrop(),
                        options.path("pred_iou_thresh").asDouble(d.predIouThresh()),
                        options.path("stability_score_thresh").asDouble(d.stabilityScoreThresh()),
                        d.stabilityScoreOffset(), d.maskThreshold(), d.cropsNmsThresh());
                for (var file : setting.getValue().properties()) {
                    JsonNode want = file.getValue();
                    String what = setting.getKey() + " " + file.getKey();
                    Outputs.Masks found = pipeline.run(Inputs.MaskPrompt.automatic(ImageFiles.read(
                            dir.resolve(file.getKey())), grid));
                    assertThat(found.masks()).as(what).hasSize(want.path("scores").size());
                    for (int m = 0; m < found.masks().size(); m++) {
                        Outputs.Mask mask = found.masks().get(m);
                        JsonNode box = want.path("boxes").get(m);
                        assertThat(mask.score()).as(what + " score " + m).isCloseTo(want.path("scores").get(m)
                                .asDouble(), within(1e-5));
                        assertThat(mask.box()).as(what + " box " + m).isEqualTo(new Outputs.Box(box.get(0).asInt(),
                                box.get(1).asInt(), box.get(2).asInt(), box.get(3).asInt()));
                        assertThat(runLengths(mask.pixels(), found.width() * found.height())).as(what + " mask " + m)
                                .containsExactly(ints(want.path("masks").get(m)));
                    }
                    kept += found.masks().size();
                }
            }
        }
        assertThat(kept).as("masks compared").isGreaterThan(2);
    }

    private static JsonNode tinyGolden() throws Exception {
        return GoldenFiles.entry(DptGoldenTest.VISION, "sam", "run tools/make_golden.py --vision "
                + "src/test/resources/golden where transformers is installed, and commit the output");
    }

    private static List<Inputs.Point> points(JsonNode click) {
        List<Inputs.Point> points = new ArrayList<>();
        for (int i = 0; i < click.path("points").size(); i++) {
            JsonNode p = click.path("points").get(i);
            points.add(new Inputs.Point(p.get(0).asDouble(), p.get(1).asDouble(), click.path("labels").get(i).asInt()));
        }
        return points;
    }

    private static Inputs.PromptBox box(JsonNode click) {
        JsonNode b = click.path("box");
        return b.isMissingNode() ? null : new Inputs.PromptBox(b.get(0).asDouble(), b.get(1).asDouble(),
                b.get(2).asDouble(), b.get(3).asDouble());
    }

    /** make_golden.py's run_lengths: alternating runs, row-major, starting with a run of unset pixels. */
    private static int[] runLengths(BitSet pixels, int size) {
        List<Integer> runs = new ArrayList<>();
        boolean current = false;
        int count = 0;
        for (int p = 0; p < size; p++) {
            if (pixels.get(p) == current) {
                count++;
            } else {
                runs.add(count);
                current = !current;
                count = 1;
            }
        }
        runs.add(count);
        return runs.stream().mapToInt(Integer::intValue).toArray();
    }

    private static int[] ints(JsonNode list) {
        int[] out = new int[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = list.get(i).asInt();
        }
        return out;
    }

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
                Outputs.Masks found = pipeline.run(new Inputs.MaskPrompt(image, points(click), box(click), true));
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

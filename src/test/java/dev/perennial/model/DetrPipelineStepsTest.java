package dev.perennial.model;

import dev.perennial.image.DetrImageProcessor;
import dev.perennial.image.ImageFiles;
import dev.perennial.image.RgbImage;
import dev.perennial.tensor.Safetensors;
import dev.perennial.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * DetrImageProcessor and post_process_object_detection against tools/reference/detr.py: the two images it drew
 * (one resized by its shortest edge, one capped by the longest edge), padded into one batch, through the tiny model.
 */
class DetrPipelineStepsTest {

    @Test
    void theProcessorGivesTheReferencePixelsAndMask() {
        Map<String, Tensor> expected = Safetensors.read(DetrModelTest.REF.resolve("expected.safetensors"),
                torch.ScalarType.Double);
        DetrImageProcessor processor = DetrImageProcessor.read(DetrModelTest.REF.resolve("preprocessor_config.json"));
        DetrImageProcessor.Batch batch = processor.batch(images());
        try (PointerScope scope = new PointerScope()) {
            Tensor pixels = Tensors.fromFloats(batch.pixels(), batch.batch(), 3, batch.height(), batch.width());
            DetrModelTest.assertClose("pixel_values", pixels, expected.get("pixel_values"), 1e-7);
            Tensor mask = Tensors.fromLongs(batch.mask(), batch.batch(), batch.height(), batch.width());
            assertThat(mask.to(torch.ScalarType.Double).equal(expected.get("pixel_mask"))).isTrue();
        }
    }

    @Test
    void theLongestEdgeCapRoundsTheRawSizeAndDerivesTheLongSideFromIt() {
        // 100 * 40 / 120 = 33.33: the short side 33, the long side int(33.33 * 3) = 100, not 99
        assertThat(DetrImageProcessor.resizedSize(120, 40, 64, 100)).containsExactly(100, 33);
        assertThat(DetrImageProcessor.resizedSize(60, 90, 64, 100)).containsExactly(64, 96);
        // facebook/detr-resnet-50 on a 640 x 480 photo: 800 x 1066
        assertThat(DetrImageProcessor.resizedSize(480, 640, 800, 1333)).containsExactly(800, 1066);
        assertThat(DetrImageProcessor.resizedSize(800, 900, 800, 1333)).containsExactly(800, 900);
    }

    @Test
    void detectionsAboveTheThresholdMatchTheReference() {
        Map<String, Tensor> expected = Safetensors.read(DetrModelTest.REF.resolve("expected.safetensors"),
                torch.ScalarType.Double);
        double threshold = expected.get("threshold").item_double();
        try (DetrModel model = DetrModel.load(DetrModelTest.REF, torch.ScalarType.Float);
             PointerScope scope = new PointerScope()) {
            DetrModel.Output out = model.forward(expected.get("pixel_values"), expected.get("pixel_mask"));
            List<int[]> sizes = images().stream().map(im -> new int[] {im.height(), im.width()}).toList();
            List<List<DetrPostProcess.Detection>> found = DetrPostProcess.detections(out, threshold, sizes);
            for (int i = 0; i < 2; i++) {
                Tensor scores = expected.get("scores_" + i);
                Tensor labels = expected.get("labels_" + i);
                Tensor boxes = expected.get("boxes_" + i);
                Tensor ints = expected.get("int_boxes_" + i);
                assertThat(found.get(i)).as("image " + i).hasSize((int) scores.size(0));
                for (int k = 0; k < found.get(i).size(); k++) {
                    DetrPostProcess.Detection d = found.get(i).get(k);
                    assertThat(d.score()).isCloseTo(scores.get(k).item_double(), within(1e-5));
                    assertThat(d.label()).isEqualTo(labels.get(k).item_long());
                    double[] box = {d.xmin(), d.ymin(), d.xmax(), d.ymax()};
                    for (int j = 0; j < 4; j++) {
                        assertThat(box[j]).isCloseTo(boxes.get(k).get(j).item_double(), within(1e-3));
                        assertThat((long) box[j]).isEqualTo(ints.get(k).get(j).item_long());
                    }
                }
            }
        }
    }

    static List<RgbImage> images() {
        return List.of(ImageFiles.read(DetrModelTest.REF.resolve("image-0.png")),
                ImageFiles.read(DetrModelTest.REF.resolve("image-1.png")));
    }
}

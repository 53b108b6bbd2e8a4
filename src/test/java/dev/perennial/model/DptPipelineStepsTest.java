package dev.perennial.model;

import dev.perennial.UserError;
import dev.perennial.image.DepthPicture;
import dev.perennial.image.DptImageProcessor;
import dev.perennial.image.ImageFiles;
import dev.perennial.image.ImageProcessor;
import dev.perennial.image.RgbImage;
import dev.perennial.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static dev.perennial.model.DetrModelTest.assertClose;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * DPTImageProcessor and the depth-estimation pipeline's post-processing against tools/reference/dpt.py: the two
 * images it drew, resized to 64x64 (and, with keep_aspect_ratio and ensure_multiple_of 16, to 64x96), through the
 * tiny model, back to each image's size and into the 8-bit picture.
 */
class DptPipelineStepsTest {

    private static final Path REF = DptModelTest.REF;

    private static RgbImage image(int i) {
        return ImageFiles.read(REF.resolve("image-" + i + ".png"));
    }

    @Test
    void theProcessorGivesTheReferencePixels() {
        Map<String, Tensor> expected = DptModelTest.expected();
        DptImageProcessor processor = DptImageProcessor.read(REF.resolve("preprocessor_config.json"));
        assertThat(processor.resample().pil()).isEqualTo(3);
        try (PointerScope scope = new PointerScope()) {
            for (int i = 0; i < 2; i++) {
                ImageProcessor.PixelValues p = processor.process(image(i));
                Tensor pixels = Tensors.fromFloats(p.values(), 1, 3, p.height(), p.width());
                assertClose("pixel_values " + i, pixels, expected.get("pixel_values").narrow(0, i, 1), 1e-12);
            }
            DptImageProcessor keep = new DptImageProcessor(true, 64, 64, true, 16, processor.resample(), true,
                    1 / 255.0, true, processor.imageMean(), processor.imageStd());
            ImageProcessor.PixelValues p = keep.process(image(0));
            assertClose("keep_aspect_ratio pixel_values", Tensors.fromFloats(p.values(), 1, 3, p.height(), p.width()),
                    expected.get("keep_pixel_values"), 1e-12);
        }
    }

    @Test
    void resizedSizesFollowGetResizeOutputImageSize() {
        Map<String, Tensor> expected = DptModelTest.expected();
        float[] cases = Tensors.toFloats(expected.get("resize_cases"));
        float[] want = Tensors.toFloats(expected.get("resize_expected"));
        for (int i = 0; i < cases.length / 6; i++) {
            int at = 6 * i;
            int[] got = DptImageProcessor.resizedSize((int) cases[at], (int) cases[at + 1], (int) cases[at + 2],
                    (int) cases[at + 3], cases[at + 4] == 1, (int) cases[at + 5]);
            assertThat(got).as("case %d", i).containsExactly((int) want[2 * i], (int) want[2 * i + 1]);
        }
        // Python's round(2.5) is 2: 100 -> 80 / 32 = 2.5 -> 64, not 96
        assertThat(DptImageProcessor.resizedSize(100, 100, 80, 80, false, 32)).containsExactly(64, 64);
    }

    @Test
    void theDepthPictureIsThePipelinesEightBitImage() {
        Map<String, Tensor> expected = DptModelTest.expected();
        try (DptModel model = DptModel.load(REF, torch.ScalarType.Float); PointerScope scope = new PointerScope()) {
            Tensor depth = model.forward(expected.get("pixel_values")).predictedDepth();
            for (int i = 0; i < 2; i++) {
                RgbImage im = image(i);
                float[] resized = DepthPostProcess.resized(depth.select(0, i), im.height(), im.width());
                assertClose("depth " + i, Tensors.fromFloats(resized, im.height(), im.width()),
                        expected.get("depth_" + i), 1e-5);
                DepthPicture picture = DepthPicture.of(resized, im.width(), im.height());
                float[] want = Tensors.toFloats(expected.get("depth_image_" + i));
                float[] scaled = Tensors.toFloats(scaled(expected.get("depth_" + i)));
                int differing = 0;
                for (int p = 0; p < want.length; p++) {
                    int got = picture.grey()[p] & 0xFF;
                    if (got != (int) want[p]) {
                        differing++;
                        // only where the float64 value sits on a truncation boundary may float32 land on the other side
                        assertThat(Math.abs(scaled[p] - Math.rint(scaled[p]))).as("pixel %d", p).isLessThan(1e-3);
                    }
                }
                System.out.printf("depth picture %d: %d of %d pixels differ%n", i, differing, want.length);
                assertThat(differing).isLessThanOrEqualTo(want.length / 1000);
            }
        }
    }

    /** (d - min) / (max - min) · 255 in float64, before the pipeline truncates it. */
    private static Tensor scaled(Tensor d) {
        Tensor min = d.min();
        Tensor max = d.max();
        return d.sub(min).div(max.sub(min)).mul(new org.bytedeco.pytorch.Scalar(255.0)).contiguous();
    }

    @Test
    void thePictureIsAGreyPngOfTheSameValues() throws IOException {
        DepthPicture picture = DepthPicture.of(new float[] {0f, 1f, 2f, 4f, 3f, 2f}, 3, 2);
        assertThat(picture.get(0, 0)).isZero();
        assertThat(picture.get(0, 1)).isEqualTo(255);
        assertThat(picture.get(1, 0)).isEqualTo(63); // 1 / 4 * 255 = 63.75, truncated
        var decoded = javax.imageio.ImageIO.read(new ByteArrayInputStream(picture.png()));
        assertThat(decoded.getWidth()).isEqualTo(3);
        assertThat(decoded.getRaster().getSample(1, 0, 0)).isEqualTo(63);
        assertThat(decoded.getRaster().getNumBands()).isEqualTo(1);
        assertThat(DepthPicture.of(new float[] {2f, 2f}, 2, 1).grey()).containsExactly(0, 0);
    }

    @Test
    void aBadPreprocessorConfigNamesTheField() throws IOException {
        Path dir = Files.createTempDirectory("dpt-pp");
        Path file = dir.resolve("preprocessor_config.json");
        Files.writeString(file, "{\"image_processor_type\": \"DPTImageProcessor\", \"size\": {\"height\": 384}, "
                + "\"do_pad\": true, \"ensure_multiple_of\": 0}");
        UserError error = org.junit.jupiter.api.Assertions.assertThrows(UserError.class,
                () -> DptImageProcessor.read(file));
        assertThat(String.join("\n", error.problems())).contains("size is {\"height\":384}")
                .contains("do_pad is true").contains("ensure_multiple_of is 0");
        Files.writeString(file, "{\"image_processor_type\": \"CLIPImageProcessor\"}");
        assertThatThrownBy(() -> DptImageProcessor.read(file)).hasMessageContaining("image_processor_type is "
                + "'CLIPImageProcessor'");
    }
}

package dev.perennial.model;

import dev.perennial.UserError;
import dev.perennial.image.ImageFiles;
import dev.perennial.image.SamImageProcessor;
import dev.perennial.tensor.Safetensors;
import dev.perennial.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * SamImageProcessor and SamProcessor's coordinates against tools/reference/sam.py: the wide and the tall image it
 * drew, resized by their longest side and padded, and the clicked points moved into the resized frame.
 */
class SamPipelineStepsTest {

    @Test
    void theProcessorGivesTheReferencePixelsAndSizes() {
        Map<String, Tensor> expected = Safetensors.read(SamModelTest.REF.resolve("expected.safetensors"),
                torch.ScalarType.Double);
        SamImageProcessor processor = SamImageProcessor.read(SamModelTest.REF.resolve("preprocessor_config.json"));
        for (int i = 0; i < 2; i++) {
            SamImageProcessor.Input in = processor.process(ImageFiles.read(SamModelTest.REF.resolve("image-" + i + ".png")));
            try (PointerScope scope = new PointerScope()) {
                Tensor pixels = Tensors.fromFloats(in.pixels(), 1, 3, 64, 64);
                DetrModelTest.assertClose("pixel_values_" + i, pixels, expected.get("pixel_values_" + i), 1e-7);
                assertThat(in.resized()).containsExactly(longs(expected.get("reshaped_size_" + i)));
                assertThat(in.original()).containsExactly(longs(expected.get("original_size_" + i)));
                Tensor clicked = expected.get("input_points_" + i);
                double[] xy = new double[(int) clicked.numel()];
                for (int k = 0; k < xy.length; k++) {
                    xy[k] = clicked.flatten(0, -1).get(k).item_double();
                }
                double[] moved = processor.moveCoordinates(xy, in.original());
                Tensor want = expected.get("moved_points_" + i).flatten(0, -1);
                for (int k = 0; k < xy.length; k++) {
                    assertThat(moved[k]).isEqualTo(want.get(k).item_double());
                }
            }
        }
    }

    @Test
    void theLongestSideRoundsHalfUp() {
        // 60 x 90 to longest 64: 42.67 -> 43; 120 x 40: 21.33 -> 21; SlimSAM on 480 x 640: 768 x 1024
        assertThat(SamImageProcessor.resizedSize(60, 90, 64)).containsExactly(43, 64);
        assertThat(SamImageProcessor.resizedSize(120, 40, 64)).containsExactly(64, 21);
        assertThat(SamImageProcessor.resizedSize(480, 640, 1024)).containsExactly(768, 1024);
        // 3 x 2 to 1024: 682.67 -> 683
        assertThat(SamImageProcessor.resizedSize(2, 3, 1024)).containsExactly(683, 1024);
    }

    @Test
    void aProcessorConfigOfAnotherModelIsRefused(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path file = dir.resolve("preprocessor_config.json");
        Files.writeString(file, "{\"image_processor_type\": \"DetrImageProcessor\"}");
        assertThatThrownBy(() -> SamImageProcessor.read(file)).isInstanceOf(UserError.class)
                .hasMessageContaining("image_processor_type is 'DetrImageProcessor'");
        Files.writeString(file, "{\"image_processor_type\": \"SamImageProcessor\", \"size\": {\"longest_edge\": 64},"
                + " \"pad_size\": {\"height\": 32, \"width\": 64}}");
        assertThatThrownBy(() -> SamImageProcessor.read(file)).hasMessageContaining("pad_size is");
    }

    private static int[] longs(Tensor t) {
        return new int[] {(int) t.get(0).item_long(), (int) t.get(1).item_long()};
    }
}

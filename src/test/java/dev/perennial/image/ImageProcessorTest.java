package dev.perennial.image;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pixel values equal transformers' slow CLIPImageProcessor (re-computed with numpy in
 * tools/reference/images.py) bit for bit as float32.
 */
class ImageProcessorTest {

    @TestFactory
    List<DynamicTest> pixelValuesMatchTransformers() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : Reference.index().get("clip")) {
            String config = c.get("config").asText();
            String file = c.get("file").asText();
            tests.add(DynamicTest.dynamicTest(config + " on " + file, () -> {
                ImageProcessor processor = ImageProcessor.load(Reference.DIR.resolve(config));
                ImageProcessor.PixelValues values = processor.process(Reference.image(file));
                JsonNode shape = c.get("shape");
                assertThat(shape.get(0).asInt()).isEqualTo(3);
                assertThat(values.height()).isEqualTo(shape.get(1).asInt());
                assertThat(values.width()).isEqualTo(shape.get(2).asInt());
                float[] expected = Reference.floats(c.get("expected").asText());
                assertThat(values.values()).hasSize(expected.length);
                for (int i = 0; i < expected.length; i++) {
                    if (Float.floatToRawIntBits(values.values()[i]) != Float.floatToRawIntBits(expected[i])) {
                        throw new AssertionError("value " + i + ": " + values.values()[i] + " != " + expected[i]);
                    }
                }
            }));
        }
        return tests;
    }

    @Test
    void openaiClipConfigReadsItsLegacyForms() {
        ImageProcessorConfig c = ImageProcessorConfig.read(Reference.DIR.resolve("configs/openai-clip.json"));
        assertThat(c.type()).isEqualTo("CLIPImageProcessor");
        assertThat(c.size()).isEqualTo(new ImageProcessorConfig.ShortestEdge(224));
        assertThat(c.cropHeight()).isEqualTo(224);
        assertThat(c.cropWidth()).isEqualTo(224);
        assertThat(c.resample()).isEqualTo(Resample.BICUBIC);
        assertThat(c.doRescale()).isTrue();
        assertThat(c.rescaleFactor()).isEqualTo(1.0 / 255);
        ImageProcessor p = new ImageProcessor(c);
        assertThat(p.height()).isEqualTo(224);
        assertThat(p.width()).isEqualTo(224);
        assertThat(p.pixelValues(new RgbImage(640, 480, new byte[640 * 480 * 3]))).hasSize(3 * 224 * 224);
    }

    @Test
    void shortestEdgeArithmeticIsTransformers() {
        // int(224 * 640 / 480) = 298; int(224 * 500 / 333) = 336 (336.336...); a square stays square
        assertThat(ImageTransforms.shortestEdgeSize(480, 640, 224)).containsExactly(224, 298);
        assertThat(ImageTransforms.shortestEdgeSize(500, 333, 224)).containsExactly(336, 224);
        assertThat(ImageTransforms.shortestEdgeSize(7, 7, 224)).containsExactly(224, 224);
        assertThat(ImageTransforms.shortestEdgeSize(3, 1000, 224)).containsExactly(224, 74666);
    }

    @Test
    void centerCropPadsWithZerosWhenTheImageIsSmaller() {
        byte[] px = new byte[2 * 1 * 3];
        java.util.Arrays.fill(px, (byte) 200);
        RgbImage out = ImageTransforms.centerCrop(new RgbImage(2, 1, px), 3, 4);
        assertThat(out.width()).isEqualTo(4);
        assertThat(out.height()).isEqualTo(3);
        // transformers: top_pad = ceil((3 - 1) / 2) = 1, left_pad = ceil((4 - 2) / 2) = 1
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 4; x++) {
                int expected = y == 1 && (x == 1 || x == 2) ? 200 : 0;
                assertThat(out.get(x, y, 0)).as("(%d, %d)", x, y).isEqualTo(expected);
            }
        }
    }
}

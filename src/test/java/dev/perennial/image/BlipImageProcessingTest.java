package dev.perennial.image;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.io.Json;
import dev.perennial.tensor.Safetensors;
import dev.perennial.tensor.Tensors;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * BlipImageProcessor (image_processing_blip.py) through the shared image processor: a 45 × 37 PNG resized to a square
 * with PIL's bicubic filter, rescaled and normalised, against tools/reference/blip.py's pixel values (PIL and numpy).
 */
class BlipImageProcessingTest {

    static final Path DIR = Path.of("src/test/resources/reference/blip/caption");

    @Test
    void pixelValuesAreThoseOfThePilReference() {
        ImageProcessor processor = ImageProcessor.load(DIR.resolve("preprocessor_config.json"));
        assertThat(processor.config().type()).isEqualTo("BlipImageProcessor");
        assertThat(processor.config().doCenterCrop()).isFalse();
        ImageProcessor.PixelValues got = processor.process(ImageFiles.read(DIR.resolve("image.png")));
        assertThat(got.height()).isEqualTo(32);
        assertThat(got.width()).isEqualTo(32);
        Map<String, Tensor> expected = Safetensors.read(DIR.resolve("expected.safetensors"), torch.ScalarType.Float);
        float[] want = Tensors.toFloats(expected.get("image_pixel_values"));
        assertThat(got.values()).containsExactly(want);
    }

    @Test
    void blipDefaultsAreTheCaptioningCheckpointsAndAWholeNumberSizeIsASquare() {
        ObjectNode json = Json.MAPPER.createObjectNode().put("image_processor_type", "BlipImageProcessor")
                .put("size", 224).put("do_center_crop", true);
        ImageProcessorConfig c = ImageProcessorConfig.parse(json, "preprocessor_config.json");
        assertThat(c.size()).isEqualTo(new ImageProcessorConfig.HeightWidth(224, 224));
        assertThat(c.doCenterCrop()).isFalse();
        ImageProcessorConfig d = ImageProcessorConfig.parse(Json.MAPPER.createObjectNode()
                .put("image_processor_type", "BlipImageProcessor"), "preprocessor_config.json");
        assertThat(d.size()).isEqualTo(new ImageProcessorConfig.HeightWidth(384, 384));
        assertThat(d.resample()).isEqualTo(Resample.BICUBIC);
        assertThat(d.imageMean()).containsExactly(ImageProcessorConfig.OPENAI_CLIP_MEAN);
    }
}

package dev.perennial.image;

import dev.perennial.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** preprocessor_config.json: transformers' defaults and legacy forms, and one clear problem per bad field. */
class ImageProcessorConfigTest {

    @TempDir
    Path dir;

    private Path write(String json) throws IOException {
        return Files.writeString(dir.resolve("preprocessor_config.json"), json);
    }

    private UserError refused(String json) throws IOException {
        Path file = write(json);
        UserError e = (UserError) org.assertj.core.api.Assertions.catchThrowable(() -> ImageProcessorConfig.read(file));
        assertThat(e).isNotNull();
        assertThat(e.problems()).allSatisfy(p -> assertThat(p).startsWith(file + ": ").doesNotContain("\n"));
        return e;
    }

    @Test
    void defaultsAreClipImageProcessors() throws IOException {
        ImageProcessorConfig c = ImageProcessorConfig.read(write("{\"image_processor_type\": \"CLIPImageProcessor\"}"));
        assertThat(c.size()).isEqualTo(new ImageProcessorConfig.ShortestEdge(224));
        assertThat(c.resample()).isEqualTo(Resample.BICUBIC);
        assertThat(c.doCenterCrop()).isTrue();
        assertThat(c.cropHeight()).isEqualTo(224);
        assertThat(c.rescaleFactor()).isEqualTo(1.0 / 255);
        assertThat(c.imageMean()).containsExactly(0.48145466, 0.4578275, 0.40821073);
        assertThat(c.imageStd()).containsExactly(0.26862954, 0.26130258, 0.27577711);
        assertThat(c.doConvertRgb()).isTrue();
    }

    @Test
    void sizeForms() throws IOException {
        ImageProcessorConfig hw = ImageProcessorConfig.read(write(
                "{\"image_processor_type\": \"CLIPImageProcessor\", \"size\": {\"height\": 384, \"width\": 320},"
                        + " \"crop_size\": [20, 30], \"image_mean\": 0.5}"));
        assertThat(hw.size()).isEqualTo(new ImageProcessorConfig.HeightWidth(384, 320));
        assertThat(hw.cropHeight()).isEqualTo(20);
        assertThat(hw.cropWidth()).isEqualTo(30);
        assertThat(hw.imageMean()).containsExactly(0.5, 0.5, 0.5);
        ImageProcessorConfig legacy = ImageProcessorConfig.read(write(
                "{\"feature_extractor_type\": \"CLIPFeatureExtractor\", \"size\": 256, \"crop_size\": 240}"));
        assertThat(legacy.type()).isEqualTo("CLIPImageProcessor");
        assertThat(legacy.size()).isEqualTo(new ImageProcessorConfig.ShortestEdge(256));
        assertThat(legacy.cropWidth()).isEqualTo(240);
    }

    @Test
    void unknownProcessorTypeListsTheSupportedOnes() throws IOException {
        UserError e = refused("{\"image_processor_type\": \"DetrImageProcessor\"}");
        assertThat(e.getMessage()).contains("image_processor_type is DetrImageProcessor")
                .contains("supported: CLIPImageProcessor");
        UserError missing = refused("{\"size\": 224}");
        assertThat(missing.getMessage()).contains("names no image_processor_type");
    }

    @Test
    void everyBadFieldIsNamed() throws IOException {
        UserError e = refused("{\"image_processor_type\": \"CLIPImageProcessor\", \"size\": {\"shortest_edge\": 0},"
                + " \"crop_size\": {\"height\": -3, \"width\": 2}, \"resample\": 9, \"do_resize\": \"yes\","
                + " \"image_mean\": [0.5, 0.5], \"image_std\": [0.2, 0.0, 0.3], \"rescale_factor\": \"1/255\"}");
        assertThat(e.problems()).hasSize(7);
        String all = String.join("\n", e.problems());
        assertThat(all).contains("size.shortest_edge must be a positive whole number, got 0")
                .contains("crop_size.height must be a positive whole number, got -3")
                .contains("resample must be a PIL filter number")
                .contains("do_resize must be true or false")
                .contains("image_mean must be 3 numbers")
                .contains("image_std must be finite and non-zero")
                .contains("rescale_factor must be a number");
    }

    @Test
    void sizeWithoutAUsableKey() throws IOException {
        UserError e = refused("{\"image_processor_type\": \"CLIPImageProcessor\", \"size\": {\"longest_edge\": 5}}");
        assertThat(e.getMessage()).contains("size must be {\"shortest_edge\": N}");
    }

    @Test
    void notJsonAndMissingFile() throws IOException {
        UserError e = refused("{\"image_processor_type\": ");
        assertThat(e.getMessage()).contains("not valid JSON");
        Path missing = dir.resolve("missing.json");
        assertThatThrownBy(() -> ImageProcessorConfig.read(missing)).isInstanceOf(UserError.class)
                .hasMessageContaining(missing + ": no such preprocessor config");
    }

    @Test
    void outputSizeNeedsACropOrAFixedSize() throws IOException {
        ImageProcessor p = ImageProcessor.load(write(
                "{\"image_processor_type\": \"CLIPImageProcessor\", \"do_center_crop\": false}"));
        assertThatThrownBy(p::height).isInstanceOf(IllegalStateException.class);
        ImageProcessor.PixelValues v = p.process(new RgbImage(8, 4, new byte[8 * 4 * 3]));
        assertThat(v.height()).isEqualTo(224);
        assertThat(v.width()).isEqualTo(448);
    }
}

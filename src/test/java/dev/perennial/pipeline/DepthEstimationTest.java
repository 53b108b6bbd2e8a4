package dev.perennial.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.UserError;
import dev.perennial.image.ImageFiles;
import dev.perennial.image.RgbImage;
import dev.perennial.io.Json;
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
import static org.assertj.core.api.Assertions.within;

/**
 * The depth-estimation task on the tiny DPT-Hybrid of tools/reference/dpt.py: each image processed, its depth
 * predicted and resized back to the image, as transformers' DepthEstimationPipeline does.
 */
class DepthEstimationTest {

    static final Path DPT = Path.of("src/test/resources/reference/dpt");

    @Test
    void depthMatchesTheReferencePipelineImageByImage() {
        Map<String, Tensor> expected = Safetensors.read(DPT.resolve("expected.safetensors"), torch.ScalarType.Double);
        try (var pipeline = Pipeline.forTask(Task.DEPTH_ESTIMATION, DPT.toString());
             PointerScope scope = new PointerScope()) {
            for (int i = 0; i < 2; i++) {
                RgbImage image = ImageFiles.read(DPT.resolve("image-" + i + ".png"));
                Outputs.Depth depth = pipeline.run(new Inputs.Image(image));
                Tensor want = expected.get("depth_" + i);
                assertThat(depth.width()).isEqualTo(image.width());
                assertThat(depth.height()).isEqualTo(image.height());
                assertThat(depth.predictedDepthSize()).containsExactly(64, 64);
                double err = Tensors.fromFloats(depth.depth(), image.height(), image.width())
                        .to(torch.ScalarType.Double).sub(want).abs().max().item_double();
                System.out.printf("depth-estimation image %d: max abs error %.3g%n", i, err);
                assertThat(err).isLessThan(1e-5);
                assertThat((double) depth.min()).isCloseTo(want.min().item_double(), within(1e-5));
                assertThat((double) depth.max()).isCloseTo(want.max().item_double(), within(1e-5));
                assertThat(depth.picture().width()).isEqualTo(image.width());
            }
        }
    }

    @Test
    void theJsonHoldsTheRangeAndSizesWithoutTheMaps() throws Exception {
        try (var pipeline = Pipeline.forTask(Task.DEPTH_ESTIMATION, DPT.toString())) {
            Outputs.Depth depth = pipeline.run(new Inputs.Image(ImageFiles.read(DPT.resolve("image-1.png"))));
            JsonNode json = Json.MAPPER.valueToTree(depth);
            assertThat(json.path("width").asInt()).isEqualTo(40);
            assertThat(json.path("height").asInt()).isEqualTo(120);
            assertThat(json.path("predicted_depth_size").toString()).isEqualTo("[64,64]");
            assertThat(json.path("max").asDouble()).isCloseTo(depth.max(), within(1e-6));
            assertThat(json.has("depth")).isFalse();
            assertThat(json.has("picture")).isFalse();
        }
    }

    @Test
    void requestsTakeAnImageOnly() throws Exception {
        Requests.Images files = Requests.filesUnder(DPT);
        Inputs.Image input = Requests.parse(Task.DEPTH_ESTIMATION, Json.MAPPER.readTree("{\"image\": \"image-0.png\"}"),
                files);
        assertThat(input.image().width()).isEqualTo(90);
        assertThatThrownBy(() -> Requests.parse(Task.DEPTH_ESTIMATION,
                Json.MAPPER.readTree("{\"image\": \"image-0.png\", \"threshold\": 0.5}"), files))
                .isInstanceOf(UserError.class).hasMessageContaining("unknown field 'threshold'");
        assertThatThrownBy(() -> Requests.parse(Task.DEPTH_ESTIMATION, Json.MAPPER.readTree("{}"), files))
                .hasMessageContaining("image is missing");
    }

    @Test
    void aProcessorSizeTheModelCannotTakeIsRefusedAtLoad() throws Exception {
        Path copy = Files.createTempDirectory("dpt-bad");
        for (String f : new String[] {"config.json", "model.safetensors"}) {
            Files.copy(DPT.resolve(f), copy.resolve(f));
        }
        Files.writeString(copy.resolve("preprocessor_config.json"), Files.readString(
                DPT.resolve("preprocessor_config.json")).replace("\"height\": 64", "\"height\": 60"));
        assertThatThrownBy(() -> Pipeline.forTask(Task.DEPTH_ESTIMATION, copy.toString()))
                .isInstanceOf(UserError.class).hasMessageContaining("preprocessor_config.json: size is 60×64")
                .hasMessageContaining("multiples of 16");
    }
}

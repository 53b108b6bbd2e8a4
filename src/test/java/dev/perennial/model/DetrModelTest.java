package dev.perennial.model;

import dev.perennial.UserError;
import dev.perennial.io.Json;
import dev.perennial.tensor.Safetensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * DETR against tools/reference/detr.py, a float64 reference written from transformers' modeling_detr.py: a tiny
 * timm-named ResNet backbone, a batch of two images of different sizes (padding masked) and one image alone.
 */
class DetrModelTest {

    static final Path REF = Path.of("src/test/resources/reference/detr");

    @Test
    void logitsAndBoxesMatchTheReferenceInFloat32() {
        Map<String, Tensor> expected = Safetensors.read(REF.resolve("expected.safetensors"), torch.ScalarType.Double);
        try (DetrModel model = DetrModel.load(REF, torch.ScalarType.Float); PointerScope scope = new PointerScope()) {
            DetrModel.Output out = model.forward(expected.get("pixel_values"), expected.get("pixel_mask"));
            assertClose("logits", out.logits(), expected.get("logits"), 1e-5);
            assertClose("pred_boxes", out.predBoxes(), expected.get("pred_boxes"), 1e-5);
        }
    }

    @Test
    void oneImageWithoutPaddingNeedsNoMask() {
        Map<String, Tensor> expected = Safetensors.read(REF.resolve("expected.safetensors"), torch.ScalarType.Double);
        try (DetrModel model = DetrModel.load(REF, torch.ScalarType.Float); PointerScope scope = new PointerScope()) {
            // the second image alone is 100 x 33: the batch's pixels cropped to it, no padding
            Tensor pixels = expected.get("pixel_values").narrow(0, 1, 1).narrow(3, 0, 33);
            DetrModel.Output out = model.forward(pixels, null);
            assertClose("logits", out.logits(), expected.get("single_logits"), 1e-5);
            assertClose("pred_boxes", out.predBoxes(), expected.get("single_pred_boxes"), 1e-5);
        }
    }

    @Test
    void theConfigReadsTheBackboneKwargsAndLabels() {
        DetrConfig c = DetrConfig.read(REF);
        assertThat(c.backbone().layers()).containsExactly(1, 2, 1, 1);
        assertThat(c.backbone().outChannels()).isEqualTo(64);
        assertThat(c.labels()).containsExactly("N/A", "person", "bicycle", "car", "N/A", "cat");
        assertThat(c.numQueries()).isEqualTo(7);
    }

    @Test
    void unsupportedBackbonesAreRefusedNamingTheKey() {
        var json = Json.MAPPER.createObjectNode().put("model_type", "detr").put("use_timm_backbone", false);
        assertThatThrownBy(() -> DetrConfig.parse(json, "config.json")).isInstanceOf(UserError.class)
                .hasMessageContaining("config.json: use_timm_backbone is false");
        json.put("use_timm_backbone", true).put("dilation", true);
        assertThatThrownBy(() -> DetrConfig.parse(json, "config.json")).hasMessageContaining("dilation is true");
        json.put("dilation", false).put("backbone", "resnet18");
        assertThatThrownBy(() -> DetrConfig.parse(json, "config.json"))
                .hasMessageContaining("backbone 'resnet18' is not supported");
    }

    @Test
    void theRealCheckpointsShapesCountItsParameters() {
        var json = Json.MAPPER.createObjectNode().put("model_type", "detr");
        var labels = json.putObject("id2label");
        for (int i = 0; i < 91; i++) {
            labels.put(Integer.toString(i), "l" + i);
        }
        Map<String, long[]> shapes = DetrModel.shapes(DetrConfig.parse(json, "config.json"));
        long total = 0;
        long backbone = 0;
        for (var e : shapes.entrySet()) {
            long n = 1;
            for (long s : e.getValue()) {
                n *= s;
            }
            total += n;
            if (e.getKey().startsWith("model.backbone.") && !e.getKey().contains("running_")) {
                backbone += n;
            }
        }
        // timm's resnet50 without its fc: 25,557,032 - (2048 x 1000 + 1000) = 23,508,032 learned parameters;
        // facebook/detr-resnet-50's model card: 41.3M parameters with the backbone's
        assertThat(backbone).isEqualTo(23_508_032L);
        assertThat(total).isBetween(41_000_000L, 42_000_000L);
    }

    static void assertClose(String what, Tensor actual, Tensor expected, double tolerance) {
        assertThat(actual.sizes().vec().get()).as(what + " shape").containsExactly(expected.sizes().vec().get());
        double err = actual.to(torch.ScalarType.Double).sub(expected).abs().max().item_double();
        System.out.printf("%s max abs error %.3g%n", what, err);
        assertThat(err).as(what + " max abs error").isLessThan(tolerance);
    }
}

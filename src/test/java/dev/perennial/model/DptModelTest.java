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

import static dev.perennial.model.DetrModelTest.assertClose;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * DPT-Hybrid against tools/reference/dpt.py, a float64 reference written from transformers' modeling_dpt.py and
 * modeling_bit.py: a tiny random model laid out as Intel/dpt-hybrid-midas, a batch of two processed images, and a
 * non-square input whose positions and fusion residuals are resized.
 */
class DptModelTest {

    static final Path REF = Path.of("src/test/resources/reference/dpt");

    static Map<String, Tensor> expected() {
        return Safetensors.read(REF.resolve("expected.safetensors"), torch.ScalarType.Double);
    }

    @Test
    void backboneViTAndDepthMatchTheReferenceInFloat32() {
        Map<String, Tensor> expected = expected();
        try (DptModel model = DptModel.load(REF, torch.ScalarType.Float); PointerScope scope = new PointerScope()) {
            DptModel.Output out = model.forward(expected.get("pixel_values"));
            for (int i = 0; i < 3; i++) {
                // float32 rounding through the normalisations grows to ~2e-6 of the maps' size (up to 8.7 here):
                // the reference itself run in float32 by PyTorch is as far off (5.8e-6, 1.0e-5, 1.7e-5, 1.9e-5)
                Tensor want = expected.get("stage" + (i + 1));
                assertClose("stage" + (i + 1), out.backboneFeatures().get(i), want,
                        3e-6 * want.abs().max().item_double());
            }
            Tensor hidden = expected.get("last_hidden");
            assertClose("last hidden", out.lastHidden(), hidden, 3e-6 * hidden.abs().max().item_double());
            assertClose("predicted_depth", out.predictedDepth(), expected.get("predicted_depth"), 1e-5);
        }
    }

    @Test
    void inFloat64TheModelIsTheReferencesArithmetic() {
        Map<String, Tensor> expected = expected();
        try (DptModel model = DptModel.load(REF, torch.ScalarType.Double); PointerScope scope = new PointerScope()) {
            DptModel.Output out = model.forward(expected.get("pixel_values"));
            for (int i = 0; i < 3; i++) {
                assertClose("stage" + (i + 1) + " (float64)", out.backboneFeatures().get(i),
                        expected.get("stage" + (i + 1)), 1e-10);
            }
            assertClose("predicted_depth (float64)", out.predictedDepth(), expected.get("predicted_depth"), 1e-10);
        }
    }

    @Test
    void aNonSquareInputResizesThePositionsAndTheFusionResiduals() {
        Map<String, Tensor> expected = expected();
        try (DptModel model = DptModel.load(REF, torch.ScalarType.Float); PointerScope scope = new PointerScope()) {
            DptModel.Output out = model.forward(expected.get("keep_pixel_values"));
            assertClose("predicted_depth 64x96", out.predictedDepth(), expected.get("keep_predicted_depth"), 1e-5);
        }
    }

    @Test
    void theDepthResizedToTheImageMatchesPostProcessing() {
        Map<String, Tensor> expected = expected();
        try (PointerScope scope = new PointerScope()) {
            for (int i = 0; i < 2; i++) {
                Tensor want = expected.get("depth_" + i);
                int h = (int) want.size(0);
                int w = (int) want.size(1);
                float[] got = DepthPostProcess.resized(expected.get("predicted_depth").select(0, i), h, w);
                assertClose("depth_" + i, dev.perennial.tensor.Tensors.fromFloats(got, h, w), want, 1e-5);
            }
        }
    }

    @Test
    void tfSamePaddingPadsTheSmallerHalfFirst() {
        // DynamicPad2d: a 7x7/2 conv over 64 pixels needs (32 - 1) * 2 + 7 - 64 = 5, over 65 (33 - 1) * 2 + 7 - 65 = 6
        assertThat(DptModel.samePadding(64, 7, 2)).isEqualTo(5);
        assertThat(DptModel.samePadding(65, 7, 2)).isEqualTo(6);
        assertThat(DptModel.samePadding(16, 1, 2)).isZero();
        assertThat(DptModel.samePadding(96, 3, 2)).isEqualTo(1);
    }

    @Test
    void makeDivRoundsChannelsToEights() {
        assertThat(DptConfig.makeDiv(64)).isEqualTo(64);
        assertThat(DptConfig.makeDiv(4)).isEqualTo(8);
        assertThat(DptConfig.makeDiv(1024 * 0.25)).isEqualTo(256);
        assertThat(DptConfig.makeDiv(100)).isEqualTo(104);
    }

    @Test
    void theConfigReadsTheBitBackbone() {
        DptConfig c = DptConfig.read(REF);
        assertThat(c.bit().depths()).containsExactly(1, 2, 1);
        assertThat(c.bit().channels()).containsExactly(16, 32, 64);
        assertThat(c.bit().mid(0)).isEqualTo(8);
        assertThat(c.bit().mid(2)).isEqualTo(16);
        assertThat(c.bit().dynamicPooling()).isTrue();
        assertThat(c.outIndices()).containsExactly(0, 1, 2, 3);
        assertThat(c.reassembleFactors()).containsExactly(1.0, 1.0, 1.0, 0.5);
        assertThat(c.grid()).isEqualTo(4);
    }

    @Test
    void unsupportedConfigsAreRefusedNamingTheKey() {
        var json = Json.MAPPER.createObjectNode().put("model_type", "dpt");
        assertThatThrownBy(() -> DptConfig.parse(json, "config.json")).isInstanceOf(UserError.class)
                .hasMessageContaining("config.json: is_hybrid is not true");
        json.put("is_hybrid", true).put("use_batch_norm_in_fusion_residual", true);
        assertThatThrownBy(() -> DptConfig.parse(json, "config.json"))
                .hasMessageContaining("use_batch_norm_in_fusion_residual is true");
        json.put("use_batch_norm_in_fusion_residual", false);
        json.putObject("backbone_config").put("layer_type", "preactivation");
        assertThatThrownBy(() -> DptConfig.parse(json, "config.json"))
                .hasMessageContaining("config.json (backbone_config): layer_type is 'preactivation'");
        json.putObject("backbone_config").put("layer_type", "bottleneck").put("global_padding", "VALID");
        assertThatThrownBy(() -> DptConfig.parse(json, "config.json")).hasMessageContaining("global_padding");
        // a given backbone_config fills its gaps with BitConfig's defaults: no padding rule, four stages
        json.putObject("backbone_config").put("layer_type", "bottleneck");
        assertThatThrownBy(() -> DptConfig.parse(json, "config.json")).hasMessageContaining("global_padding is 'none'");
        json.putObject("backbone_config").put("layer_type", "bottleneck").put("global_padding", "same");
        assertThatThrownBy(() -> DptConfig.parse(json, "config.json")).hasMessageContaining("depths is [3, 4, 6, 3]");
    }

    @Test
    void theRealCheckpointsShapesCountItsParameters() {
        var json = Json.MAPPER.createObjectNode().put("model_type", "dpt").put("is_hybrid", true);
        DptConfig config = DptConfig.parse(json, "config.json");
        // DPTConfig's own hybrid backbone when config.json gives none
        assertThat(config.bit().dynamicPooling()).isTrue();
        assertThat(config.bit().depths()).containsExactly(3, 4, 9);
        Map<String, long[]> shapes = DptModel.shapes(config);
        long total = 0;
        long backbone = 0;
        for (var e : shapes.entrySet()) {
            long n = 1;
            for (long s : e.getValue()) {
                n *= s;
            }
            total += n;
            if (e.getKey().startsWith("dpt.embeddings.backbone.")) {
                backbone += n;
            }
        }
        // by hand: the stem 9,408 + 128, stage1 (64 -> 256, 3 layers) 215,808, stage2 (256 -> 512, 4 layers)
        // 1,219,584, stage3 (512 -> 1024, 9 layers) 10,449,920, convs without bias and each group norm 2 x channels
        assertThat(backbone).isEqualTo(11_894_848L);
        assertThat(total).isBetween(120_000_000L, 125_000_000L);
        assertThat(shapes.get("dpt.embeddings.position_embeddings")).containsExactly(1, 577, 768);
        assertThat(shapes.get("neck.reassemble_stage.layers.3.resize.weight")).containsExactly(768, 768, 3, 3);
    }
}

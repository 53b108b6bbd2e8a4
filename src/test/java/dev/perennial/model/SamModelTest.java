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
 * SAM against tools/reference/sam.py, a float64 reference written from transformers' modeling_sam.py: a tiny
 * random model whose 8x8 grid is split into 3x3 windows (so the windows are padded) with one global layer; two
 * images, point prompts with positive, negative and not-a-point labels, several prompts at once, a box, a box with
 * a point, and single-mask output.
 */
class SamModelTest {

    static final Path REF = Path.of("src/test/resources/reference/sam");

    @Test
    void imageEmbeddingsMasksAndScoresMatchTheReferenceInFloat32() {
        Map<String, Tensor> expected = Safetensors.read(REF.resolve("expected.safetensors"), torch.ScalarType.Double);
        try (SamModel model = SamModel.load(REF, torch.ScalarType.Float); PointerScope scope = new PointerScope()) {
            for (int i = 0; i < 2; i++) {
                Tensor embeddings = model.embed(expected.get("pixel_values_" + i));
                assertClose("image_embeddings_" + i, embeddings, expected.get("image_embeddings_" + i), 1e-5);
                Tensor points = expected.get("moved_points_" + i).select(0, 0);
                Tensor labels = expected.get("input_labels_" + i).select(0, 0);
                SamModel.Output out = model.decode(embeddings, points, labels, null, null, true);
                assertClose("pred_masks_" + i, out.masks(), expected.get("pred_masks_" + i), 1e-5);
                assertClose("iou_scores_" + i, out.iouScores(), expected.get("iou_scores_" + i), 1e-5);
            }
        }
    }

    @Test
    void boxesWithAndWithoutPointsAndTheSingleMask() {
        Map<String, Tensor> expected = Safetensors.read(REF.resolve("expected.safetensors"), torch.ScalarType.Double);
        try (SamModel model = SamModel.load(REF, torch.ScalarType.Float); PointerScope scope = new PointerScope()) {
            Tensor embeddings = model.embed(expected.get("pixel_values_0"));
            Tensor box = expected.get("box_0").select(0, 0);
            SamModel.Output boxOnly = model.decode(embeddings, null, null, box, null, true);
            assertClose("box_pred_masks_0", boxOnly.masks(), expected.get("box_pred_masks_0"), 1e-5);
            assertClose("box_iou_scores_0", boxOnly.iouScores(), expected.get("box_iou_scores_0"), 1e-5);
            Tensor point = expected.get("moved_points_0").select(0, 0).narrow(0, 0, 1);
            Tensor label = expected.get("input_labels_0").select(0, 0).narrow(0, 0, 1);
            SamModel.Output both = model.decode(embeddings, point, label, box, null, true);
            assertClose("box_point_pred_masks_0", both.masks(), expected.get("box_point_pred_masks_0"), 1e-5);
            assertClose("box_point_iou_scores_0", both.iouScores(), expected.get("box_point_iou_scores_0"), 1e-5);
            SamModel.Output single = model.decode(embeddings, point, label, null, null, false);
            assertClose("single_pred_masks_0", single.masks(), expected.get("single_pred_masks_0"), 1e-5);
            assertClose("single_iou_scores_0", single.iouScores(), expected.get("single_iou_scores_0"), 1e-5);
        }
    }

    @Test
    void aPreviousMaskGivenBackAsInputMasksMatchesTheReference() {
        Map<String, Tensor> expected = Safetensors.read(REF.resolve("expected.safetensors"), torch.ScalarType.Double);
        try (SamModel model = SamModel.load(REF, torch.ScalarType.Float); PointerScope scope = new PointerScope()) {
            Tensor mask = expected.get("mask_input_0");
            assertThat(model.maskSize()).isEqualTo(32);
            assertClose("mask_embedding_0", model.maskEmbedding(mask.to(torch.ScalarType.Float)),
                    expected.get("mask_embedding_0"), 1e-5);
            Tensor embeddings = model.embed(expected.get("pixel_values_0"));
            Tensor point = expected.get("moved_points_0").select(0, 0).narrow(0, 0, 1);
            Tensor label = expected.get("input_labels_0").select(0, 0).narrow(0, 0, 1);
            SamModel.Output out = model.decode(embeddings, point, label, null, mask, true);
            assertClose("mask_pred_masks_0", out.masks(), expected.get("mask_pred_masks_0"), 1e-5);
            assertClose("mask_iou_scores_0", out.iouScores(), expected.get("mask_iou_scores_0"), 1e-5);
            // the mask prompt changes the prediction (so that the comparison above tests the mask embedding)
            SamModel.Output without = model.decode(embeddings, point, label, null, null, true);
            assertThat(without.iouScores().sub(out.iouScores()).abs().max().item_double()).isGreaterThan(1e-3);
            assertThatThrownBy(() -> model.decode(embeddings, point, label, null, mask.view(1, 32, 32), true))
                    .hasMessageContaining("the mask input has shape [1, 32, 32]; SAM takes low-resolution mask "
                            + "logits [1, 1, 32, 32]");
        }
    }

    @Test
    void postProcessingMatchesBeforeAndAfterTheThreshold() {
        Map<String, Tensor> expected = Safetensors.read(REF.resolve("expected.safetensors"), torch.ScalarType.Double);
        try (PointerScope scope = new PointerScope()) {
            for (int i = 0; i < 2; i++) {
                // the reference's own float64 low-resolution masks, so that only the post-processing is compared
                Tensor masks = expected.get("pred_masks_" + i).select(0, 0).to(torch.ScalarType.Float);
                int[] resized = ints(expected.get("reshaped_size_" + i));
                int[] original = ints(expected.get("original_size_" + i));
                Tensor logits = SamPostProcess.logits(masks, 64, 64, resized, original);
                Tensor want = expected.get("mask_logits_" + i);
                assertClose("mask_logits_" + i, logits, want, 1e-5);
                // exactly the same binary masks wherever the reference is not within float32 reach of the threshold
                Tensor decided = torch.gt(want.abs(), new org.bytedeco.pytorch.Scalar(1e-5));
                Tensor differ = torch.ne(SamPostProcess.binarize(logits), expected.get("masks_" + i)
                        .to(torch.ScalarType.Bool)).logical_and(decided);
                assertThat(differ.sum().item_long()).as("mask pixels that differ").isZero();
                assertThat(decided.sum().item_long()).isGreaterThan(want.numel() * 99 / 100);
            }
        }
    }

    @Test
    void theConfigReadsThePrunedWidthsAndTheWindows() {
        SamConfig c = SamConfig.read(REF);
        assertThat(c.vision().mlpDim()).isEqualTo(40);
        assertThat(c.vision().window(0)).isEqualTo(3);
        assertThat(c.vision().window(1)).isZero();
        assertThat(c.prompt().embeddingSize()).isEqualTo(8);
        assertThat(c.decoder().maskTokens()).isEqualTo(4);
    }

    @Test
    void badConfigsAreRefusedNamingTheKey() {
        var json = Json.MAPPER.createObjectNode().put("model_type", "sam");
        json.putObject("vision_config").put("hidden_size", 168).put("num_attention_heads", 12).put("mlp_dim", 696)
                .putArray("global_attn_indexes").add(2).add(12);
        assertThatThrownBy(() -> SamConfig.parse(json, "config.json")).isInstanceOf(UserError.class)
                .hasMessageContaining("config.json (vision_config): global_attn_indexes is [2,12]");
        json.putObject("vision_config").put("output_channels", 128);
        assertThatThrownBy(() -> SamConfig.parse(json, "config.json")).hasMessageContaining("the widths disagree");
        json.put("model_type", "sam2");
        assertThatThrownBy(() -> SamConfig.parse(json, "config.json")).hasMessageContaining("model_type is 'sam2'");
    }

    @Test
    void slimSam77sShapesCountItsParameters() {
        var json = Json.MAPPER.createObjectNode().put("model_type", "sam");
        json.putObject("vision_config").put("hidden_size", 168).put("num_attention_heads", 12).put("mlp_dim", 696);
        Map<String, long[]> shapes = SamModel.shapes(SamConfig.parse(json, "config.json"));
        long vision = 0;
        long rest = 0;
        for (var e : shapes.entrySet()) {
            long n = 1;
            for (long s : e.getValue()) {
                n *= s;
            }
            if (e.getKey().startsWith("vision_encoder.")) {
                vision += n;
            } else {
                rest += n;
            }
        }
        // per layer 4 x 168 (norms) + 168 x 504 + 504 (qkv) + 168² + 168 (proj) + 2 x 27 x 14 or 2 x 127 x 14
        // (relative positions, windowed or global) + 168 x 696 x 2 + 696 + 168 (mlp); the patch embedding, the
        // positions 64² x 168 and the neck 256 x 168 + 256 x 256 x 9 + 4 x 256
        long layer = 4 * 168 + 168 * 504 + 504 + 168 * 168 + 168 + 2L * 168 * 696 + 696 + 168;
        long expectedVision = 8 * (layer + 2 * 27 * 14) + 4 * (layer + 2 * 127 * 14) + 168 * 3 * 256 + 168
                + 64 * 64 * 168 + 256 * 168 + 256 * 256 * 9 + 4 * 256;
        assertThat(vision).isEqualTo(expectedVision);
        // SAM's prompt encoder and mask decoder are unpruned: about 4.06M parameters (the SAM paper's "4M")
        assertThat(rest).isBetween(4_000_000L, 4_200_000L);
    }

    private static int[] ints(Tensor t) {
        return new int[] {(int) t.get(0).item_long(), (int) t.get(1).item_long()};
    }
}

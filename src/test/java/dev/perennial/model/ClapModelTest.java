package dev.perennial.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.UserError;
import dev.perennial.io.Json;
import dev.perennial.tensor.Safetensors;
import dev.perennial.tensor.Tensors;
import dev.perennial.tokenizer.EncoderTokenizer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * CLAP against tools/reference/clap.py, a float64 reference written from transformers' modeling_clap.py: a tiny
 * unfused ClapModel whose HTSAT has three stages (shifted windows in the first two, a window covering the grid in the
 * last), 201 feature frames stretched to 256, and a RoBERTa text model with padding.
 */
class ClapModelTest {

    static final Path REF = Path.of("src/test/resources/reference/clap-model");
    /** The same tool's tiny fused ClapModel (enable_fusion, 64 mel bins, spec_size 128). */
    static final Path FUSED = Path.of("src/test/resources/reference/clap-model-fused");

    @TempDir
    Path tmp;

    @Test
    void embeddingsAndLogitsMatchTheReferenceInFloat32() {
        assertMatches(torch.ScalarType.Float, 1e-5);
    }

    @Test
    void embeddingsAndLogitsMatchTheReferenceInFloat64() {
        assertMatches(torch.ScalarType.Double, 1e-10);
    }

    @Test
    void aFusedModelMatchesTheReferenceOnALongerAndAShortClipInFloat32() {
        assertMatches(FUSED, torch.ScalarType.Float, 1e-5);
    }

    @Test
    void aFusedModelMatchesTheReferenceOnALongerAndAShortClipInFloat64() {
        assertMatches(FUSED, torch.ScalarType.Double, 1e-10);
    }

    @Test
    void aFusedModelFusesTheCropsOnlyOfTheClipsMarkedLonger() {
        Map<String, Tensor> expected = Safetensors.read(FUSED.resolve("expected.safetensors"), torch.ScalarType.Double);
        try (ClapModel model = ClapModel.load(FUSED, torch.ScalarType.Double);
             PointerScope scope = new PointerScope()) {
            Tensor features = expected.get("input_features");
            Tensor both = model.audioEmbeds(features, new boolean[] {true, true});
            Tensor neither = model.audioEmbeds(features, new boolean[] {false, false});
            Tensor reference = expected.get("audio_embeds");
            // the first clip is longer: its embedding needs the fusion; the second's does not change without it
            assertClose("fused clip", both.select(0, 0), reference.select(0, 0), 1e-10);
            assertClose("unfused clip", neither.select(0, 1), reference.select(0, 1), 1e-10);
            assertThat(neither.select(0, 0).sub(reference.select(0, 0)).abs().max().item_double()).isGreaterThan(1e-3);
            assertThat(both.select(0, 1).sub(reference.select(0, 1)).abs().max().item_double()).isGreaterThan(1e-3);
            assertThatThrownBy(() -> model.audioEmbeds(features))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("a fused CLAP needs is_longer for each of the 2 clips, got none");
            assertThatThrownBy(() -> model.audioEmbeds(torch.zeros(1, 1, 101, 64), new boolean[] {true}))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("input features have shape [1, 1, 101, 64]; the model takes [batch, 4, 2 to 256 "
                            + "frames, 64 mel bins]");
        } finally {
            expected.values().forEach(Tensor::close);
        }
    }

    private static void assertMatches(torch.ScalarType dtype, double tolerance) {
        assertMatches(REF, dtype, tolerance);
    }

    private static void assertMatches(Path dir, torch.ScalarType dtype, double tolerance) {
        Map<String, Tensor> expected = Safetensors.read(dir.resolve("expected.safetensors"), torch.ScalarType.Double);
        try (ClapModel model = ClapModel.load(dir, dtype); PointerScope scope = new PointerScope()) {
            Tensor longer = expected.get("is_longer");
            Tensor audio = model.audioEmbeds(expected.get("input_features").to(dtype),
                    longer == null ? null : longerFlags(longer));
            Tensor text = model.textEmbeds(expected.get("input_ids").to(torch.ScalarType.Long),
                    expected.get("attention_mask").to(torch.ScalarType.Long));
            Tensor logits = model.logitsPerAudio(audio, text);
            assertThat(audio.scalar_type().value).isEqualTo(dtype.value);
            assertClose("audio_embeds", audio, expected.get("audio_embeds"), tolerance);
            assertClose("text_embeds", text, expected.get("text_embeds"), tolerance);
            // the logits are exp(logit_scale) times a cosine: float32's error on the unit embeddings (PyTorch's own
            // float32 forward is 2e-6 off the float64 one here) is multiplied by the scale, 10 and 25 here
            assertClose("logits_per_audio", logits, expected.get("logits_per_audio"),
                    tolerance * model.logitScaleAudio());
            assertClose("logits_per_text", text.matmul(audio.t()).mul(new org.bytedeco.pytorch.Scalar(
                    model.logitScaleText())), expected.get("logits_per_text"), tolerance * model.logitScaleText());
            assertThat(model.logitScaleAudio()).isCloseTo(10.0, org.assertj.core.api.Assertions.within(1e-5));
        } finally {
            expected.values().forEach(Tensor::close);
        }
    }

    private static boolean[] longerFlags(Tensor isLonger) {
        long[] values = ExpectedFiles.longs(isLonger);
        boolean[] out = new boolean[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i] != 0;
        }
        return out;
    }

    static void assertClose(String what, Tensor actual, Tensor expected, double tolerance) {
        assertThat(actual.sizes().vec().get()).as(what + " shape").containsExactly(expected.sizes().vec().get());
        double error = actual.to(torch.ScalarType.Double).sub(expected).abs().max().item_double();
        System.out.printf("CLAP %s: max abs error %.3g%n", what, error);
        assertThat(error).as("%s: max abs error", what).isLessThanOrEqualTo(tolerance);
    }

    @Test
    void theRobertaTokenizerGivesThePythonIdsPaddedWithPad() throws Exception {
        Map<String, Tensor> expected = Safetensors.read(REF.resolve("expected.safetensors"), torch.ScalarType.Double);
        try (EncoderTokenizer tokenizer = EncoderTokenizer.load(REF, 38)) {
            EncoderTokenizer.Batch batch = tokenizer.encode(ExpectedFiles.metadataList(REF.resolve("expected.safetensors"), "texts"));
            assertThat(batch.ids()).containsExactly(ExpectedFiles.longs(expected.get("input_ids")));
            assertThat(batch.mask()).containsExactly(ExpectedFiles.longs(expected.get("attention_mask")));
        } finally {
            expected.values().forEach(Tensor::close);
        }
    }

    @Test
    void theConfigTakesTransformersDefaultsAndTheTopLevelProjection() throws Exception {
        ClapModelConfig config = ClapModelConfig.parse((ObjectNode) Json.MAPPER.readTree("""
                {"model_type": "clap", "projection_dim": 512, "text_config": {"projection_dim": 64},
                 "audio_config": {"projection_dim": 64}}"""), "c.json");
        assertThat(config.projectionDim()).isEqualTo(512);
        assertThat(config.text().vocabSize()).isEqualTo(50265);
        assertThat(config.text().maxPositions()).isEqualTo(512);
        assertThat(config.text().typeVocabSize()).isEqualTo(1);
        ClapModelConfig.Audio audio = config.audio();
        assertThat(audio.freqRatio()).isEqualTo(4);
        assertThat(audio.maxFrames()).isEqualTo(1024);
        assertThat(audio.resolution(3)).isEqualTo(8);
        assertThat(audio.shift(0, 1)).isEqualTo(4);
        assertThat(audio.shift(3, 1)).isZero();
        Map<String, long[]> shapes = ClapModel.shapes(config);
        assertThat(shapes.get("audio_model.audio_encoder.layers.2.blocks.5.attention.self.relative_position_bias_table"))
                .containsExactly(225, 16);
        assertThat(shapes.get("audio_model.audio_encoder.layers.2.downsample.reduction.weight"))
                .containsExactly(768, 1536);
        assertThat(shapes.get("audio_projection.linear1.weight")).containsExactly(512, 768);
        assertThat(shapes.get("text_model.encoder.layer.11.output.dense.weight")).containsExactly(768, 3072);
        assertThat(shapes).doesNotContainKey("audio_model.audio_encoder.layers.3.downsample.reduction.weight");
    }

    @Test
    void randomWeightsAtAConfigsShapesLoadWithTheInitialLogitScale() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("random"));
        Files.copy(REF.resolve("config.json"), dir.resolve("config.json"));
        PretrainedWeights.writeRandom(dir, 3);
        try (ClapModel model = ClapModel.load(dir, torch.ScalarType.Float); PointerScope scope = new PointerScope()) {
            // logit_scale_init_value is 1/0.07; ClapModel keeps its log and scores with the exp
            assertThat(model.logitScaleAudio()).isCloseTo(1 / 0.07, org.assertj.core.api.Assertions.within(1e-4));
            Tensor audio = model.audioEmbeds(torch.zeros(1, 1, 201, 16));
            assertThat(audio.norm().item_double()).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-5));
        }
    }

    @Test
    void aFusedConfigDeclaresTheFusionBlocksUnderTheirCheckpointNames() throws Exception {
        ClapModelConfig config = ClapModelConfig.parse((ObjectNode) Json.MAPPER.readTree("""
                {"model_type": "clap", "audio_config": {"enable_fusion": true, "fusion_type": "aff_2d"}}"""), "c.json");
        Map<String, long[]> shapes = ClapModel.shapes(config);
        String embed = "audio_model.audio_encoder.patch_embed.";
        assertThat(shapes.get(embed + "proj.weight")).containsExactly(96, 1, 4, 4);
        assertThat(shapes.get(embed + "mel_conv2d.weight")).containsExactly(96, 1, 4, 12);
        assertThat(shapes.get(embed + "fusion_model.local_att.0.weight")).containsExactly(24, 96, 1, 1);
        assertThat(shapes.get(embed + "fusion_model.local_att.4.running_var")).containsExactly(96);
        assertThat(shapes.get(embed + "fusion_model.global_att.1.weight")).containsExactly(24, 96, 1, 1);
        assertThat(shapes.get(embed + "fusion_model.global_att.5.bias")).containsExactly(96);
        assertThat(ClapModel.shapes(ClapModelConfig.parse((ObjectNode) Json.MAPPER.readTree(
                "{\"model_type\": \"clap\"}"), "c.json"))).doesNotContainKey(embed + "mel_conv2d.weight");
    }

    @Test
    void aChannelMapFusionIsRefusedSayingWhy() throws Exception {
        Path dir = copy();
        editConfig(dir, c -> ((ObjectNode) c.get("audio_config")).put("enable_fusion", true)
                .put("fusion_type", "channel_map"));
        assertThatThrownBy(() -> ClapModel.load(dir, torch.ScalarType.Float))
                .isInstanceOf(UserError.class)
                .hasMessage(dir.resolve("config.json") + " (audio_config): fusion_type is channel_map, which "
                        + "ClapAudioPatchEmbed cannot run (its proj takes 4 channels but is given 1); the fused "
                        + "checkpoints use the attentional feature fusion (fusion_type aff_2d or null)");
    }

    @Test
    void aBadConfigKeyIsRefusedNamingTheFileTheSubConfigAndTheKey() throws Exception {
        Path dir = copy();
        editConfig(dir, c -> ((ObjectNode) c.get("audio_config")).put("window_size", 3));
        assertThatThrownBy(() -> ClapModel.load(dir, torch.ScalarType.Float))
                .isInstanceOf(UserError.class)
                .hasMessage(dir.resolve("config.json") + " (audio_config): stage 0 has a 16×16 patch grid, which "
                        + "windows of window_size 3 do not tile (padded windows are not supported)");
        editConfig(dir, c -> {
            ((ObjectNode) c.get("audio_config")).put("window_size", 4);
            ((ObjectNode) c.get("text_config")).put("num_attention_heads", 5);
        });
        assertThatThrownBy(() -> ClapModel.load(dir, torch.ScalarType.Float))
                .isInstanceOf(UserError.class)
                .hasMessage(dir.resolve("config.json") + " (text_config): hidden_size 32 is not divisible by "
                        + "num_attention_heads 5");
        editConfig(dir, c -> {
            ((ObjectNode) c.get("text_config")).put("num_attention_heads", 2);
            c.put("model_type", "clap_audio_model");
        });
        assertThatThrownBy(() -> ClapModel.load(dir, torch.ScalarType.Float))
                .isInstanceOf(UserError.class)
                .hasMessage(dir.resolve("config.json") + ": model_type 'clap_audio_model' is not supported here; "
                        + "Perennial's CLAP reads model_type 'clap' (the whole ClapModel)");
    }

    @Test
    void aMissingTensorIsRefusedNamingIt() throws Exception {
        Path dir = copy();
        Map<String, Tensor> tensors = new LinkedHashMap<>(Safetensors.read(REF.resolve("model.safetensors"), null));
        String name = "audio_model.audio_encoder.layers.1.blocks.1.attention.self.relative_position_bias_table";
        tensors.remove(name).close();
        Safetensors.write(dir.resolve("model.safetensors"), tensors);
        tensors.values().forEach(Tensor::close);
        assertThatThrownBy(() -> ClapModel.load(dir, torch.ScalarType.Float))
                .isInstanceOf(UserError.class)
                .hasMessage(dir + ": tensor " + name + " is missing");
    }

    @Test
    void inputsOfTheWrongShapeAreRefusedBeforeCompute() {
        try (ClapModel model = ClapModel.load(REF, torch.ScalarType.Float); PointerScope scope = new PointerScope()) {
            assertThatThrownBy(() -> model.audioEmbeds(torch.zeros(1, 1, 300, 16)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("input features have shape [1, 1, 300, 16]; the model takes [batch, 1, 2 to 256 "
                            + "frames, 16 mel bins]");
            assertThatThrownBy(() -> model.textEmbeds(Tensors.fromLongs(new long[] {0, 400, 2}, 1, 3),
                    Tensors.fromLongs(new long[] {1, 1, 1}, 1, 3)))
                    .isInstanceOf(UserError.class)
                    .hasMessageContaining("token id 400 is outside this encoder's vocabulary");
        }
    }

    private Path copy() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("clap"));
        for (String name : List.of("config.json", "model.safetensors")) {
            Files.copy(REF.resolve(name), dir.resolve(name));
        }
        return dir;
    }

    private static void editConfig(Path dir, Consumer<ObjectNode> edit) throws Exception {
        Path file = dir.resolve("config.json");
        ObjectNode config = (ObjectNode) Json.MAPPER.readTree(file.toFile());
        edit.accept(config);
        Files.writeString(file, Json.MAPPER.writeValueAsString(config));
    }
}

package dev.perennial.model;

import dev.perennial.UserError;
import dev.perennial.tensor.Safetensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * BertEncoder against the float64 reference of tools/reference/bert.py (written from transformers' modeling_bert.py
 * and modeling_roberta.py): a tiny all-MiniLM-L6-v2-shaped BertModel on a padded batch of five sentences, and a tiny
 * RobertaForMaskedLM checkpoint with RoBERTa positions, token types and "roberta."-prefixed names.
 */
class BertEncoderTest {

    static final Path MINILM = Path.of("src/test/resources/reference/minilm");
    static final Path ROBERTA = Path.of("src/test/resources/reference/roberta");

    @TempDir
    Path dir;

    @Test
    void miniLmLastHiddenStateMatchesTheReferenceInFloat32AndFloat64() {
        assertThat(error(MINILM, torch.ScalarType.Float, "last_hidden_state", true)).isLessThanOrEqualTo(1e-5);
        assertThat(error(MINILM, torch.ScalarType.Double, "last_hidden_state", true)).isLessThanOrEqualTo(1e-10);
    }

    @Test
    void robertaPositionsAndTokenTypesMatchTheReferenceInFloat32AndFloat64() {
        assertThat(error(ROBERTA, torch.ScalarType.Float, "last_hidden_state", true)).isLessThanOrEqualTo(1e-5);
        assertThat(error(ROBERTA, torch.ScalarType.Double, "last_hidden_state", true)).isLessThanOrEqualTo(1e-10);
        assertThat(error(ROBERTA, torch.ScalarType.Double, "last_hidden_state_without_token_types", false))
                .isLessThanOrEqualTo(1e-10);
    }

    @Test
    void theConfigSaysHowManyTokensFitAndWhatTheEncoderIs() {
        try (BertEncoder minilm = BertEncoder.load(MINILM, torch.ScalarType.Float);
             BertEncoder roberta = BertEncoder.load(ROBERTA, torch.ScalarType.Float)) {
            assertThat(minilm.config().modelType()).isEqualTo("bert");
            assertThat(minilm.config().hiddenSize()).isEqualTo(32);
            assertThat(minilm.config().maxPositions()).isEqualTo(64);
            assertThat(minilm.config().layerNormEps()).isEqualTo(1e-12);
            // max_position_embeddings 20, positions counted from pad_token_id + 1 = 2: 18 usable
            assertThat(roberta.config().modelType()).isEqualTo("roberta");
            assertThat(roberta.config().maxPositions()).isEqualTo(18);
            assertThat(roberta.config().padTokenId()).isEqualTo(1);
        }
    }

    @Test
    void eachSentenceAloneGivesTheHiddenStatesItHasInThePaddedBatch() {
        Map<String, Tensor> expected = Safetensors.read(MINILM.resolve("expected.safetensors"), torch.ScalarType.Double);
        try (BertEncoder encoder = BertEncoder.load(MINILM, torch.ScalarType.Double);
             PointerScope scope = new PointerScope()) {
            Tensor ids = expected.get("input_ids").to(torch.ScalarType.Long);
            Tensor mask = expected.get("attention_mask").to(torch.ScalarType.Long);
            Tensor batch = encoder.lastHiddenState(ids, null, mask);
            for (int row = 0; row < ids.size(0); row++) {
                long n = mask.select(0, row).sum().item_long();
                Tensor alone = encoder.lastHiddenState(ids.narrow(0, row, 1).narrow(1, 0, n), null,
                        mask.narrow(0, row, 1).narrow(1, 0, n));
                assertThat(maxAbs(alone.select(0, 0), batch.select(0, row).narrow(0, 0, n)))
                        .as("row %d", row).isLessThanOrEqualTo(1e-12);
            }
        }
    }

    @Test
    void aBertForMaskedLmCheckpointWithTfLayerNormNamesLoadsAsTheSameEncoder() throws IOException {
        // bert.-prefixed names, LayerNorm gamma/beta, the cls.* head and the position_ids buffer, as older
        // BertForMaskedLM checkpoints have them
        Map<String, Tensor> renamed = new LinkedHashMap<>();
        Safetensors.read(MINILM.resolve("model.safetensors"), null).forEach((name, t) -> {
            String n = "bert." + name.replace("LayerNorm.weight", "LayerNorm.gamma").replace("LayerNorm.bias",
                    "LayerNorm.beta");
            renamed.put(n, t);
        });
        renamed.remove("bert.pooler.dense.weight");
        renamed.remove("bert.pooler.dense.bias");
        renamed.put("cls.predictions.bias", torch.zeros(95));
        renamed.put("cls.predictions.transform.dense.weight", torch.zeros(32, 32));
        Files.copy(MINILM.resolve("config.json"), dir.resolve("config.json"));
        Files.copy(MINILM.resolve("expected.safetensors"), dir.resolve("expected.safetensors"));
        Safetensors.write(dir.resolve("model.safetensors"), renamed);
        assertThat(error(dir, torch.ScalarType.Double, "last_hidden_state", true)).isLessThanOrEqualTo(1e-10);
    }

    @Test
    void anUnknownModelTypeIsRefusedNamingTheFileAndTheSupportedTypes() throws IOException {
        Path folder = copyWithConfig(c -> c.replace("\"model_type\": \"bert\"", "\"model_type\": \"distilbert\""));
        assertThatThrownBy(() -> BertEncoder.load(folder, torch.ScalarType.Float))
                .isInstanceOf(UserError.class)
                .hasMessage(folder.resolve("config.json") + ": model_type 'distilbert' is not a BERT-style encoder; "
                        + "Perennial's text encoder runs bert, roberta, xlm-roberta");
    }

    @ParameterizedTest
    @ValueSource(strings = {"relative_key", "relative_key_query"})
    void relativePositionsAreRefused(String kind) throws IOException {
        Path folder = copyWithConfig(c -> c.replace("\"absolute\"", "\"" + kind + "\""));
        assertThatThrownBy(() -> BertEncoder.load(folder, torch.ScalarType.Float))
                .isInstanceOf(UserError.class)
                .hasMessageStartingWith(folder.resolve("config.json") + ": position_embedding_type '" + kind
                        + "' is not supported");
    }

    @Test
    void badConfigFieldsAreRefusedNamingTheKey() throws IOException {
        Path heads = copyWithConfig(c -> c.replace("\"num_attention_heads\": 4", "\"num_attention_heads\": 5"));
        assertThatThrownBy(() -> BertEncoder.load(heads, torch.ScalarType.Float))
                .isInstanceOf(UserError.class)
                .hasMessage(heads.resolve("config.json") + ": hidden_size 32 is not divisible by num_attention_heads 5");
        Path eps = copyWithConfig(c -> c.replace("\"layer_norm_eps\": 1e-12", "\"layer_norm_eps\": \"small\""));
        assertThatThrownBy(() -> BertEncoder.load(eps, torch.ScalarType.Float))
                .isInstanceOf(UserError.class)
                .hasMessage(eps.resolve("config.json") + ": layer_norm_eps is \"small\", not a number");
        Path vocab = copyWithConfig(c -> c.replace("\"vocab_size\": 95", "\"vocab_size\": 0"));
        assertThatThrownBy(() -> BertEncoder.load(vocab, torch.ScalarType.Float))
                .isInstanceOf(UserError.class)
                .hasMessage(vocab.resolve("config.json") + ": vocab_size is 0, not a whole number above 0");
    }

    @Test
    void aMissingTensorIsRefusedNamingIt() throws IOException {
        Map<String, Tensor> tensors = Safetensors.read(MINILM.resolve("model.safetensors"), null);
        tensors.remove("encoder.layer.1.attention.self.key.bias");
        Path folder = copyWithConfig(c -> c);
        Safetensors.write(folder.resolve("model.safetensors"), tensors);
        assertThatThrownBy(() -> BertEncoder.load(folder, torch.ScalarType.Float))
                .isInstanceOf(UserError.class)
                .hasMessage(folder + ": tensor encoder.layer.1.attention.self.key.bias is missing");
    }

    @Test
    void aTensorOfTheWrongShapeIsRefusedNamingItAndBothShapes() throws IOException {
        // config.json's intermediate_size is not the one the weights were made with
        Path folder = copyWithConfig(c -> c.replace("\"intermediate_size\": 64", "\"intermediate_size\": 48"));
        Files.copy(MINILM.resolve("model.safetensors"), folder.resolve("model.safetensors"));
        assertThatThrownBy(() -> BertEncoder.load(folder, torch.ScalarType.Float))
                .isInstanceOf(UserError.class)
                .hasMessageStartingWith(folder + ": the tensors do not match config.json (bert): misshapen "
                        + "encoder.layer.0.intermediate.dense.weight, encoder.layer.0.intermediate.dense.bias, "
                        + "encoder.layer.0.output.dense.weight and 3 more")
                .satisfies(e -> assertThat(((UserError) e).problems()).contains(folder
                        + ": tensor encoder.layer.0.intermediate.dense.weight has shape [64, 32] but config.json "
                        + "implies [48, 32]"));
    }

    @Test
    void inputsTheModelCannotTakeAreRefusedBeforeCompute() {
        try (BertEncoder encoder = BertEncoder.load(ROBERTA, torch.ScalarType.Float);
             PointerScope scope = new PointerScope()) {
            Tensor tooLong = torch.full(new long[] {1, 19}, new org.bytedeco.pytorch.Scalar(5),
                    new org.bytedeco.pytorch.TensorOptions(torch.ScalarType.Long));
            assertThatThrownBy(() -> encoder.lastHiddenState(tooLong, null, torch.ones_like(tooLong)))
                    .isInstanceOf(UserError.class)
                    .hasMessage("19 tokens are more than the 18 positions this roberta encoder has "
                            + "(max_position_embeddings 20); truncate the text");
            Tensor outside = torch.full(new long[] {1, 4}, new org.bytedeco.pytorch.Scalar(50),
                    new org.bytedeco.pytorch.TensorOptions(torch.ScalarType.Long));
            assertThatThrownBy(() -> encoder.lastHiddenState(outside, null, torch.ones_like(outside)))
                    .isInstanceOf(UserError.class)
                    .hasMessage("token id 50 is outside this encoder's vocabulary of 50; the tokenizer does not "
                            + "belong to the model");
            Tensor ids = torch.full(new long[] {1, 4}, new org.bytedeco.pytorch.Scalar(5),
                    new org.bytedeco.pytorch.TensorOptions(torch.ScalarType.Long));
            assertThatThrownBy(() -> encoder.lastHiddenState(ids, ids, torch.ones_like(ids)))
                    .isInstanceOf(UserError.class)
                    .hasMessage("token type id 5 is not one of this encoder's 2 token types (type_vocab_size)");
            assertThatThrownBy(() -> encoder.lastHiddenState(ids, null, torch.ones(new long[] {1, 3},
                    new org.bytedeco.pytorch.TensorOptions(torch.ScalarType.Long))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("the attention mask must have the input ids' shape [1, 4]");
        }
    }

    /** Max |Java − reference| of {@code key} for the folder's stored inputs (token types passed or left null). */
    private static double error(Path folder, torch.ScalarType dtype, String key, boolean withTypes) {
        Map<String, Tensor> expected = Safetensors.read(folder.resolve("expected.safetensors"), torch.ScalarType.Double);
        try (BertEncoder encoder = BertEncoder.load(folder, dtype); PointerScope scope = new PointerScope()) {
            Tensor out = encoder.lastHiddenState(expected.get("input_ids").to(torch.ScalarType.Long),
                    withTypes ? expected.get("token_type_ids").to(torch.ScalarType.Long) : null,
                    expected.get("attention_mask").to(torch.ScalarType.Long));
            assertThat(out.scalar_type().value).isEqualTo(dtype.value);
            assertThat(out.sizes().vec().get()).isEqualTo(expected.get(key).sizes().vec().get());
            return maxAbs(out, expected.get(key));
        }
    }

    private static double maxAbs(Tensor a, Tensor b) {
        return a.to(torch.ScalarType.Double).sub(b.to(torch.ScalarType.Double)).abs().max().item_double();
    }

    private Path copyWithConfig(java.util.function.UnaryOperator<String> edit) throws IOException {
        Path folder = Files.createDirectories(dir.resolve("model"));
        String config = Files.readString(MINILM.resolve("config.json"));
        String edited = edit.apply(config);
        Files.writeString(folder.resolve("config.json"), edited);
        return folder;
    }
}

package dev.perennial.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.UserError;
import dev.perennial.model.Model;
import dev.perennial.model.ModelConfig;
import dev.perennial.model.ModelConfigs;
import dev.perennial.model.ModelFixtures;
import dev.perennial.tensor.DType;
import dev.perennial.tensor.Safetensors;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelFolderTest {

    @TempDir
    Path dir;

    static void assertBitExact(Model a, Model b) {
        assertThat(b.parameters().keySet()).containsExactlyElementsOf(a.parameters().keySet());
        a.parameters().forEach((name, t) -> assertThat(t.equal(b.parameters().get(name))).as(name).isTrue());
    }

    @Test
    void saveThenLoadIsBitExactForEveryArchitecture() {
        for (Model model : new Model[] {ModelFixtures.byteNeoX(1), ModelFixtures.byteLlama(2)}) {
            Path folder = dir.resolve(model.config().modelType());
            ModelFolder.save(model, "byte", folder, ModelFolder.DEFAULT_SHARD_BYTES, "test");
            try (ModelFolder.Loaded loaded = ModelFolder.load(folder, DType.F32)) {
                assertBitExact(model, loaded.model());
                assertThat(loaded.tokenizer().hash()).isEqualTo(new dev.perennial.tokenizer.ByteTokenizer().hash());
            }
            assertThat(folder.resolve("model.safetensors")).exists();
            assertThat(folder.resolve("generation_config.json")).exists();
            assertThat(folder.resolve("README.md")).content().contains("library_name: transformers");
            model.close();
        }
    }

    @Test
    void shardedCheckpointsRoundTripThroughTheirIndex() throws Exception {
        try (Model model = ModelFixtures.byteLlama(3)) {
            ModelFolder.save(model, "byte", dir, 20_000, "");
            JsonNode index = new ObjectMapper().readTree(dir.resolve(Safetensors.INDEX).toFile());
            assertThat(index.path("weight_map").size()).isEqualTo(model.parameters().size());
            assertThat(index.path("metadata").path("total_size").asLong()).isEqualTo(model.parameterCount() * 4);
            try (var files = Files.list(dir)) {
                assertThat(files.filter(f -> f.toString().endsWith(".safetensors")).count()).isGreaterThan(3);
            }
            try (ModelFolder.Loaded loaded = ModelFolder.load(dir, DType.F32)) {
                assertBitExact(model, loaded.model());
            }
        }
    }

    @Test
    void writesWhatTheHuggingFaceReaderExpects() throws Exception {
        try (Model model = ModelFixtures.byteNeoX(4)) {
            ModelFolder.save(model, "byte", dir, ModelFolder.DEFAULT_SHARD_BYTES, "");
            byte[] bytes = Files.readAllBytes(dir.resolve("model.safetensors"));
            long headerLength = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
            assertThat(headerLength % 8).isZero();
            JsonNode header = new ObjectMapper().readTree(new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8));
            assertThat(header.path("__metadata__").path("format").asText()).isEqualTo("pt");
            JsonNode embed = header.path("gpt_neox.embed_in.weight");
            assertThat(embed.path("dtype").asText()).isEqualTo("F32");
            assertThat(embed.path("shape").toString()).isEqualTo("[257,32]");
            JsonNode config = new ObjectMapper().readTree(dir.resolve("config.json").toFile());
            assertThat(config.path("architectures").get(0).asText()).isEqualTo("GPTNeoXForCausalLM");
            assertThat(config.path("model_type").asText()).isEqualTo("gpt_neox");
        }
    }

    /**
     * A model made from a minimal config is exported with every setting it was run with, so transformers rebuilds
     * it without its own defaults (GPT-NeoX's bos/eos default to 0 and 2, not this tokenizer's end-of-text, 256).
     */
    @Test
    void theExportedConfigCarriesEverySettingTheModelRanWith() throws Exception {
        String neox = """
                {"model_type": "gpt_neox", "vocab_size": 257, "hidden_size": 32, "num_hidden_layers": 2,
                 "num_attention_heads": 4, "intermediate_size": 64, "max_position_embeddings": 64}""";
        String llama = """
                {"model_type": "llama", "vocab_size": 257, "hidden_size": 32, "num_hidden_layers": 2,
                 "num_attention_heads": 4, "intermediate_size": 64, "max_position_embeddings": 64}""";
        Map<String, String> expected = Map.of(
                "gpt_neox", "{layer_norm_eps=1.0E-5, use_parallel_residual=true, attention_bias=true, rotary_pct=0.25,"
                        + " rotary_emb_base=10000.0, hidden_act=gelu, tie_word_embeddings=false,"
                        + " initializer_range=0.02, bos_token_id=256, eos_token_id=256}",
                "llama", "{num_key_value_heads=4, head_dim=8, rms_norm_eps=1.0E-6, attention_bias=false,"
                        + " mlp_bias=false, rope_theta=10000.0, hidden_act=silu, tie_word_embeddings=false,"
                        + " initializer_range=0.02, bos_token_id=256, eos_token_id=256}");
        for (String text : List.of(neox, llama)) {
            ModelConfig minimal = ModelConfigs.parse((ObjectNode) new ObjectMapper().readTree(text), "minimal");
            Path folder = dir.resolve(minimal.modelType());
            try (Model model = Model.initialise(minimal, 1, torch.ScalarType.Float)) {
                ModelFolder.save(model, "byte", folder, ModelFolder.DEFAULT_SHARD_BYTES, "");
            }
            JsonNode saved = new ObjectMapper().readTree(folder.resolve("config.json").toFile());
            Map<String, Object> added = new LinkedHashMap<>();
            saved.fields().forEachRemaining(f -> {
                if (!minimal.raw().has(f.getKey()) && !List.of("architectures", "torch_dtype").contains(f.getKey())) {
                    added.put(f.getKey(), f.getValue().isNumber() ? f.getValue().numberValue() : f.getValue().isBoolean()
                            ? f.getValue().booleanValue() : f.getValue().asText());
                }
            });
            assertThat(added.toString()).isEqualTo(expected.get(minimal.modelType()));
            ModelConfig reread = ModelConfigs.read(folder.resolve("config.json"));
            assertThat(reread.parameterCount()).isEqualTo(minimal.parameterCount());
            assertThat(reread.rope()).isEqualTo(minimal.rope());
        }
    }

    @Test
    void refusesMissingExtraAndMisshapenTensorsNamingThem() throws Exception {
        try (Model model = ModelFixtures.byteLlama(5)) {
            ModelFolder.save(model, "byte", dir, ModelFolder.DEFAULT_SHARD_BYTES, "");
            Map<String, Tensor> tensors = new LinkedHashMap<>(model.parameters());
            tensors.remove("model.norm.weight");
            tensors.put("model.extra.weight", model.parameters().get("model.norm.weight"));
            tensors.put("model.layers.0.mlp.up_proj.weight", model.parameters().get("model.layers.0.mlp.down_proj.weight"));
            Safetensors.write(dir.resolve("model.safetensors"), tensors);
            assertThatThrownBy(() -> ModelFolder.load(dir, DType.F32))
                    .isInstanceOf(UserError.class)
                    .satisfies(e -> assertThat(((UserError) e).problems()).anySatisfy(p -> assertThat(p)
                                    .contains("tensor model.norm.weight is missing"))
                            .anySatisfy(p -> assertThat(p).contains("tensor model.extra.weight is not a parameter"))
                            .anySatisfy(p -> assertThat(p).contains("tensor model.layers.0.mlp.up_proj.weight has shape "
                                    + "[32, 64] but config.json implies [64, 32]")));
        }
    }

    @Test
    void refusesTruncatedAndCorruptSafetensors() throws Exception {
        try (Model model = ModelFixtures.byteNeoX(6)) {
            ModelFolder.save(model, "byte", dir, ModelFolder.DEFAULT_SHARD_BYTES, "");
        }
        Path file = dir.resolve("model.safetensors");
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, bytes.length - 100));
        assertThatThrownBy(() -> ModelFolder.load(dir, DType.F32))
                .hasMessageContaining("model.safetensors: not a valid safetensors file")
                .hasMessageContaining("truncated file?");
        Files.write(file, Arrays.copyOf(bytes, 4));
        assertThatThrownBy(() -> Safetensors.header(file)).hasMessageContaining("shorter than the 8-byte header length");
        Files.write(file, safetensors("{\"a\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8]},"
                + "\"b\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [4, 12]}}", 12));
        assertThatThrownBy(() -> Safetensors.header(file)).hasMessageContaining("overlaps");
        Files.write(file, safetensors("{\"a\": {\"dtype\": \"F32\", \"shape\": [3], \"data_offsets\": [0, 8]}}", 8));
        assertThatThrownBy(() -> Safetensors.header(file)).hasMessageContaining("needs 12 bytes but has 8");
        Files.write(file, safetensors("{\"a\": {\"dtype\": \"Q4\", \"shape\": [2], \"data_offsets\": [0, 8]}}", 8));
        assertThatThrownBy(() -> Safetensors.header(file)).hasMessageContaining("has dtype 'Q4'");
        Files.write(file, safetensors("{\"a\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [4, 12]}}", 12));
        assertThatThrownBy(() -> Safetensors.header(file)).hasMessageContaining("bytes [0, 4) belong to no tensor");
        Files.write(file, safetensors("[1, 2]", 0));
        assertThatThrownBy(() -> Safetensors.header(file)).hasMessageContaining("not a JSON object");
    }

    @Test
    void refusesHeadersThatTheReferenceReaderRefuses() throws Exception {
        Path file = dir.resolve("model.safetensors");
        String a = "\"a\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8]}";
        Files.write(file, safetensors("{" + a + "}  garbage", 8));
        assertThatThrownBy(() -> Safetensors.header(file)).isInstanceOf(UserError.class)
                .hasMessageContaining("has 9 bytes after the header's JSON object");
        Files.write(file, safetensors("{" + a + "}    ", 8));
        assertThat(Safetensors.header(file)).containsOnlyKeys("a");
        Files.write(file, safetensors("{" + a + ", " + a + "}", 8));
        assertThatThrownBy(() -> Safetensors.header(file)).isInstanceOf(UserError.class)
                .hasMessageContaining("names a tensor twice").hasMessageContaining("'a'");
        for (String shape : new String[] {"[2.5]", "[-2]", "[\"2\"]"}) {
            Files.write(file, safetensors("{" + a.replace("[2]", shape) + "}", 8));
            assertThatThrownBy(() -> Safetensors.header(file)).isInstanceOf(UserError.class)
                    .hasMessageContaining("tensor a has a bad shape " + shape);
        }
        Files.write(file, safetensors("{" + a.replace("[2]", "[4611686018427387904, 4]") + "}", 8));
        assertThatThrownBy(() -> Safetensors.header(file)).isInstanceOf(UserError.class)
                .hasMessageContaining("more bytes than a file can hold");
        byte[] allOnes = new byte[64];
        Arrays.fill(allOnes, (byte) 0xff);
        Files.write(file, allOnes);
        assertThatThrownBy(() -> Safetensors.header(file)).isInstanceOf(UserError.class)
                .hasMessageContaining("declares a header of 18446744073709551615 bytes in a file of 64")
                .hasMessageNotContaining("-1 bytes");
    }

    @Test
    void refusesATokenizerThatDoesNotFitTheModel() throws Exception {
        try (Model model = ModelFixtures.tinyLlama(7)) { // vocabulary of 37: the byte tokenizer's 257 ids do not fit
            ModelFolder.save(model, "byte", dir, ModelFolder.DEFAULT_SHARD_BYTES, "");
        }
        assertThatThrownBy(() -> ModelFolder.load(dir, DType.F32))
                .hasMessageContaining("tokenizer.json has 257 tokens but config.json's vocab_size is 37");
    }

    @Test
    void refusesAnUnsupportedArchitectureListingTheSupported() throws Exception {
        Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"bert\"}");
        assertThatThrownBy(() -> ModelFolder.load(dir, DType.F32))
                .hasMessageContaining("model_type 'bert' is not supported; Perennial runs gpt_neox, llama, mistral, qwen2");
    }

    private static byte[] safetensors(String header, int dataBytes) {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buffer = ByteBuffer.allocate(8 + json.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(json.length).put(json);
        return buffer.array();
    }

    @Test
    void loadedWeightsViewTheFileCopyOnWriteSoTrainingNeverChangesIt() throws Exception {
        try (Model model = ModelFixtures.byteLlama(8)) {
            ModelFolder.save(model, "byte", dir, ModelFolder.DEFAULT_SHARD_BYTES, "");
        }
        byte[] before = Files.readAllBytes(dir.resolve("model.safetensors"));
        try (ModelFolder.Loaded loaded = ModelFolder.load(dir, DType.F32);
             dev.perennial.train.TrainStep step = new dev.perennial.train.TrainStep(loaded.model(), 1e-2, 0.1, 1.0);
             org.bytedeco.javacpp.PointerScope scope = new org.bytedeco.javacpp.PointerScope()) {
            Tensor norm = loaded.model().parameters().get("model.norm.weight");
            float first = dev.perennial.tensor.Tensors.toFloats(norm)[0];
            step.step(dev.perennial.tensor.Tensors.fromLongs(new long[] {1, 2, 3, 4, 5, 6, 7, 8}, 2, 4));
            assertThat(dev.perennial.tensor.Tensors.toFloats(norm)[0]).isNotEqualTo(first);
        }
        assertThat(Files.readAllBytes(dir.resolve("model.safetensors"))).isEqualTo(before);
    }
}

package dev.perennial.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.checkpoint.ModelFolder;
import dev.perennial.io.Json;
import dev.perennial.model.Model;
import dev.perennial.model.ModelFixtures;
import dev.perennial.tensor.DType;
import dev.perennial.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code perennial model set-chat-template} on a copy of a tiny model folder's tokenizer files, and {@code convert}. */
class ModelCommandTest {

    static final String TEMPLATE = "{% for m in messages %}<|{{ m.role }}|>{{ m.content }}{{ eos_token }}\n{% endfor %}"
            + "{% if add_generation_prompt %}<|assistant|>{% endif %}";

    @TempDir
    Path dir;

    private Path folder() throws Exception {
        Path model = Files.createDirectories(dir.resolve("model"));
        for (String name : new String[] {"tokenizer.json", "tokenizer_config.json"}) {
            Files.copy(PipelineCliTest.MINILM.resolve(name), model.resolve(name));
        }
        return model;
    }

    @Test
    void aTemplateIsRenderedThenSavedKeepingTheOtherSettings() throws Exception {
        Path model = folder();
        CliTest.Result r = CliTest.run("model", "set-chat-template", model.toString(), "--template", TEMPLATE);
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("<|user|>Hello!").contains("<|user|>Name a colour.").endsWith("<|assistant|>\n");
        JsonNode config = Json.MAPPER.readTree(model.resolve("tokenizer_config.json").toFile());
        assertThat(config.path("chat_template").asText()).isEqualTo(TEMPLATE);
        JsonNode before = Json.MAPPER.readTree(PipelineCliTest.MINILM.resolve("tokenizer_config.json").toFile());
        before.fieldNames().forEachRemaining(key -> assertThat(config.get(key)).as(key).isEqualTo(before.get(key)));

        Path other = Files.createDirectories(dir.resolve("other"));
        Files.copy(PipelineCliTest.MINILM.resolve("tokenizer.json"), other.resolve("tokenizer.json"));
        CliTest.Result copied = CliTest.run("model", "set-chat-template", other.toString(), "--from",
                model.toString());
        assertThat(copied.code()).as(copied.err()).isZero();
        assertThat(Json.MAPPER.readTree(other.resolve("tokenizer_config.json").toFile()).path("chat_template")
                .asText()).isEqualTo(TEMPLATE);
    }

    @Test
    void aTemplateThatDoesNotRenderIsRefusedAndNothingChanges() throws Exception {
        Path model = folder();
        byte[] before = Files.readAllBytes(model.resolve("tokenizer_config.json"));
        CliTest.Result r = CliTest.run("model", "set-chat-template", model.toString(), "--template",
                "{% if messages[0].role != 'system' %}{{ raise_exception('a system message comes first') }}{% endif %}");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("does not render").contains("a system message comes first");
        assertThat(Files.readAllBytes(model.resolve("tokenizer_config.json"))).isEqualTo(before);

        CliTest.Result none = CliTest.run("model", "set-chat-template", model.toString(), "--from",
                PipelineCliTest.MINILM.toString());
        assertThat(none.code()).isEqualTo(2);
        assertThat(none.err()).contains("has no chat_template");
    }

    @Test
    void aTrainedTokenizerCarriesTheChatTemplateItWasGiven() throws Exception {
        Path text = dir.resolve("text.txt");
        Files.writeString(text, "the cat sat on the mat\nthe dog sat on the log\n".repeat(20));
        Path template = dir.resolve("chat.jinja");
        Files.writeString(template, TEMPLATE);
        CliTest.Result r = CliTest.run("tokenizer", "train", "--input", text.toString(), "--vocab-size", "270",
                "--out", dir.resolve("tok").toString(), "--chat-template", template.toString());
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode config = Json.MAPPER.readTree(dir.resolve("tok/tokenizer_config.json").toFile());
        assertThat(config.path("chat_template").asText()).isEqualTo(TEMPLATE);
        assertThat(config.path("eos_token").asText()).isEqualTo("<|endoftext|>");

        Files.writeString(template, "{% for m in messages %}{{ m.content }");
        CliTest.Result broken = CliTest.run("tokenizer", "train", "--input", text.toString(), "--vocab-size", "270",
                "--out", dir.resolve("tok2").toString(), "--chat-template", template.toString());
        assertThat(broken.code()).isEqualTo(2);
        assertThat(broken.err()).contains("does not render");
        assertThat(dir.resolve("tok2/tokenizer.json")).doesNotExist(); // refused before training
    }

    @Test
    void convertWritesTheWeightsInBf16AndRefusesAnUnknownDtype() throws Exception {
        Path source = dir.resolve("fp32");
        float[] weights;
        float[] roundedToBf16;
        try (Model model = ModelFixtures.byteNeoX(3); PointerScope scope = new PointerScope()) {
            ModelFolder.save(model, "byte", source, ModelFolder.DEFAULT_SHARD_BYTES, "a tiny model");
            Tensor head = model.parameters().get("embed_out.weight");
            weights = Tensors.toFloats(head);
            roundedToBf16 = Tensors.toFloats(head.to(torch.ScalarType.BFloat16).to(torch.ScalarType.Float));
        }
        Path out = dir.resolve("bf16");
        CliTest.Result r = CliTest.run("model", "convert", source.toString(), "--dtype", "bf16", "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(Json.MAPPER.readTree(out.resolve("config.json").toFile()).path("torch_dtype").asText())
                .isEqualTo("bfloat16");
        long fp32Bytes = Files.size(source.resolve("model.safetensors"));
        assertThat(Files.size(out.resolve("model.safetensors"))).isLessThan(fp32Bytes * 6 / 10);
        try (ModelFolder.Loaded loaded = ModelFolder.load(out, DType.F32); PointerScope scope = new PointerScope()) {
            float[] converted = Tensors.toFloats(loaded.model().parameters().get("embed_out.weight"));
            assertThat(converted).isEqualTo(roundedToBf16).isNotEqualTo(weights);
        }

        CliTest.Result bad = CliTest.run("model", "convert", source.toString(), "--dtype", "int4", "--out",
                dir.resolve("x").toString());
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("--dtype: 'int4' is not one of bf16, fp16, fp32");
    }
}

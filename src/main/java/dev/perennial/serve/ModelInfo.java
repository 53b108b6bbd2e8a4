package dev.perennial.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.hub.Memory;
import dev.perennial.io.Hashing;
import dev.perennial.io.Json;
import dev.perennial.model.ModelConfig;
import dev.perennial.model.ModelConfigs;
import dev.perennial.run.RunFolder;
import dev.perennial.tensor.Safetensors;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * What a model folder is, without loading its weights: architecture and sizes from config.json, the parameter
 * count from the safetensors headers, the tokenizer, the lineage a Perennial run wrote (lineage.json in final/,
 * state.json in a checkpoint), and the memory needed to run and to train it.
 */
final class ModelInfo {

    private ModelInfo() {
    }

    static ObjectNode describe(Catalog.Entry model) {
        Path dir = model.dir();
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("id", model.name());
        OpenAiApi.describeUse(out, model);
        if (model.isPipelineModel()) {
            out.put("architecture", model.modelType()); // an encoder: the pipeline reads its config when it loads
        } else {
            describeLanguageModel(out, dir);
        }
        long parameters = parameters(dir);
        out.put("parameters", parameters);
        Memory memory = new Memory(parameters);
        ObjectNode needs = out.putObject("memory");
        needs.put("run_fp32", memory.runFp32());
        needs.put("run_bf16", memory.runBf16());
        needs.put("train_fp32", memory.trainFp32());
        needs.put("train_bf16", memory.trainBf16());
        needs.put("run_fp32_text", Memory.human(memory.runFp32()));
        needs.put("train_fp32_text", Memory.human(memory.trainFp32()));
        out.set("tokenizer", tokenizer(dir));
        out.put("kind", kind(dir));
        out.set("lineage", readJson(RunFolder.lineageFile(dir)));
        out.set("checkpoint_state", readJson(RunFolder.stateFile(dir)));
        return out;
    }

    private static void describeLanguageModel(ObjectNode out, Path dir) {
        try {
            ModelConfig config = ModelConfigs.read(dir.resolve("config.json"));
            out.put("architecture", config.modelType());
            out.put("vocab_size", config.vocabSize());
            out.put("hidden_size", config.hiddenSize());
            out.put("layers", config.layers());
            out.put("heads", config.heads());
            out.put("kv_heads", config.kvHeads());
            out.put("max_positions", config.maxPositions());
        } catch (RuntimeException e) {
            out.put("error", e.getMessage()); // listed, but marked as not loadable
        }
    }

    private static String kind(Path dir) {
        if (RunFolder.isFinalModel(dir)) {
            return "final model";
        }
        if (RunFolder.isCheckpoint(dir)) {
            return "checkpoint";
        }
        return "model folder";
    }

    /** The parameters in the folder's safetensors files (from their headers); -1 when they cannot be read. */
    static long parameters(Path dir) {
        try (var files = Files.list(dir)) {
            long total = 0;
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".safetensors"))
                    .collect(Collectors.toCollection(TreeSet::new))) {
                total += Safetensors.header(file).values().stream().mapToLong(Safetensors.Entry::numel).sum();
            }
            return total;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            return -1;
        }
    }

    private static ObjectNode tokenizer(Path dir) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        Path file = dir.resolve("tokenizer.json");
        out.put("present", Files.isRegularFile(file));
        if (Files.isRegularFile(file)) {
            out.put("sha256", Hashing.sha256(file));
        }
        JsonNode config = readJson(dir.resolve("tokenizer_config.json"));
        if (config != null) {
            out.put("class", config.path("tokenizer_class").asText(""));
            out.put("chat_template", config.hasNonNull("chat_template"));
        }
        return out;
    }

    static JsonNode readJson(Path file) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            return Json.MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            return null;
        }
    }
}

package dev.perennial.checkpoint;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perennial.UserError;
import dev.perennial.io.AtomicFiles;
import dev.perennial.io.Json;
import dev.perennial.model.GptNeoXConfig;
import dev.perennial.model.LlamaConfig;
import dev.perennial.model.Model;
import dev.perennial.model.ModelConfig;
import dev.perennial.model.ModelConfigs;
import dev.perennial.model.WeightFiles;
import dev.perennial.tensor.DType;
import dev.perennial.tensor.Safetensors;
import dev.perennial.tokenizer.ByteTokenizer;
import dev.perennial.tokenizer.HfTokenizer;
import org.bytedeco.pytorch.global.torch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * A Hugging Face model folder: config.json, the weights as safetensors (sharded above a size, with an index),
 * tokenizer.json with tokenizer_config.json, generation_config.json and a model card (README.md). Loading checks
 * that the tokenizer and the model agree on the vocabulary before anything runs. Weights are not copied on load:
 * they view private (copy-on-write) mappings of the safetensors files.
 */
public final class ModelFolder {

    /** Hugging Face's default shard size for save_pretrained. */
    public static final long DEFAULT_SHARD_BYTES = 5_000_000_000L;
    private static final List<String> TOKENIZER_FILES =
            List.of("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json");
    /** A loaded folder: the model and its tokenizer. Close it to free both. */
    public record Loaded(Path dir, Model model, HfTokenizer tokenizer) implements AutoCloseable {
        @Override
        public void close() {
            model.close();
            tokenizer.close();
        }
    }

    private ModelFolder() {
    }

    /**
     * Writes {@code model} into {@code dir} with the tokenizer found at {@code tokenizer} ("byte" or a folder or
     * file of tokenizer.json); files are written atomically, one by one.
     */
    public static void save(Model model, String tokenizer, Path dir, long maxShardBytes, String cardText) {
        try {
            Files.createDirectories(dir);
            writeTokenizer(tokenizer, dir);
            ModelConfig config = model.config();
            try (HfTokenizer saved = HfTokenizer.load(dir)) {
                ObjectNode json = ModelConfigs.complete(config, saved.eosId());
                json.putArray("architectures").add(className(config));
                json.put("torch_dtype", dtypeName(model.dtype()));
                byte[] configBytes = Json.FILE.writeValueAsBytes(json);
                AtomicFiles.write(dir.resolve("config.json"), out -> out.write(configBytes));
                Safetensors.writeSharded(dir, model.parameters(), maxShardBytes);
                ObjectNode generation = Json.MAPPER.createObjectNode();
                if (saved.eosId() >= 0) {
                    generation.put("eos_token_id", saved.eosId());
                }
                generation.put("do_sample", false);
                byte[] generationBytes = Json.FILE.writeValueAsBytes(generation);
                AtomicFiles.write(dir.resolve("generation_config.json"), out -> out.write(generationBytes));
                AtomicFiles.writeString(dir.resolve("README.md"), card(model, tokenizerLabel(tokenizer), saved.hash(),
                        cardText));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeTokenizer(String tokenizer, Path dir) throws IOException {
        if (ByteTokenizer.NAME.equals(tokenizer)) {
            ByteTokenizer.writeFiles(dir);
            return;
        }
        Path source = Path.of(tokenizer);
        Path sourceDir = Files.isDirectory(source) ? source : source.toAbsolutePath().getParent();
        if (!Files.isRegularFile(sourceDir.resolve("tokenizer.json"))) {
            throw new UserError(tokenizer + ": no tokenizer.json to save with the model");
        }
        if (sourceDir.toAbsolutePath().normalize().equals(dir.toAbsolutePath().normalize())) {
            return;
        }
        for (String name : TOKENIZER_FILES) {
            Path file = sourceDir.resolve(name);
            if (Files.isRegularFile(file)) {
                byte[] bytes = Files.readAllBytes(file);
                AtomicFiles.write(dir.resolve(name), out -> out.write(bytes));
            }
        }
    }

    /**
     * Sets the Jinja {@code chat_template} of the folder's tokenizer_config.json (written atomically; the file's other
     * keys are kept, and it is created when missing), as transformers' {@code tokenizer.chat_template = ...;
     * save_pretrained} does.
     */
    public static void setChatTemplate(Path dir, String template) {
        Path file = dir.resolve("tokenizer_config.json");
        if (!Files.isRegularFile(dir.resolve("tokenizer.json"))) {
            throw new UserError(dir + ": no tokenizer.json; a chat template belongs to a model folder's tokenizer");
        }
        ObjectNode config;
        try {
            config = Files.isRegularFile(file) ? (ObjectNode) Json.MAPPER.readTree(file.toFile())
                    : Json.MAPPER.createObjectNode();
        } catch (IOException | ClassCastException e) {
            throw new UserError(file + ": not a JSON object (" + e.getMessage() + ")", e);
        }
        config.put("chat_template", template);
        try {
            byte[] bytes = Json.FILE.writeValueAsBytes(config);
            AtomicFiles.write(file, out -> out.write(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The bos and eos tokens of a folder's tokenizer_config.json ("" where absent). */
    public static String[] specialTokens(Path dir) {
        Path file = dir.resolve("tokenizer_config.json");
        String bos = HfTokenizer.configToken(file, "bos_token");
        String eos = HfTokenizer.configToken(file, "eos_token");
        return new String[] {bos == null ? "" : bos, eos == null ? "" : eos};
    }

    /** Loads a model folder as {@code dtype}; refuses a tokenizer whose ids do not fit the model's vocabulary. */
    public static Loaded load(Path dir, DType precision) {
        torch.ScalarType dtype = precision.scalarType();
        if (!Files.isDirectory(dir)) {
            throw new UserError(dir + ": no such model folder");
        }
        Path configFile = dir.resolve("config.json");
        if (!Files.isRegularFile(configFile)) {
            throw new UserError(dir + ": no config.json; a Hugging Face model folder holds config.json, the "
                    + "safetensors weights and tokenizer.json");
        }
        ModelConfig config = ModelConfigs.read(configFile);
        HfTokenizer tokenizer = HfTokenizer.load(dir);
        if (tokenizer.vocabSize() > config.vocabSize()) {
            tokenizer.close();
            throw new UserError(dir + ": tokenizer.json has " + tokenizer.vocabSize() + " tokens but config.json's "
                    + "vocab_size is " + config.vocabSize() + "; the tokenizer does not belong to this model");
        }
        Safetensors.Mapped mapped = null;
        try {
            requireWeightsPresent(dir, config);
            mapped = WeightFiles.map(dir, dtype);
            Model model = Model.fromTensors(config, mapped.tensors(), dtype, dir.toString(), mapped);
            return new Loaded(dir, model, tokenizer);
        } catch (RuntimeException e) {
            if (mapped != null) {
                mapped.close();
            }
            tokenizer.close();
            throw e;
        }
    }

    /** The fewest bytes a weight takes in the float types a checkpoint may hold (F16, BF16). */
    private static final int MIN_WEIGHT_BYTES = 2;

    /**
     * A config.json whose parameters need more bytes than the folder's safetensors hold cannot match them: refuse
     * it from the file sizes, before mapping anything or counting on the machine's memory.
     */
    private static void requireWeightsPresent(Path dir, ModelConfig config) {
        long present = Safetensors.folderBytes(dir);
        double needed = (double) config.parameterCount() * MIN_WEIGHT_BYTES;
        if (needed > present) {
            throw new UserError(dir.resolve("config.json") + ": " + ModelConfigs.sizeKeys(config) + " make "
                    + String.format(Locale.ROOT, "%,d", config.parameterCount()) + " parameters, at least "
                    + String.format(Locale.ROOT, "%,.0f", needed) + " bytes, but the folder's safetensors hold "
                    + String.format(Locale.ROOT, "%,d", present) + "; config.json does not describe these weights");
        }
    }

    private static String className(ModelConfig config) {
        return switch (config) {
            case GptNeoXConfig c -> "GPTNeoXForCausalLM";
            case LlamaConfig c -> switch (c.modelType()) {
                case "mistral" -> "MistralForCausalLM";
                case "qwen2" -> "Qwen2ForCausalLM";
                default -> "LlamaForCausalLM";
            };
        };
    }

    private static String dtypeName(torch.ScalarType dtype) {
        return switch (dtype.name()) {
            case "Double" -> "float64";
            case "BFloat16" -> "bfloat16";
            case "Half" -> "float16";
            default -> "float32";
        };
    }

    /**
     * The tokenizer as the card names it: where it came from, not the folder it was copied into (a checkpoint is
     * written into a temporary folder first).
     */
    private static String tokenizerLabel(String tokenizer) {
        if (ByteTokenizer.NAME.equals(tokenizer)) {
            return "byte-level (UTF-8 bytes, id 256 = end of text)";
        }
        Path source = Path.of(tokenizer).toAbsolutePath().normalize();
        return "the tokenizer.json of " + (Files.isDirectory(source) ? source : source.getParent());
    }

    private static String card(Model model, String tokenizer, String tokenizerHash, String text) {
        ModelConfig c = model.config();
        return String.format(Locale.ROOT, """
                ---
                library_name: transformers
                tags:
                - perennial
                - continual-pretraining
                ---
                # %s model trained with Perennial

                A %s causal language model with %,d parameters (%d layers, hidden size %d, %d attention heads, \
                vocabulary %,d), saved by Perennial in the Hugging Face format. Tokenizer: %s (sha256 %s).

                %s
                """, className(c), c.modelType(), model.parameterCount(), c.layers(), c.hiddenSize(), c.heads(),
                c.vocabSize(), tokenizer, tokenizerHash, text == null ? "" : text).strip() + "\n";
    }
}

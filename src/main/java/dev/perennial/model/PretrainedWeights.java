package dev.perennial.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perennial.UserError;
import dev.perennial.io.Json;
import dev.perennial.tensor.Safetensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * The weights of a pretrained model that is used, not trained (the pipelines' encoders): a folder's safetensors
 * viewed without copying, renamed to the family's names, checked against its declaration (exactly the declared
 * tensors with their shapes, apart from buffers and heads the family ignores) and converted to one dtype. Create
 * and close it outside any step's PointerScope; it owns the mapping its tensors view.
 */
public final class PretrainedWeights implements AutoCloseable {

    private final Map<String, Tensor> tensors;
    private final Safetensors.Mapped mapped;

    private PretrainedWeights(Map<String, Tensor> tensors, Safetensors.Mapped mapped) {
        this.tensors = Collections.unmodifiableMap(tensors);
        this.mapped = mapped;
    }

    /**
     * {@code dir}'s config.json, refusing a folder that is not there or has none; {@code family} names the model in
     * the message ("CLIP", "CLAP").
     */
    static Path configFile(Path dir, String family) {
        if (!Files.isDirectory(dir)) {
            throw new UserError(dir + ": no such model folder");
        }
        Path configFile = dir.resolve("config.json");
        if (!Files.isRegularFile(configFile)) {
            throw new UserError(configFile + ": no such file; a " + family + " model folder holds config.json and "
                    + "model.safetensors");
        }
        return configFile;
    }

    /**
     * Loads {@code dir}'s safetensors as {@code dtype}. {@code rename} maps a checkpoint name to the family's (for
     * example strips a "bert." prefix); names for which {@code ignorable} holds after renaming are dropped.
     */
    static PretrainedWeights load(Path dir, Map<String, long[]> shapes, UnaryOperator<String> rename,
                                  Predicate<String> ignorable, torch.ScalarType dtype, String modelType) {
        if (!Files.isDirectory(dir)) {
            throw new UserError(dir + ": no such model folder");
        }
        Safetensors.Mapped mapped = WeightFiles.map(dir, dtype);
        try {
            Map<String, Tensor> renamed = new LinkedHashMap<>();
            mapped.tensors().forEach((name, t) -> renamed.put(rename.apply(name), t));
            WeightCheck.refuseMismatches(shapes, renamed, ignorable, modelType, dir.toString());
            Map<String, Tensor> params = new LinkedHashMap<>();
            for (String name : shapes.keySet()) {
                Tensor t = renamed.get(name);
                params.put(name, t.scalar_type().value == dtype.value ? t : t.to(dtype));
            }
            return new PretrainedWeights(params, mapped);
        } catch (RuntimeException e) {
            mapped.close();
            throw e;
        }
    }

    /**
     * Writes {@code dir}/model.safetensors with random fp32 weights of the shapes {@code dir}/config.json declares
     * (model_type bert, roberta, xlm-roberta, clip, clap or blip), initialised as transformers' _init_weights does:
     * N(0, 0.02) for matrices and embeddings, LayerNorm weights (and CLAP's batch norm statistics) 1, biases 0, the
     * logit scales their init value. For benchmarks at real shapes without downloading a checkpoint; the same seed
     * gives the same file.
     */
    public static void writeRandom(Path dir, long seed) {
        Path configFile = dir.resolve("config.json");
        String type;
        try {
            JsonNode json = Json.MAPPER.readTree(configFile.toFile());
            type = json.path("model_type").asText("");
        } catch (IOException e) {
            throw new UserError(configFile + ": cannot be read (" + e.getMessage() + ")", e);
        }
        Map<String, long[]> shapes;
        double logitScale = 0;
        if (BertConfig.MODEL_TYPES.contains(type)) {
            shapes = BertEncoder.shapes(BertConfig.read(configFile));
        } else if (type.equals(ClipConfig.MODEL_TYPE)) {
            ClipConfig config = ClipConfig.read(configFile);
            shapes = ClipModel.shapes(config);
            logitScale = config.logitScaleInit();
        } else if (type.equals(ClapModelConfig.MODEL_TYPE)) {
            ClapModelConfig config = ClapModelConfig.read(configFile);
            shapes = ClapModel.shapes(config);
            logitScale = Math.log(config.logitScaleInit()); // ClapModel.__init__: log(logit_scale_init_value)
        } else if (type.equals(BlipConfig.MODEL_TYPE)) {
            shapes = BlipModel.shapes(BlipConfig.read(configFile));
        } else {
            throw new UserError(configFile + ": model_type '" + type + "' has no random weights here; the models "
                    + "are " + String.join(", ", BertConfig.MODEL_TYPES) + ", " + ClipConfig.MODEL_TYPE + ", "
                    + ClapModelConfig.MODEL_TYPE + " and " + BlipConfig.MODEL_TYPE);
        }
        try (PointerScope scope = new PointerScope()) {
            torch.manual_seed(seed);
            TensorOptions options = new TensorOptions(torch.ScalarType.Float);
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (Map.Entry<String, long[]> e : shapes.entrySet()) {
                String name = e.getKey();
                Tensor t = torch.empty(e.getValue(), options, new MemoryFormatOptional());
                String lower = name.toLowerCase(java.util.Locale.ROOT);
                if (name.equals("logit_scale") || name.startsWith("logit_scale_")) {
                    t.fill_(new Scalar(logitScale));
                } else if (name.endsWith("bias")) {
                    t.zero_();
                } else if (e.getValue().length == 1 && lower.contains("norm")) {
                    t.fill_(new Scalar(1.0));
                } else {
                    t.normal_(0, 0.02, new GeneratorOptional());
                }
                tensors.put(name, t);
            }
            Safetensors.write(dir.resolve("model.safetensors"), tensors);
        }
    }

    /**
     * The model that {@code build} makes of these weights, handed out by their declaration; the weights are freed
     * if building fails, and owned by the model otherwise.
     */
    <M> M bind(java.util.function.BiFunction<PretrainedWeights, Parameters, M> build) {
        try {
            return build.apply(this, Parameters.boundTo(tensors));
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The declared tensors by the family's names, in declaration order. */
    Map<String, Tensor> tensors() {
        return tensors;
    }

    @Override
    public void close() {
        mapped.close();
    }
}

package dev.perennial.model;

import dev.perennial.UserError;
import dev.perennial.tensor.Safetensors;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

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
final class PretrainedWeights implements AutoCloseable {

    private final Map<String, Tensor> tensors;
    private final Safetensors.Mapped mapped;

    private PretrainedWeights(Map<String, Tensor> tensors, Safetensors.Mapped mapped) {
        this.tensors = Collections.unmodifiableMap(tensors);
        this.mapped = mapped;
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
        Safetensors.Mapped mapped = Safetensors.mapFolder(dir, dtype);
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

    /** The declared tensors by the family's names, in declaration order. */
    Map<String, Tensor> tensors() {
        return tensors;
    }

    @Override
    public void close() {
        mapped.close();
    }
}

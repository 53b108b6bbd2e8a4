package dev.perennial.model;

import org.bytedeco.pytorch.Tensor;

import java.util.Map;

/**
 * A model family: its Hugging Face parameter names and shapes (declared once, as typed weights: see
 * {@link Parameters}), its initialisation, and its forward pass over bound weights.
 */
sealed interface Architecture permits GptNeoX, Llama {

    ModelConfig config();

    /** Runs the family's declaration of its parameters over {@code p}. */
    void declare(Parameters p);

    /** Parameter names (exactly as in Hugging Face checkpoints) and shapes, in checkpoint order. */
    default Map<String, long[]> shapes() {
        Parameters.Shapes shapes = Parameters.shapes();
        declare(shapes);
        return shapes.toMap();
    }

    /** Learned parameters (Long.MAX_VALUE if more than a long holds), without keeping the shapes. */
    default long parameterCount() {
        Parameters.Count count = Parameters.count();
        declare(count);
        return count.total();
    }

    /** Initialises freshly allocated parameters for training from scratch; torch's generator is seeded already. */
    void initialise(Map<String, Tensor> params);

    /** The forward pass over {@code params} (every name of {@link #shapes()}), bound once into typed weights. */
    Forward bind(Map<String, Tensor> params);

    /** Logits [B, T, V] for ids [B, T]; with a cache, positions continue after what it holds, and it is extended. */
    @FunctionalInterface
    interface Forward {
        Tensor logits(Tensor ids, KvCache cache);
    }

    static Architecture of(ModelConfig config) {
        return switch (config) {
            case GptNeoXConfig neox -> new GptNeoX(neox);
            case LlamaConfig llama -> new Llama(llama);
        };
    }
}

package dev.perennial.model;

import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

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

    /**
     * The forward pass in the pieces a family defines: the embedding, one decoder layer, and the final norm with
     * the head. {@link #logits} composes them, and training with activation checkpointing ({@link CheckpointedLoss})
     * runs them one at a time, so the two paths share every line of layer math.
     */
    interface Forward {

        ModelConfig config();

        /** Hidden states [B, T, D] of ids [B, T]. */
        Tensor embed(Tensor ids);

        /** Decoder layer {@code i} over hidden states x [B, T, D]; with a cache, it appends its keys and values. */
        Tensor layer(int i, Tensor x, Positions positions, KvCache cache);

        /** Logits [B, T, V] of the last layer's hidden states: the final norm, then the output projection. */
        Tensor head(Tensor x);

        /** Where the T new tokens sit (after what the cache holds, or from 0 without one), on {@code device}. */
        default Positions positions(KvCache cache, long t, torch.ScalarType dtype, Device device) {
            return Positions.of(config().rope(), cache, t, dtype, device);
        }

        /** Logits [B, T, V] for ids [B, T]; with a cache, positions continue after what it holds, which grows. */
        default Tensor logits(Tensor ids, KvCache cache) {
            long t = ids.size(1);
            Tensor x = embed(ids);
            Positions positions = positions(cache, t, x.scalar_type(), x.device());
            for (int i = 0; i < config().layers(); i++) {
                x = layer(i, x, positions, cache);
            }
            if (cache != null) {
                cache.advance((int) t);
            }
            return head(x);
        }
    }

    static Architecture of(ModelConfig config) {
        return switch (config) {
            case GptNeoXConfig neox -> new GptNeoX(neox);
            case LlamaConfig llama -> new Llama(llama);
        };
    }
}

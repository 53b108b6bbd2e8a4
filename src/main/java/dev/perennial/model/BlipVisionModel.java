package dev.perennial.model;

import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

import java.util.Arrays;
import java.util.List;

/**
 * BLIP's ViT as transformers' BlipVisionModel computes its last_hidden_state, the image_embeds every BLIP head reads
 * (modeling_blip.py): a patch convolution with bias, the class token first, learned positions, pre-LN layers
 * ({@link VitLayer}: one fused qkv projection, GELU MLP) and post_layernorm over every position. Unlike CLIP's tower
 * there is no LayerNorm before the layers. Its weights belong to the {@link BlipModel} that declared them.
 */
final class BlipVisionModel {

    /** BlipVisionModel under {@code vision_model.}. */
    record Weights(Tensor classEmbedding, Tensor patchEmbedding, Tensor patchBias, Tensor positionEmbedding,
                   List<VitLayer> layers, LayerNormWeights postNorm) {

        static Weights declare(Parameters p, ClipConfig.Vision c) {
            long d = c.hiddenSize();
            return new Weights(
                    p.required("embeddings.class_embedding", 1, 1, d),
                    p.required("embeddings.patch_embedding.weight", d, c.numChannels(), c.patchSize(), c.patchSize()),
                    p.required("embeddings.patch_embedding.bias", d),
                    p.required("embeddings.position_embedding", 1, c.positions(), d),
                    Parameters.layers(c.layers(), i -> VitLayer.declare(p, "encoder.layers." + i + ".", d,
                            c.intermediateSize())),
                    LayerNormWeights.declare(p, "post_layernorm", d));
        }
    }

    private final ClipConfig.Vision config;
    private final Weights w;

    BlipVisionModel(ClipConfig.Vision config, Weights w) {
        this.config = config;
        this.w = w;
    }

    /** image_embeds [B, 1 + patches, D] of pixel values [B, C, S, S] (S = image_size), in the weights' dtype. */
    Tensor imageEmbeds(Tensor pixelValues) {
        long[] shape = pixelValues.sizes().vec().get();
        if (shape.length != 4 || shape[0] < 1 || shape[1] != config.numChannels() || shape[2] != config.imageSize()
                || shape[3] != config.imageSize()) {
            throw new IllegalArgumentException("pixel values have shape " + Arrays.toString(shape) + "; BLIP's "
                    + "vision model takes [batch, " + config.numChannels() + ", " + config.imageSize() + ", "
                    + config.imageSize() + "]");
        }
        try (NoGradGuard guard = new NoGradGuard()) {
            torch.ScalarType dtype = w.patchEmbedding().scalar_type();
            Tensor pixels = pixelValues.scalar_type().value == dtype.value ? pixelValues : pixelValues.to(dtype);
            long b = shape[0];
            long d = config.hiddenSize();
            long p = config.patchSize();
            Tensor patches = torch.conv2d(pixels, w.patchEmbedding(), new TensorOptional(w.patchBias()),
                    new long[] {p, p}, new long[] {0, 0}, new long[] {1, 1}, 1).flatten(2, 3).transpose(1, 2);
            Tensor x = torch.cat(new TensorVector(w.classEmbedding().expand(b, 1, d), patches), 1)
                    .add(w.positionEmbedding());
            for (VitLayer layer : w.layers()) {
                x = layer.forward(x, config.heads(), config.activation(), config.layerNormEps());
            }
            return w.postNorm().apply(x, config.layerNormEps());
        }
    }
}

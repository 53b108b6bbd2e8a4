package dev.perennial.model;

import org.bytedeco.pytorch.Tensor;

/** A LayerNorm's weight and bias, declared under {@code at}.weight and {@code at}.bias (BART, DETR, VITS). */
record LayerNormWeights(Tensor weight, Tensor bias) {

    static LayerNormWeights declare(Parameters p, String at, long d) {
        return new LayerNormWeights(p.required(at + ".weight", d), p.required(at + ".bias", d));
    }

    /** LayerNorm over the last dimension of {@code x}. */
    Tensor apply(Tensor x, double eps) {
        return Layers.layerNorm(x, weight, bias, eps);
    }

    /** LayerNorm over the channels of [B, C, T] (VITS's convolutional layers). */
    Tensor channels(Tensor x, double eps) {
        return apply(x.transpose(1, 2), eps).transpose(1, 2);
    }
}

package dev.perennial.model;

import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/**
 * BLIP's text decoder as transformers' BlipTextLMHeadModel runs it in generate (modeling_blip_text.py): the
 * {@link BlipTextModel} as a causal decoder cross-attending what it decodes from (the image for captions, the
 * question's states for answers), then cls.predictions (dense, the activation, LayerNorm, the word embeddings as
 * the tied decoder, plus bias). It is an {@link EncoderDecoder} whose "encoded" input is that state, so the shared
 * greedy and beam search drive it. Its weights belong to the {@link BlipModel} that declared them.
 */
final class BlipTextDecoder implements EncoderDecoder {

    /** BlipTextLMHeadModel under {@code text_decoder.}: bert, then cls.predictions (its decoder is tied). */
    record Weights(BlipTextModel.Weights bert, Tensor bias, Tensor transform, Tensor transformBias,
                   LayerNormWeights transformNorm) {

        static Weights declare(Parameters p, BlipConfig.Text c) {
            long d = c.hiddenSize();
            BlipTextModel.Weights bert = BlipTextModel.Weights.declare(p.under("bert."), c);
            return new Weights(bert, p.required("cls.predictions.bias", c.vocabSize()),
                    p.required("cls.predictions.transform.dense.weight", d, d),
                    p.required("cls.predictions.transform.dense.bias", d),
                    LayerNormWeights.declare(p, "cls.predictions.transform.LayerNorm", d));
        }
    }

    private final BlipTextModel bert;
    private final Weights w;

    BlipTextDecoder(BlipConfig.Text config, Weights w) {
        this.bert = new BlipTextModel(config, w.bert());
        this.w = w;
    }

    @Override
    public DecoderCache newCache(Tensor encoded, Tensor mask, int rowsPerInput, int capacity) {
        BlipConfig.Text c = bert.config();
        if (capacity < 1 || capacity > c.maxPositions()) {
            throw new IllegalArgumentException("a decoder cache of " + capacity + " tokens; BLIP's text decoder has "
                    + c.maxPositions() + " positions (max_position_embeddings)");
        }
        try (NoGradGuard guard = new NoGradGuard()) {
            int layers = c.layers();
            Tensor[] keys = new Tensor[layers];
            Tensor[] values = new Tensor[layers];
            for (int i = 0; i < layers; i++) {
                Tensor[] kv = bert.crossKeysValues(bert.w.layers().get(i), encoded);
                keys[i] = Layers.repeatRows(kv[0], rowsPerInput);
                values[i] = Layers.repeatRows(kv[1], rowsPerInput);
            }
            Tensor crossMask = mask == null ? null : mask.repeat_interleave(rowsPerInput, new LongOptional(0),
                    new LongOptional()).ne(new Scalar(0)).view(mask.size(0) * rowsPerInput, 1, 1, mask.size(1));
            return new DecoderCache(keys, values, crossMask, c.heads(), c.headDim(), capacity);
        }
    }

    @Override
    public Tensor decode(Tensor ids, DecoderCache cache) {
        int tokens = cache.requireRoom(ids);
        int past = cache.length();
        bert.checkIds(ids, past);
        try (NoGradGuard guard = new NoGradGuard()) {
            Tensor x = bert.embed(ids, past);
            for (int i = 0; i < bert.w.layers().size(); i++) {
                BlipTextModel.Layer l = bert.w.layers().get(i);
                Tensor[] qkv = bert.selfProjections(l.self(), x);
                cache.selfKeys[i].narrow(2, past, tokens).copy_(qkv[1]);
                cache.selfValues[i].narrow(2, past, tokens).copy_(qkv[2]);
                Tensor attended = Layers.attention(qkv[0], cache.selfKeys[i].narrow(2, 0, past + tokens),
                        cache.selfValues[i].narrow(2, 0, past + tokens), null);
                x = l.self().output(attended, x, bert.config().layerNormEps());
                x = bert.crossAttend(l, x, cache.crossKeys[i], cache.crossValues[i], cache.crossMask);
                x = bert.mlp(l, x);
            }
            cache.advance(tokens);
            Tensor h = w.transformNorm().apply(bert.config().activation().apply(
                    Layers.linear(x, w.transform(), w.transformBias())), bert.config().layerNormEps());
            return Layers.linear(h, w.bert().words(), w.bias());
        }
    }

    @Override
    public int maxDecoderPositions() {
        return bert.config().maxPositions();
    }
}

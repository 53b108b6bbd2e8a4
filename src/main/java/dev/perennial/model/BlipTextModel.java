package dev.perennial.model;

import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

import java.util.Arrays;
import java.util.List;

/**
 * BLIP's BERT-style text model as transformers' BlipTextModel computes it (modeling_blip_text.py): word and position
 * embeddings and a LayerNorm (no token types), then post-LN layers of self-attention, cross-attention into what an
 * encoder gave (the image, or for answers the question's states) and the MLP. As an encoder ({@link #encode}) it sees
 * every token, padding hidden; as a decoder ({@link BlipTextDecoder}) it is causal over a {@link DecoderCache}.
 * Padding and the causal rule are boolean masks here where transformers adds -10000: the same softmax, since
 * exp(-10000) is 0 in float32. Its weights belong to the {@link BlipModel} that declared them.
 */
final class BlipTextModel {

    /** BlipTextAttention: self (query, key, value; key and value of width {@code source}) and output. */
    record Attention(Tensor query, Tensor queryBias, Tensor key, Tensor keyBias, Tensor value, Tensor valueBias,
                     Tensor dense, Tensor denseBias, LayerNormWeights norm) {

        static Attention declare(Parameters p, String at, long d, long source) {
            return new Attention(p.required(at + "self.query.weight", d, d), p.required(at + "self.query.bias", d),
                    p.required(at + "self.key.weight", d, source), p.required(at + "self.key.bias", d),
                    p.required(at + "self.value.weight", d, source), p.required(at + "self.value.bias", d),
                    p.required(at + "output.dense.weight", d, d), p.required(at + "output.dense.bias", d),
                    LayerNormWeights.declare(p, at + "output.LayerNorm", d));
        }

        /** output.LayerNorm(output.dense(attended) + x): BlipTextSelfOutput. */
        Tensor output(Tensor attended, Tensor x, double eps) {
            return norm.apply(Layers.linear(Layers.merge(attended), dense, denseBias).add(x), eps);
        }
    }

    /** BlipTextLayer (is_decoder: every layer has its crossattention). */
    record Layer(Attention self, Attention cross, Tensor intermediate, Tensor intermediateBias, Tensor output,
                 Tensor outputBias, LayerNormWeights outputNorm) {

        static Layer declare(Parameters p, String at, BlipConfig.Text c) {
            long d = c.hiddenSize();
            long ff = c.intermediateSize();
            return new Layer(Attention.declare(p, at + "attention.", d, d),
                    Attention.declare(p, at + "crossattention.", d, c.encoderHiddenSize()),
                    p.required(at + "intermediate.dense.weight", ff, d), p.required(at + "intermediate.dense.bias", ff),
                    p.required(at + "output.dense.weight", d, ff), p.required(at + "output.dense.bias", d),
                    LayerNormWeights.declare(p, at + "output.LayerNorm", d));
        }
    }

    /** BlipTextModel without a pooler (add_pooling_layer=False, as every BLIP head builds it). */
    record Weights(Tensor words, Tensor positions, LayerNormWeights embeddingNorm, List<Layer> layers) {

        static Weights declare(Parameters p, BlipConfig.Text c) {
            long d = c.hiddenSize();
            return new Weights(p.required("embeddings.word_embeddings.weight", c.vocabSize(), d),
                    p.required("embeddings.position_embeddings.weight", c.maxPositions(), d),
                    LayerNormWeights.declare(p, "embeddings.LayerNorm", d),
                    Parameters.layers(c.layers(), i -> Layer.declare(p, "encoder.layer." + i + ".", c)));
        }
    }

    private final BlipConfig.Text config;
    final Weights w;

    BlipTextModel(BlipConfig.Text config, Weights w) {
        this.config = config;
        this.w = w;
    }

    BlipConfig.Text config() {
        return config;
    }

    /**
     * The last hidden state [B, T, D] of token ids [B, T] (int64) with their attention mask [B, T] (1 = a token, 0 =
     * padding; null: none padded), every token seeing every unpadded one, and cross-attending {@code encoded}
     * [B, S, encoder_hidden_size] when it is not null (BlipTextModel.forward, is_decoder False).
     */
    Tensor encode(Tensor ids, Tensor mask, Tensor encoded) {
        checkIds(ids, 0);
        try (NoGradGuard guard = new NoGradGuard()) {
            long b = ids.size(0);
            long t = ids.size(1);
            Tensor visible = mask == null ? null : mask.ne(new Scalar(0)).view(b, 1, 1, t);
            Tensor x = embed(ids, 0);
            for (Layer l : w.layers()) {
                Tensor[] qkv = selfProjections(l.self(), x);
                x = l.self().output(attend(qkv[0], qkv[1], qkv[2], visible), x, config.layerNormEps());
                if (encoded != null) {
                    Tensor[] kv = crossKeysValues(l, encoded);
                    x = crossAttend(l, x, kv[0], kv[1], null);
                }
                x = mlp(l, x);
            }
            return x;
        }
    }

    /** word_embeddings + position_embeddings from {@code past}, then the embeddings' LayerNorm. */
    Tensor embed(Tensor ids, int past) {
        Tensor x = torch.embedding(w.words(), ids).add(w.positions().narrow(0, past, ids.size(1)));
        return w.embeddingNorm().apply(x, config.layerNormEps());
    }

    /** query, key and value [B, H, T, hd] of x for self-attention. */
    Tensor[] selfProjections(Attention a, Tensor x) {
        int h = config.heads();
        return new Tensor[] {Layers.heads(Layers.linear(x, a.query(), a.queryBias()), 1, h)[0],
                Layers.heads(Layers.linear(x, a.key(), a.keyBias()), 1, h)[0],
                Layers.heads(Layers.linear(x, a.value(), a.valueBias()), 1, h)[0]};
    }

    /** The cross-attention's keys and values [B, H, S, hd] of {@code encoded} in layer {@code l}. */
    Tensor[] crossKeysValues(Layer l, Tensor encoded) {
        Attention a = l.cross();
        int h = config.heads();
        return new Tensor[] {Layers.heads(Layers.linear(encoded, a.key(), a.keyBias()), 1, h)[0],
                Layers.heads(Layers.linear(encoded, a.value(), a.valueBias()), 1, h)[0]};
    }

    /** crossattention over precomputed keys and values; {@code mask} boolean [B, 1, 1, S] or null. */
    Tensor crossAttend(Layer l, Tensor x, Tensor keys, Tensor values, Tensor mask) {
        Attention a = l.cross();
        Tensor q = Layers.heads(Layers.linear(x, a.query(), a.queryBias()), 1, config.heads())[0];
        return a.output(attend(q, keys, values, mask), x, config.layerNormEps());
    }

    /** intermediate (the activation) and output, through output.LayerNorm over the residual sum. */
    Tensor mlp(Layer l, Tensor x) {
        Tensor inner = config.activation().apply(Layers.linear(x, l.intermediate(), l.intermediateBias()));
        return l.outputNorm().apply(Layers.linear(inner, l.output(), l.outputBias()).add(x), config.layerNormEps());
    }

    /** softmax(q kᵀ / √head_dim) v over the keys {@code mask} allows (all when null). */
    static Tensor attend(Tensor q, Tensor k, Tensor v, Tensor mask) {
        return torch.scaled_dot_product_attention(q, k, v, mask == null ? new TensorOptional() : new TensorOptional(mask),
                0.0, false, new DoubleOptional(1.0 / Math.sqrt(q.size(-1))), false);
    }

    /** Refuses ids that are not int64 [B, T], that leave the vocabulary or the positions after {@code past}. */
    void checkIds(Tensor ids, int past) {
        long[] shape = ids.sizes().vec().get();
        if (shape.length != 2 || shape[0] < 1 || shape[1] < 1 || ids.scalar_type().value != torch.ScalarType.Long.value) {
            throw new IllegalArgumentException("token ids must be int64 [batch, tokens], not " + ids.scalar_type() + " "
                    + Arrays.toString(shape));
        }
        if (past + shape[1] > config.maxPositions()) {
            throw new IllegalArgumentException((past + shape[1]) + " tokens are more than the " + config.maxPositions()
                    + " positions of BLIP's text model (max_position_embeddings); shorten the text");
        }
        long low = ids.min().item_long();
        long high = ids.max().item_long();
        if (low < 0 || high >= config.vocabSize()) {
            throw new IllegalArgumentException("token id " + (low < 0 ? low : high) + " is outside BLIP's "
                    + config.vocabSize() + "-token vocabulary; the tokenizer does not belong to the model");
        }
    }
}

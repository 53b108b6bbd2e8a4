package dev.perennial.model;

import dev.perennial.UserError;
import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * A BERT-style text encoder as transformers' BertModel (and RobertaModel) computes its last_hidden_state: word +
 * token type + absolute position embeddings and a LayerNorm, then post-LN layers {@code x = LN(x + attn(x))},
 * {@code x = LN(x + W2·act(W1·x))}; padded keys get {@code finfo(dtype).min} added to their attention scores, as
 * the extended attention mask does (modeling_bert.py, BertModel.forward). The pooler and any head are not part of
 * it. Load and close it outside any PointerScope; call {@link #lastHiddenState} inside the caller's scope.
 */
public final class BertEncoder implements AutoCloseable {

    /** One layer, in checkpoint order. */
    record Layer(Tensor query, Tensor queryBias, Tensor key, Tensor keyBias, Tensor value, Tensor valueBias,
                 Tensor attentionOut, Tensor attentionOutBias, Tensor attentionNorm, Tensor attentionNormBias,
                 Tensor intermediate, Tensor intermediateBias, Tensor output, Tensor outputBias, Tensor outputNorm,
                 Tensor outputNormBias) {

        static Layer declare(Parameters p, BertConfig c, int i) {
            String at = "encoder.layer." + i + ".";
            long d = c.hiddenSize();
            long ff = c.intermediateSize();
            return new Layer(
                    p.required(at + "attention.self.query.weight", d, d),
                    p.required(at + "attention.self.query.bias", d),
                    p.required(at + "attention.self.key.weight", d, d),
                    p.required(at + "attention.self.key.bias", d),
                    p.required(at + "attention.self.value.weight", d, d),
                    p.required(at + "attention.self.value.bias", d),
                    p.required(at + "attention.output.dense.weight", d, d),
                    p.required(at + "attention.output.dense.bias", d),
                    p.required(at + "attention.output.LayerNorm.weight", d),
                    p.required(at + "attention.output.LayerNorm.bias", d),
                    p.required(at + "intermediate.dense.weight", ff, d),
                    p.required(at + "intermediate.dense.bias", ff),
                    p.required(at + "output.dense.weight", d, ff),
                    p.required(at + "output.dense.bias", d),
                    p.required(at + "output.LayerNorm.weight", d),
                    p.required(at + "output.LayerNorm.bias", d));
        }
    }

    /** The whole encoder (BertModel without its pooler). */
    record Weights(Tensor words, Tensor positions, Tensor tokenTypes, Tensor embeddingNorm,
                   Tensor embeddingNormBias, List<Layer> layers) {

        static Weights declare(Parameters p, BertConfig c) {
            long d = c.hiddenSize();
            return new Weights(
                    p.required("embeddings.word_embeddings.weight", c.vocabSize(), d),
                    p.required("embeddings.position_embeddings.weight", c.maxPositionEmbeddings(), d),
                    p.required("embeddings.token_type_embeddings.weight", c.typeVocabSize(), d),
                    p.required("embeddings.LayerNorm.weight", d),
                    p.required("embeddings.LayerNorm.bias", d),
                    Parameters.layers(c.layers(), i -> Layer.declare(p, c, i)));
        }
    }

    /** q, k and v of one layer as one [3·H, H] projection, concatenated once at load. */
    private record FusedQkv(Tensor weight, Tensor bias) {
    }

    private final BertConfig config;
    /** The weights this encoder loaded itself, or null when another model owns them. */
    private final PretrainedWeights loaded;
    private final Weights w;
    private final List<FusedQkv> qkv;
    private final torch.ScalarType dtype;

    private BertEncoder(BertConfig config, Weights w, PretrainedWeights loaded, torch.ScalarType dtype) {
        this.config = config;
        this.loaded = loaded;
        this.dtype = dtype;
        this.w = w;
        List<FusedQkv> fused = new ArrayList<>();
        for (Layer l : w.layers()) {
            fused.add(new FusedQkv(torch.cat(new TensorVector(l.query(), l.key(), l.value()), 0),
                    torch.cat(new TensorVector(l.queryBias(), l.keyBias(), l.valueBias()), 0)));
        }
        this.qkv = List.copyOf(fused);
    }

    /** The parameter names and shapes a checkpoint for {@code config} must hold (after renaming). */
    static Map<String, long[]> shapes(BertConfig config) {
        return Parameters.declared(p -> Weights.declare(p, config));
    }

    /**
     * Loads {@code dir}'s config.json and safetensors as {@code dtype}. Checkpoint names are BertModel's; a
     * {@code bert.}/{@code roberta.} prefix (BertForMaskedLM, RobertaForMaskedLM and similar) is stripped, TF-era
     * LayerNorm {@code gamma}/{@code beta} are read as weight/bias, and the pooler, the heads and the saved
     * position_ids/token_type_ids buffers are ignored.
     */
    public static BertEncoder load(Path dir, torch.ScalarType dtype) {
        BertConfig config = BertConfig.read(dir.resolve("config.json"));
        String prefix = config.robertaPositions() ? "roberta." : "bert.";
        UnaryOperator<String> rename = name -> {
            String n = name.startsWith(prefix) ? name.substring(prefix.length()) : name;
            if (n.contains("LayerNorm.")) {
                n = n.endsWith(".gamma") ? n.substring(0, n.length() - 5) + "weight"
                        : n.endsWith(".beta") ? n.substring(0, n.length() - 4) + "bias" : n;
            }
            return n;
        };
        Predicate<String> ignorable = name -> name.startsWith("pooler.") || name.startsWith("cls.")
                || name.startsWith("lm_head.") || name.equals("embeddings.position_ids")
                || name.equals("embeddings.token_type_ids");
        PretrainedWeights loaded = PretrainedWeights.load(dir, shapes(config), rename, ignorable, dtype,
                config.modelType());
        return loaded.bind((w, p) -> new BertEncoder(config, Weights.declare(p, config), w, dtype));
    }

    /**
     * An encoder over weights another model loaded and owns (CLAP's text model): closing it frees only what it
     * made itself.
     */
    static BertEncoder over(BertConfig config, Weights weights, torch.ScalarType dtype) {
        return new BertEncoder(config, weights, null, dtype);
    }

    public BertConfig config() {
        return config;
    }

    /**
     * The last layer's hidden states [B, T, H] in the encoder's dtype. {@code inputIds}, {@code tokenTypeIds} and
     * {@code attentionMask} are int64 [B, T]; {@code tokenTypeIds} may be null (all 0); the mask is 1 for tokens
     * and 0 for padding. Hidden states are computed at padded positions too (as transformers does); pooling
     * should ignore them.
     */
    public Tensor lastHiddenState(Tensor inputIds, Tensor tokenTypeIds, Tensor attentionMask) {
        try (NoGradGuard guard = new NoGradGuard()) {
            check(inputIds, tokenTypeIds, attentionMask);
            long batch = inputIds.size(0);
            long t = inputIds.size(1);
            // BertEmbeddings.forward: inputs_embeds + token_type_embeddings, then += position_embeddings
            Tensor x = torch.embedding(w.words(), inputIds);
            x = tokenTypeIds == null ? x.add(w.tokenTypes().select(0, 0)) : x.add(torch.embedding(w.tokenTypes(),
                    tokenTypeIds));
            x = x.add(torch.embedding(w.positions(), positionIds(inputIds)));
            x = Layers.layerNorm(x, w.embeddingNorm(), w.embeddingNormBias(), config.layerNormEps());
            // get_extended_attention_mask: (1 - mask[:, None, None, :]) · finfo(dtype).min
            Tensor mask = attentionMask.to(dtype).neg().add(new Scalar(1.0)).mul(new Scalar(lowest(dtype)))
                    .view(batch, 1, 1, t);
            int heads = config.heads();
            int hd = config.headDim();
            long d = config.hiddenSize();
            double scale = 1.0 / Math.sqrt(hd);
            for (int i = 0; i < config.layers(); i++) {
                Layer l = w.layers().get(i);
                FusedQkv f = qkv.get(i);
                Tensor qkvOut = Layers.linear(x, f.weight(), f.bias()).view(batch, t, 3, heads, hd)
                        .permute(2, 0, 3, 1, 4);
                Tensor attended = torch.scaled_dot_product_attention(qkvOut.select(0, 0), qkvOut.select(0, 1),
                        qkvOut.select(0, 2), new TensorOptional(mask), 0.0, false, new DoubleOptional(scale), false);
                Tensor context = attended.transpose(1, 2).reshape(batch, t, d);
                x = Layers.layerNorm(Layers.linear(context, l.attentionOut(), l.attentionOutBias()).add(x),
                        l.attentionNorm(), l.attentionNormBias(), config.layerNormEps());
                Tensor inner = config.activation().apply(Layers.linear(x, l.intermediate(), l.intermediateBias()));
                x = Layers.layerNorm(Layers.linear(inner, l.output(), l.outputBias()).add(x), l.outputNorm(),
                        l.outputNormBias(), config.layerNormEps());
            }
            return x;
        }
    }

    /**
     * BERT: 0 … T-1. RoBERTa (modeling_roberta.create_position_ids_from_input_ids): tokens that are not
     * pad_token_id count from pad_token_id + 1; padding tokens sit at pad_token_id.
     */
    private Tensor positionIds(Tensor inputIds) {
        long t = inputIds.size(1);
        if (!config.robertaPositions()) {
            return torch.arange(new Scalar(t), new TensorOptions(torch.ScalarType.Long)).unsqueeze(0);
        }
        return Layers.positionIdsSkippingPadding(inputIds, config.padTokenId(), 0);
    }

    private void check(Tensor ids, Tensor types, Tensor mask) {
        require(ids.dim() == 2 && ids.scalar_type().value == torch.ScalarType.Long.value, "input ids must be int64 [batch, "
                + "tokens], not " + ids.scalar_type() + " " + Arrays.toString(ids.sizes().vec().get()));
        long[] shape = ids.sizes().vec().get();
        require(mask != null && Arrays.equals(mask.sizes().vec().get(), shape), "the attention mask must have the "
                + "input ids' shape " + Arrays.toString(shape));
        require(types == null || Arrays.equals(types.sizes().vec().get(), shape)
                && types.scalar_type().value == torch.ScalarType.Long.value, "token type ids must be int64 with the "
                + "input ids' shape " + Arrays.toString(shape));
        require(shape[0] > 0 && shape[1] > 0, "there are no tokens to encode");
        if (shape[1] > config.maxPositions()) {
            throw new UserError(shape[1] + " tokens are more than the " + config.maxPositions() + " positions this "
                    + config.modelType() + " encoder has (max_position_embeddings " + config.maxPositionEmbeddings()
                    + "); truncate the text");
        }
        long low = ids.min().item_long();
        long high = ids.max().item_long();
        if (low < 0 || high >= config.vocabSize()) {
            throw new UserError("token id " + (low < 0 ? low : high) + " is outside this encoder's vocabulary of "
                    + config.vocabSize() + "; the tokenizer does not belong to the model");
        }
        if (types != null) {
            long typeLow = types.min().item_long();
            long typeHigh = types.max().item_long();
            if (typeLow < 0 || typeHigh >= config.typeVocabSize()) {
                throw new UserError("token type id " + (typeLow < 0 ? typeLow : typeHigh) + " is not one of this "
                        + "encoder's " + config.typeVocabSize() + " token types (type_vocab_size)");
            }
        }
    }

    private static void require(boolean ok, String problem) {
        if (!ok) {
            throw new IllegalArgumentException(problem);
        }
    }

    /** torch.finfo(dtype).min, the additive mask value transformers uses. */
    private static double lowest(torch.ScalarType dtype) {
        return switch (dtype) {
            case Double -> -Double.MAX_VALUE;
            case Half -> -65504.0;
            case BFloat16 -> -3.3895313892515355e38;
            default -> -Float.MAX_VALUE;
        };
    }

    @Override
    public void close() {
        for (FusedQkv f : qkv) {
            f.weight().close();
            f.bias().close();
        }
        if (loaded != null) {
            loaded.tensors().values().forEach(Tensor::close);
            loaded.close();
        }
    }
}

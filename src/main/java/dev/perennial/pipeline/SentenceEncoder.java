package dev.perennial.pipeline;

import dev.perennial.model.BertEncoder;
import dev.perennial.tensor.Tensors;
import dev.perennial.tokenizer.EncoderTokenizer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A sentence embedding model: a BERT-style encoder, its tokenizer truncating to sentence-transformers'
 * max_seq_length, and the pooling and normalisation of its modules.json (what {@code SentenceTransformer.encode}
 * computes).
 */
final class SentenceEncoder implements Encoder {

    private final Path dir;
    private final BertEncoder model;
    private final EncoderTokenizer tokenizer;
    private final SentenceTransformerConfig modules;
    private final int batchSize;

    private SentenceEncoder(Path dir, BertEncoder model, EncoderTokenizer tokenizer, SentenceTransformerConfig modules,
                            int batchSize) {
        this.dir = dir;
        this.model = model;
        this.tokenizer = tokenizer;
        this.modules = modules;
        this.batchSize = batchSize;
    }

    static SentenceEncoder load(Path dir, PipelineOptions options) {
        SentenceTransformerConfig modules = SentenceTransformerConfig.read(dir);
        BertEncoder model = BertEncoder.load(dir, options.dtype().scalarType());
        return Resources.builtOver(model, m -> {
            int modelLength = m.config().maxPositions();
            int length = modules.maxSeqLength() > 0 ? Math.min(modules.maxSeqLength(), modelLength) : modelLength;
            return new SentenceEncoder(dir, m, EncoderTokenizer.load(dir, length), modules, options.batchSize());
        });
    }

    @Override
    public Path dir() {
        return dir;
    }

    @Override
    public String modelType() {
        return model.config().modelType();
    }

    /** The dimension of the embeddings. */
    int dimension() {
        return model.config().hiddenSize() * modules.poolings().size();
    }

    /** One embedding per text, in order, computed {@code batchSize} texts at a time. */
    List<Outputs.Embedding> embed(List<String> texts) {
        List<Outputs.Embedding> out = new ArrayList<>(texts.size());
        for (int from = 0; from < texts.size(); from += batchSize) {
            out.addAll(embedBatch(texts.subList(from, Math.min(texts.size(), from + batchSize))));
        }
        return out;
    }

    private List<Outputs.Embedding> embedBatch(List<String> texts) {
        EncoderTokenizer.Batch batch = tokenizer.encode(texts);
        float[] values;
        int dim = dimension();
        try (PointerScope scope = new PointerScope()) {
            Tensor ids = Tensors.fromLongs(batch.ids(), batch.size(), batch.length());
            Tensor types = Tensors.fromLongs(batch.typeIds(), batch.size(), batch.length());
            Tensor mask = Tensors.fromLongs(batch.mask(), batch.size(), batch.length());
            Tensor hidden = model.lastHiddenState(ids, types, mask).to(torch.ScalarType.Float);
            Tensor pooled = pool(hidden, mask.to(torch.ScalarType.Float).unsqueeze(-1));
            if (modules.normalize()) {
                pooled = Vectors.normalize(pooled);
            }
            values = Tensors.toFloats(pooled);
        }
        List<Outputs.Embedding> out = new ArrayList<>(texts.size());
        for (int i = 0; i < batch.size(); i++) {
            float[] vector = new float[dim];
            System.arraycopy(values, i * dim, vector, 0, dim);
            out.add(new Outputs.Embedding(vector, batch.tokens()[i]));
        }
        return out;
    }

    /** sentence_transformers/models/Pooling.py forward, for the modes of modules.json, concatenated. */
    private Tensor pool(Tensor hidden, Tensor mask) {
        TensorVector parts = new TensorVector();
        Tensor counts = mask.sum(new long[] {1}, false, new ScalarTypeOptional()).clamp_min(new Scalar(1e-9));
        for (SentenceTransformerConfig.Pooling p : modules.poolings()) {
            parts.push_back(switch (p) {
                case CLS -> hidden.select(1, 0);
                // padding is set to -1e9 so that it never wins the max, as sentence-transformers does
                case MAX -> torch.where(mask.eq(new Scalar(0)), new Scalar(-1e9), hidden).amax(new long[] {1}, false);
                case MEAN -> hidden.mul(mask).sum(new long[] {1}, false, new ScalarTypeOptional()).div(counts);
                case MEAN_SQRT_LEN -> hidden.mul(mask).sum(new long[] {1}, false, new ScalarTypeOptional())
                        .div(counts.sqrt());
            });
        }
        return parts.size() == 1 ? parts.get(0) : torch.cat(parts, 1);
    }

    /** The cosine similarity of the source to each sentence (sentence_transformers.util.cos_sim). */
    Outputs.Similarities similarity(Inputs.Sentences input) {
        List<String> texts = new ArrayList<>();
        texts.add(input.sourceSentence());
        texts.addAll(input.sentences());
        List<Outputs.Embedding> vectors = embed(texts);
        float[] source = vectors.getFirst().embedding();
        List<Double> scores = new ArrayList<>();
        for (Outputs.Embedding other : vectors.subList(1, vectors.size())) {
            scores.add(Vectors.cosine(source, other.embedding()));
        }
        return new Outputs.Similarities(scores);
    }

    @Override
    public void close() {
        tokenizer.close();
        model.close();
    }
}

package dev.perennial.pipeline;

import dev.perennial.tensor.Tensors;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** The vector arithmetic of the embedding tasks, as torch and sentence-transformers compute it. */
final class Vectors {

    private Vectors() {
    }

    /** torch.nn.functional.normalize(x, p=2, dim=-1): x / max(‖x‖, 1e-12), row by row. */
    static Tensor normalize(Tensor x) {
        Tensor norms = torch.linalg_vector_norm(x, new Scalar(2), new long[] {-1}, true, new ScalarTypeOptional());
        return x.div(norms.clamp_min(new Scalar(1e-12)));
    }

    /** The rows of {@code embeddings} [n, d] into {@code out[from]} … {@code out[from + n − 1]}. */
    static void copyRows(Tensor embeddings, float[][] out, int from) {
        int dim = Math.toIntExact(embeddings.size(1));
        float[] values = Tensors.toFloats(embeddings);
        for (int i = 0; i < values.length / dim; i++) {
            out[from + i] = new float[dim];
            System.arraycopy(values, i * dim, out[from + i], 0, dim);
        }
    }

    /** The dot product of two vectors, summed in double: the cosine of two normalised embeddings. */
    static double dot(float[] a, float[] b) {
        double dot = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
        }
        return dot;
    }

    /** sentence_transformers.util.cos_sim of two vectors: both normalised (norm at least 1e-12), then dotted. */
    static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return dot / (Math.max(Math.sqrt(na), 1e-12) * Math.max(Math.sqrt(nb), 1e-12));
    }
}

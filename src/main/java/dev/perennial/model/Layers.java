package dev.perennial.model;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.DeviceOptional;
import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.GradMode;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

import java.util.function.Supplier;

/** The building blocks both architectures share, written to Hugging Face's numerics. */
final class Layers {

    private Layers() {
    }

    /**
     * {@code x W^T + b} as one 2-D addmm over the flattened [B·T, D] activations, or, for a single row (a decoding
     * step), one matrix-vector product: BLAS's gemm would copy (pack) all of W for one row, which took 47% of the
     * time of KV-cached generation on the 162M shape; gemv streams W once. A few rows without gradients (beams)
     * go to {@link FewRowsLinear}, which streams W once per 4 rows, where gemm would pack it all again.
     */
    static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        long[] shape = x.sizes().vec().get();
        long in = shape[shape.length - 1];
        Tensor flat = x.reshape(-1, in);
        Tensor out;
        if (flat.size(0) == 1) {
            Tensor row = flat.select(0, 0);
            out = bias == null ? torch.mv(weight, row) : torch.addmv(bias, weight, row);
        } else if (FewRowsLinear.applies(flat, weight, bias)) {
            out = FewRowsLinear.apply(flat, weight, bias);
        } else {
            out = bias == null ? flat.matmul(weight.t()) : torch.addmm(bias, flat, weight.t());
        }
        shape[shape.length - 1] = weight.size(0);
        return out.view(shape);
    }

    /**
     * {@code body} inside its own PointerScope, its result handed to the caller's scope: the temporaries of a layer
     * (a global SAM layer's attention bias is heads x 4096² floats at the real shape) are freed when it ends.
     */
    static Tensor scoped(Supplier<Tensor> body) {
        PointerScope outer = PointerScope.getInnerScope();
        if (outer == null) {
            return body.get();
        }
        try (PointerScope scope = new PointerScope()) {
            Tensor out = body.get();
            outer.attach(out);
            return out;
        }
    }

    static Tensor layerNorm(Tensor x, Tensor weight, Tensor bias, double eps) {
        return torch.layer_norm(x, new long[] {x.size(-1)}, new TensorOptional(weight), new TensorOptional(bias), eps,
                false);
    }

    /** LlamaRMSNorm: {@code w · x / √(mean(x²) + ε)}, the statistics in at least fp32. */
    static Tensor rmsNorm(Tensor x, Tensor weight, double eps) {
        Tensor wide = x.scalar_type().value == torch.ScalarType.Double.value ? x : x.to(torch.ScalarType.Float);
        Tensor normed = wide.mul(wide.pow(new Scalar(2)).mean(new long[] {-1}, true,
                new ScalarTypeOptional()).add(new Scalar(eps)).rsqrt());
        return weight.mul(normed.to(x.scalar_type()));
    }

    /** Rotates the first {@code dims} features of x [B, H, T, hd] (rotate_half convention); the rest pass. */
    static Tensor rotate(Tensor x, Tensor cos, Tensor sin, int dims) {
        long headDim = x.size(-1);
        Tensor rot = dims == headDim ? x : x.narrow(-1, 0, dims);
        Tensor x1 = rot.narrow(-1, 0, dims / 2);
        Tensor x2 = rot.narrow(-1, dims / 2, dims / 2);
        Tensor rotated = torch.cat(new TensorVector(x2.neg(), x1), -1);
        Tensor out = rot.mul(cos).add(rotated.mul(sin));
        return dims == headDim ? out : torch.cat(new TensorVector(out, x.narrow(-1, dims, headDim - dims)), -1);
    }

    /**
     * Causal scaled-dot-product attention of q [B, H, T, hd] over k, v [B, Hkv, S, hd] where the last T of the S
     * positions are the queries' own; keys and values are repeated for grouped-query attention. A {@code mask}
     * (boolean [B, 1, T, S], true where a query may attend) replaces the causal one: see {@link Positions}.
     */
    static Tensor attention(Tensor q, Tensor k, Tensor v, Tensor mask) {
        long heads = q.size(1);
        long kvHeads = k.size(1);
        if (kvHeads != heads) {
            k = repeatHeads(k, heads / kvHeads);
            v = repeatHeads(v, heads / kvHeads);
        }
        long t = q.size(2);
        long s = k.size(2);
        double scale = 1.0 / Math.sqrt(q.size(-1));
        if (mask == null && s == t && t > 1 && q.scalar_type().value == torch.ScalarType.BFloat16.value
                && GradMode.is_enabled() && q.is_cpu()) {
            return causalMath(q, k, v, scale);
        }
        if (mask != null) {
            return torch.scaled_dot_product_attention(q, k, v, new TensorOptional(mask), 0.0, false,
                    new DoubleOptional(scale), false);
        }
        if (s == t) {
            return torch.scaled_dot_product_attention(q, k, v, new TensorOptional(), 0.0, t > 1,
                    new DoubleOptional(scale), false);
        }
        // queries at positions s - t ... s - 1 see every key up to their own position
        Tensor causal = torch.ones(new long[] {t, s}, boolsLike(q)).tril(s - t);
        return torch.scaled_dot_product_attention(q, k, v, new TensorOptional(causal), 0.0, false,
                new DoubleOptional(scale), false);
    }

    /**
     * Causal attention as two batched matmuls and a softmax, for training in bfloat16: libtorch's CPU flash attention
     * runs its bf16 backward pass as one oneDNN matmul per 32-row block (6,178 calls in one step of the
     * 4096/128/4/4/128/32 shape), which made bf16 training steps slower than fp32; this path's backward is four
     * batched matmuls (measured on 8192/384/6/6/256/8, one thread: forward and backward 2,110 ms with flash
     * attention, 690 ms with this, 1,690 ms in fp32). It holds the [T, T] scores of every head, as
     * PyTorch's math backend does. CPU only: the slow backward is libtorch's CPU kernel.
     */
    private static Tensor causalMath(Tensor q, Tensor k, Tensor v, double scale) {
        long t = q.size(2);
        Tensor scores = q.matmul(k.transpose(-2, -1)).mul(new Scalar(scale));
        Tensor future = torch.ones(new long[] {t, t}, boolsLike(q)).triu(1);
        scores = scores.masked_fill(future, new Scalar(Double.NEGATIVE_INFINITY));
        return torch.softmax(scores, -1).matmul(v);
    }

    /** Booleans on {@code x}'s device: how attention masks are made, so they meet the scores where those are. */
    private static TensorOptions boolsLike(Tensor x) {
        return new TensorOptions(torch.ScalarType.Bool).device(new DeviceOptional(x.device()));
    }

    /** [B, T, parts·D] to {@code parts} tensors [B, H, T, hd]. */
    static Tensor[] heads(Tensor x, int parts, int heads) {
        long b = x.size(0);
        long t = x.size(1);
        long hd = x.size(2) / parts / heads;
        Tensor split = x.view(b, t, parts, heads, hd).permute(2, 0, 3, 1, 4);
        Tensor[] out = new Tensor[parts];
        for (int p = 0; p < parts; p++) {
            out[p] = split.select(0, p);
        }
        return out;
    }

    /** [B, H, T, hd] to [B, T, D]. */
    static Tensor merge(Tensor x) {
        return x.transpose(1, 2).reshape(x.size(0), x.size(2), x.size(1) * x.size(3));
    }

    /** Each row repeated {@code times} times, adjacent (repeat_interleave on dim 0), contiguous. */
    static Tensor repeatRows(Tensor x, int times) {
        if (times == 1) {
            return x.contiguous();
        }
        long[] shape = x.sizes().vec().get();
        return x.unsqueeze(1).expand(shape[0], times, shape[1], shape[2], shape[3])
                .reshape(shape[0] * times, shape[1], shape[2], shape[3]);
    }

    /**
     * create_position_ids_from_input_ids (modeling_roberta.py, modeling_m2m_100.py): (cumsum(ids ≠ pad) + past) ·
     * (ids ≠ pad) + pad, so real tokens count from pad + 1 after {@code past} and padding sits at pad.
     */
    static Tensor positionIdsSkippingPadding(Tensor ids, int paddingIdx, int past) {
        Tensor real = ids.ne(new Scalar(paddingIdx)).to(torch.ScalarType.Long);
        Tensor counted = real.cumsum(1);
        if (past != 0) {
            counted = counted.add(new Scalar(past));
        }
        return counted.mul(real).add(new Scalar(paddingIdx));
    }

    private static Tensor repeatHeads(Tensor x, long times) {
        long[] shape = x.sizes().vec().get();
        return x.unsqueeze(2).expand(shape[0], shape[1], times, shape[2], shape[3])
                .reshape(shape[0], shape[1] * times, shape[2], shape[3]);
    }
}

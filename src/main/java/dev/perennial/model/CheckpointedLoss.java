package dev.perennial.model;

import org.bytedeco.pytorch.BoolOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorArrayRefOptional;

import java.util.ArrayList;
import java.util.List;

/**
 * The loss of one micro-batch and its gradients with per-layer activation checkpointing: what
 * torch.utils.checkpoint (non-reentrant) around each decoder layer computes, done explicitly since libtorch's C++
 * API has no checkpoint. The forward pass keeps only each layer's input hidden state [B, T, D] instead of every
 * intermediate of every layer; the backward pass recomputes one layer at a time from its saved input, so memory
 * holds the saved inputs plus one layer's activations (and the head's), at the cost of about one more forward pass.
 *
 * <p>Neither family has dropout or any other random op in a layer ({@link ModelConfigs} reads no dropout setting),
 * so a recomputed layer equals its first run exactly. A layer with dropout would need torch's RNG state saved
 * before its first run and restored before the recompute, as torch.utils.checkpoint's {@code preserve_rng_state}
 * does.
 */
public final class CheckpointedLoss {

    private CheckpointedLoss() {
    }

    /**
     * Accumulates into {@code model}'s parameter gradients what {@code model.loss(batch).div(divisor).backward()}
     * would, and returns the loss (not divided). {@code batch} is [B, T + 1] token ids. Temporaries belong to the
     * caller's PointerScope except each layer's, which are freed as soon as the layer is done.
     */
    public static double lossAndBackward(Model model, Tensor batch, double divisor) {
        Architecture.Forward forward = model.forward();
        Tensor onDevice = model.onDevice(batch);
        Tensor inputs = Model.inputs(onDevice);
        Positions positions = forward.positions(null, inputs.size(1), model.dtype(), model.device());
        List<Tensor> hidden = hiddenStates(forward, inputs, positions);
        Tensor last = leaf(hidden.getLast());
        double loss = Layers.scoped(() -> {
            Tensor l = Model.nextTokenLoss(forward.head(last), Model.targets(onDevice));
            l.div(new Scalar(divisor)).backward();
            return l.detach();
        }).item_double();
        Tensor grad = last.grad();
        for (int i = forward.config().layers() - 1; i >= 0; i--) {
            grad = layerBackward(forward, i, hidden.get(i), positions, grad);
        }
        // the embedding's own contribution; with tied embeddings the head's was accumulated into the same tensor
        backward(forward.embed(inputs), grad);
        return loss;
    }

    /**
     * The hidden states without autograd: element i is layer i's input, the last element the last layer's output.
     * Each layer's temporaries are freed when it ends.
     */
    private static List<Tensor> hiddenStates(Architecture.Forward forward, Tensor inputs, Positions positions) {
        List<Tensor> hidden = new ArrayList<>();
        try (NoGradGuard noGrad = new NoGradGuard()) {
            hidden.add(forward.embed(inputs));
            for (int i = 0; i < forward.config().layers(); i++) {
                Tensor x = hidden.getLast();
                int layer = i;
                hidden.add(Layers.scoped(() -> forward.layer(layer, x, positions, null)));
            }
        }
        return hidden;
    }

    /**
     * Recomputes layer i with autograd from its saved input, back-propagates its output's gradient through it, and
     * returns its input's gradient.
     */
    private static Tensor layerBackward(Architecture.Forward forward, int i, Tensor saved, Positions positions,
                                        Tensor outputGrad) {
        Tensor input = leaf(saved);
        return Layers.scoped(() -> {
            backward(forward.layer(i, input, positions, null), outputGrad);
            return input.grad();
        });
    }

    /** A saved hidden state as a new leaf of the graph whose gradient autograd keeps. */
    private static Tensor leaf(Tensor saved) {
        return saved.detach().requires_grad_(true);
    }

    private static void backward(Tensor output, Tensor gradient) {
        output.backward(gradient, new BoolOptional(), false, new TensorArrayRefOptional());
    }
}

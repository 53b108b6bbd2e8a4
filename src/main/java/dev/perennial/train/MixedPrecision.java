package dev.perennial.train;

import dev.perennial.model.CheckpointedLoss;
import dev.perennial.model.Model;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.List;

/**
 * The forward and backward passes of one optimizer step at the run's {@link Precision}: they leave the gradient of
 * the mean loss over the micro-batches in the fp32 model's {@code .grad}, where the all-reduce, the clipping and
 * AdamW find them. Create and close it outside step scopes; call {@link #accumulateGradients} inside one.
 */
sealed interface MixedPrecision extends AutoCloseable permits MixedPrecision.Fp32, MixedPrecision.Bf16Mixed {

    static MixedPrecision of(Precision precision, Model model) {
        return switch (precision) {
            case FP32 -> new Fp32(model);
            case BF16_MIXED -> new Bf16Mixed(model);
        };
    }

    /**
     * Forward and backward over {@code microBatches} ([b, T + 1] token ids each), each layer recomputed in the
     * backward pass when {@code checkpointActivations} ({@link CheckpointedLoss}), {@code beforeLastBackward} run just
     * before the last micro-batch's passes (so that gradients may travel during its backward pass); returns their mean
     * loss.
     */
    double accumulateGradients(List<Tensor> microBatches, boolean checkpointActivations, Runnable beforeLastBackward);

    @Override
    void close();

    /** Each micro-batch's loss, divided by their number, back-propagated into {@code model}'s gradients. */
    private static double meanLossBackward(Model model, List<Tensor> microBatches, boolean checkpointActivations,
                                           Runnable beforeLastBackward) {
        double loss = 0;
        int parts = microBatches.size();
        for (int i = 0; i < parts; i++) {
            Tensor micro = microBatches.get(i);
            if (i == parts - 1) {
                beforeLastBackward.run();
            }
            // a scope per micro-batch: the step's scope alone kept every micro-batch's activations to the step's end
            try (PointerScope scope = new PointerScope()) {
                if (checkpointActivations) {
                    loss += CheckpointedLoss.lossAndBackward(model, micro, parts) / parts;
                } else {
                    Tensor l = model.loss(micro);
                    l.div(new Scalar((double) parts)).backward();
                    loss += l.item_double() / parts;
                }
            }
        }
        return loss;
    }

    /** Everything in the model's own precision. */
    record Fp32(Model model) implements MixedPrecision {
        @Override
        public double accumulateGradients(List<Tensor> microBatches, boolean checkpointActivations,
                                          Runnable beforeLastBackward) {
            return meanLossBackward(model, microBatches, checkpointActivations, beforeLastBackward);
        }

        @Override
        public void close() {
        }
    }

    /**
     * bf16-mixed: a bfloat16 working copy of the fp32 master weights, refreshed from them once per optimizer step,
     * runs the forward and backward passes; its bf16 gradients, summed over the micro-batches, are cast into the
     * masters' fp32 {@code .grad}. The loss is cross-entropy over fp32 logits ({@link Model#loss}); the masters and
     * AdamW's moments stay fp32, and the working copy holds nothing between steps, so a checkpoint is the masters
     * and the optimizer state, as in fp32, and a resumed run is bit-identical to an uninterrupted one. Chosen over
     * libtorch's CPU autocast (which bytedeco exposes: set_autocast_enabled) by measurement, CPU time of whole steps
     * on one thread, alternately, machine under load: 8192/384/6/6/256/8, 800 ms a step against autocast's 940 ms
     * (fp32 1,850 ms); 4096/128/4/4/128/32, 300 ms against 330 ms (fp32 540 ms). Autocast keeps the residual
     * stream, norms and element-wise work in fp32 and casts every weight on every micro-batch.
     */
    final class Bf16Mixed implements MixedPrecision {
        private final List<Tensor> masters;
        private final Model working;
        private final List<Tensor> copies;

        Bf16Mixed(Model masters) {
            this.masters = List.copyOf(masters.parameters().values());
            this.working = masters.copyAs(torch.ScalarType.BFloat16);
            this.copies = List.copyOf(working.parameters().values());
        }

        @Override
        public double accumulateGradients(List<Tensor> microBatches, boolean checkpointActivations,
                                          Runnable beforeLastBackward) {
            refreshWorkingCopy();
            double loss = meanLossBackward(working, microBatches, checkpointActivations, beforeLastBackward);
            castGradientsToMasters();
            return loss;
        }

        /** The masters' current values in bf16, and no gradients yet. */
        private void refreshWorkingCopy() {
            try (NoGradGuard guard = new NoGradGuard()) {
                for (int i = 0; i < copies.size(); i++) {
                    copies.get(i).copy_(masters.get(i));
                    copies.get(i).mutable_grad().put(new Tensor());
                }
            }
        }

        /** Each master's {@code .grad} becomes its copy's gradient in fp32 (none where the copy got none). */
        private void castGradientsToMasters() {
            try (NoGradGuard guard = new NoGradGuard()) {
                for (int i = 0; i < copies.size(); i++) {
                    Tensor grad = copies.get(i).grad();
                    masters.get(i).mutable_grad().put(grad.defined() ? grad.to(masters.get(i).scalar_type())
                            : new Tensor());
                }
            }
        }

        @Override
        public void close() {
            working.close();
        }
    }
}

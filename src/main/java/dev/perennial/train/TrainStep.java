package dev.perennial.train;

import dev.perennial.model.Model;
import org.bytedeco.pytorch.AdamW;
import org.bytedeco.pytorch.AdamWOptions;
import org.bytedeco.pytorch.OptimizerParamGroup;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.List;

/**
 * One optimizer step as the paper takes it: forward, backward, gradient clipping to a global norm, and AdamW
 * (β = (0.9, 0.95), ε = 1e-8, weight decay 0.1 on matrices and embeddings, none on norms and biases). The
 * optimizer and its state live as long as this object; call {@link #step} inside the caller's PointerScope.
 */
public final class TrainStep implements AutoCloseable {

    public static final double BETA1 = 0.9;
    public static final double BETA2 = 0.95;
    public static final double EPS = 1e-8;
    public static final double WEIGHT_DECAY = 0.1;
    public static final double CLIP = 1.0;

    /** The loss and the gradient norm before clipping. */
    public record Result(double loss, double gradNorm) {
    }

    private final Model model;
    private final AdamW optimizer;
    private final TensorVector all;
    private final double clip;

    public TrainStep(Model model, double lr, double weightDecay, double clip) {
        this.model = model;
        this.clip = clip;
        List<Tensor> decay = new ArrayList<>();
        List<Tensor> noDecay = new ArrayList<>();
        model.parameters().values().forEach(p -> (p.dim() >= 2 ? decay : noDecay).add(p));
        this.all = new TensorVector(model.parameters().values().toArray(Tensor[]::new));
        this.optimizer = new AdamW(new TensorVector(decay.toArray(Tensor[]::new)), options(lr, weightDecay));
        if (!noDecay.isEmpty()) {
            optimizer.add_param_group(new OptimizerParamGroup(new TensorVector(noDecay.toArray(Tensor[]::new)),
                    options(lr, 0)));
        }
    }

    private static AdamWOptions options(double lr, double weightDecay) {
        AdamWOptions options = new AdamWOptions(lr);
        options.betas().put(0, BETA1).put(1, BETA2);
        options.eps().put(EPS);
        options.weight_decay().put(weightDecay);
        return options;
    }

    /** Sets the learning rate of every parameter group (DESIGN.md: per group, per step). */
    public void setLearningRate(double lr) {
        for (long i = 0; i < optimizer.param_groups().size(); i++) {
            optimizer.param_groups().get(i).options().set_lr(lr);
        }
    }

    /** One step on a batch [B, T + 1] of token ids. */
    public Result step(Tensor batch) {
        optimizer.zero_grad(true);
        Tensor loss = model.loss(batch);
        loss.backward();
        double norm = torch.clip_grad_norm_(all, clip);
        optimizer.step();
        return new Result(loss.item_double(), norm);
    }

    @Override
    public void close() {
        optimizer.close();
    }
}

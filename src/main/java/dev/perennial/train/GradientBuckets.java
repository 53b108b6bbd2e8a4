package dev.perennial.train;

import dev.perennial.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorBase;
import org.bytedeco.pytorch.VoidTensorHook;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The gradient all-reduce overlapped with the backward pass, as PyTorch's DDP does it (torch/csrc/distributed/c10d/
 * reducer.cpp): the parameters are grouped in reverse order (the order the backward pass produces their gradients)
 * into buckets of at most {@code bucketBytes} (a larger parameter gets a bucket of its own), a hook on every parameter
 * copies its gradient into its bucket as soon as autograd computed it, and a bucket whose gradients are all there is
 * all-reduced asynchronously (a c10d Work) while the backward pass goes on. Only the backward pass of a step's last
 * micro-batch is hooked ({@link #arm}); {@link #average} waits for every bucket before clipping and AdamW.
 *
 * <p>A leaf's hook runs before autograd accumulates into {@code .grad}, so it sends {@code .grad + incoming}
 * (the same float sum AccumulateGrad then stores): the buckets carry exactly the gradients the one-bucket
 * all-reduce after the backward pass would, and with two ranks (a sum of two is the same in any order) the result is
 * bit-identical to it. The bucket buffers live as long as this object.
 */
final class GradientBuckets implements AutoCloseable {

    /** Some parameters, consecutive in the reversed order, and their gradients side by side in {@code flat}. */
    private final class Bucket {
        final List<Integer> members = new ArrayList<>();
        Tensor flat;
        int missing;
        Distributed.Pending pending;

        void launch() {
            pending = distributed.allReduceSumAsync(flat);
        }
    }

    private final List<Tensor> parameters;
    private final Distributed distributed;
    private final List<Bucket> buckets = new ArrayList<>();
    private final Bucket[] bucketOf;
    private final long[] offsetOf;
    private final boolean[] ready;
    private final List<VoidTensorHook> hooks = new ArrayList<>();
    private final int[] handles;
    private volatile boolean armed;
    private int launchedByHooks;
    private RuntimeException failure;

    GradientBuckets(List<Tensor> parameters, long bucketBytes, Distributed distributed) {
        this.parameters = parameters;
        this.distributed = distributed;
        this.bucketOf = new Bucket[parameters.size()];
        this.offsetOf = new long[parameters.size()];
        this.ready = new boolean[parameters.size()];
        this.handles = new int[parameters.size()];
        Bucket current = null;
        long bytes = 0;
        for (int i = parameters.size() - 1; i >= 0; i--) {
            long size = parameters.get(i).numel() * 4;
            if (current == null || bytes + size > bucketBytes) {
                current = new Bucket();
                buckets.add(current);
                bytes = 0;
            }
            current.members.add(i);
            bucketOf[i] = current;
            offsetOf[i] = bytes / 4;
            bytes += size;
        }
        for (Bucket b : buckets) {
            long elements = 0;
            for (int i : b.members) {
                elements += parameters.get(i).numel();
            }
            b.flat = torch.zeros(new long[] {elements}, FlatLayout.fp32Like(parameters.getFirst()));
        }
        for (int i = 0; i < parameters.size(); i++) {
            int index = i;
            VoidTensorHook hook = new VoidTensorHook() {
                @Override
                public void call(TensorBase incoming) {
                    gradientReady(index, incoming);
                }
            };
            hooks.add(hook);
            handles[i] = parameters.get(i).register_hook(hook);
        }
    }

    /** How many buckets the last backward pass sent while it ran (the rest {@link #average} sent after it). */
    int launchedByHooks() {
        return launchedByHooks;
    }

    /** The parameters (indices in model order) of each bucket, in launch order. */
    List<List<Integer>> members() {
        return buckets.stream().map(b -> List.copyOf(b.members)).toList();
    }

    /** The next backward pass is the step's last: its gradients are sent as they come. */
    void arm() {
        for (Bucket b : buckets) {
            b.missing = b.members.size();
            b.pending = null;
        }
        Arrays.fill(ready, false);
        failure = null;
        launchedByHooks = 0;
        armed = true;
    }

    /** Autograd's hook: parameter {@code index}'s incoming gradient of the last backward pass. */
    private void gradientReady(int index, TensorBase incoming) {
        if (!armed || ready[index]) {
            return;
        }
        try {
            try (PointerScope scope = new PointerScope()) {
                Tensor p = parameters.get(index);
                Tensor g = new Tensor(incoming);
                Tensor total = p.grad().defined() ? p.grad().add(g) : g;
                slice(index).copy_(total.reshape(-1));
            }
            ready[index] = true;
            Bucket b = bucketOf[index];
            if (--b.missing == 0) {
                b.launch(); // outside the hook's scope: the Work must live until average() waits for it
                launchedByHooks++;
            }
        } catch (RuntimeException e) {
            failure = e; // thrown to the step by average(), not into libtorch's engine
        }
    }

    private Tensor slice(int index) {
        return bucketOf[index].flat.narrow(0, offsetOf[index], parameters.get(index).numel());
    }

    /**
     * After the last backward pass: sends what is still unsent (a parameter that got no gradient counts as zeros),
     * waits for every bucket, and leaves the average over the ranks in each {@code .grad}; returns {@code loss}
     * averaged likewise (in float, as {@link Distributed#averageGradients} does).
     */
    double average(double loss) {
        armed = false;
        if (failure != null) {
            throw failure;
        }
        for (Bucket b : buckets) {
            if (b.pending == null) {
                for (int i : b.members) {
                    if (!ready[i]) {
                        Tensor grad = parameters.get(i).grad();
                        slice(i).copy_(grad.defined() ? grad.reshape(-1) : torch.zeros_like(slice(i)));
                    }
                }
                b.launch();
            }
        }
        Tensor meanLoss = Tensors.fromFloats(new float[] {(float) loss}, 1);
        distributed.allReduceSum(meanLoss);
        Scalar world = new Scalar((double) distributed.worldSize());
        try (NoGradGuard guard = new NoGradGuard()) {
            for (Bucket b : buckets) {
                b.pending.await();
                b.flat.div_(world);
                for (int i : b.members) {
                    Tensor p = parameters.get(i);
                    if (p.grad().defined()) {
                        p.grad().copy_(slice(i).view(p.sizes().vec().get()));
                    }
                }
            }
        }
        return meanLoss.div_(world).item_double();
    }

    @Override
    public void close() {
        for (int i = 0; i < parameters.size(); i++) {
            parameters.get(i).remove_hook(handles[i]);
        }
        buckets.forEach(b -> b.flat.close());
        hooks.forEach(VoidTensorHook::close);
    }
}

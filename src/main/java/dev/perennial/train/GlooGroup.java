package dev.perennial.train;

import dev.perennial.UserError;
import dev.perennial.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.javacpp.chrono.Milliseconds;
import org.bytedeco.pytorch.GlooDeviceVector;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.ProcessGroupGloo;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.TCPStore;
import org.bytedeco.pytorch.TCPStoreOptions;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.Work;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Data parallelism on PyTorch's own c10d: a TCPStore rendezvous (rank 0 serves it) and a Gloo process group, set
 * up from torchrun's environment (MASTER_ADDR, MASTER_PORT, RANK, WORLD_SIZE, LOCAL_RANK). Collective calls wait
 * at most {@code timeout}, so a worker that dies or hangs makes the others fail with an error, not hang.
 */
final class GlooGroup implements Distributed {

    private final int rank;
    private final int worldSize;
    private final TCPStore store;
    private final ProcessGroupGloo group;
    private final long timeoutMs;

    private GlooGroup(int rank, int worldSize, TCPStore store, ProcessGroupGloo group, long timeoutMs) {
        this.rank = rank;
        this.worldSize = worldSize;
        this.store = store;
        this.group = group;
        this.timeoutMs = timeoutMs;
    }

    /** The process group of {@code world} ranks described by torchrun's variables. */
    static GlooGroup fromEnvironment(int world, Map<String, String> env, long timeoutMs) {
        for (String key : new String[] {"RANK", "MASTER_ADDR", "MASTER_PORT"}) {
            if (!env.containsKey(key)) {
                throw new UserError("WORLD_SIZE is " + world + " but " + key + " is not set; start workers with "
                        + "'perennial launch' or a launcher that sets torchrun's variables");
            }
        }
        int rank = Integer.parseInt(env.get("RANK"));
        String host = env.get("MASTER_ADDR");
        short port = (short) Integer.parseInt(env.get("MASTER_PORT"));
        TCPStoreOptions options = new TCPStoreOptions();
        options.port(port);
        options.isServer(rank == 0);
        options.waitWorkers(false); // the process group's own rendezvous waits for every rank
        options.timeout(new Milliseconds(timeoutMs));
        TCPStore store;
        try {
            store = new TCPStore(host, options);
        } catch (RuntimeException e) {
            throw new UserError("rank " + rank + ": the rendezvous at " + host + ":" + (port & 0xffff) + " failed ("
                    + e.getMessage() + "); check MASTER_ADDR/MASTER_PORT and that every worker started", e);
        }
        ProcessGroupGloo.Options glooOptions = ProcessGroupGloo.Options.create(new Milliseconds(timeoutMs));
        glooOptions.devices(new GlooDeviceVector(ProcessGroupGloo.createDeviceForHostname(host)));
        ProcessGroupGloo group = new ProcessGroupGloo(store, rank, world, glooOptions);
        return new GlooGroup(rank, world, store, group, timeoutMs);
    }

    @Override
    public int rank() {
        return rank;
    }

    @Override
    public int worldSize() {
        return worldSize;
    }

    @Override
    public void allReduceSum(Tensor tensor) {
        await(group.allreduce(new TensorVector(tensor)), "all-reduce");
    }

    @Override
    public double sum(double value) {
        try (PointerScope scope = new PointerScope()) {
            Tensor sum = Tensors.fromDoubles(new double[] {value}, torch.ScalarType.Double, 1);
            allReduceSum(sum);
            return sum.item_double();
        }
    }

    @Override
    public boolean any(boolean flag) {
        try (PointerScope scope = new PointerScope()) {
            Tensor sum = Tensors.fromFloats(new float[] {flag ? 1 : 0}, 1);
            allReduceSum(sum);
            return Tensors.toFloats(sum)[0] > 0;
        }
    }

    /**
     * One all-reduce of all gradients, flattened into a single bucket, then divided by the number of ranks: every
     * rank ends the step with the same gradients, hence the same clipping and the same update. The loss rides along.
     */
    @Override
    public double averageGradients(Collection<Tensor> parameters, double loss) {
        List<Tensor> grads = new ArrayList<>();
        for (Tensor p : parameters) {
            grads.add(p.grad().reshape(-1));
        }
        grads.add(Tensors.fromFloats(new float[] {(float) loss}, 1).to(grads.getFirst().scalar_type()));
        Tensor bucket = torch.cat(new TensorVector(grads.toArray(Tensor[]::new)));
        allReduceSum(bucket);
        bucket.div_(new Scalar((double) worldSize));
        long offset = 0;
        try (NoGradGuard guard = new NoGradGuard()) {
            for (Tensor p : parameters) {
                long n = p.numel();
                p.grad().copy_(bucket.narrow(0, offset, n).view(p.sizes().vec().get()));
                offset += n;
            }
        }
        return bucket.select(0, offset).item_double();
    }

    /** Gloo in this libtorch has c10d's {@code _reduce_scatter_base}: each rank receives only its part. */
    @Override
    public void reduceScatterSum(Tensor flat, Tensor shard) {
        await(group._reduce_scatter_base(shard, flat), "reduce-scatter");
    }

    @Override
    public void allGather(Tensor shard, Tensor flat) {
        await(group._allgather_base(flat, shard), "all-gather");
    }

    @Override
    public Pending allReduceSumAsync(Tensor tensor) {
        // launched inside a micro-batch's PointerScope (a gradient hook), waited for after it closed: the Work is
        // kept alive past that scope and released once waited for
        Work work = group.allreduce(new TensorVector(tensor)).retainReference();
        return () -> {
            try {
                await(work, "all-reduce");
            } finally {
                work.releaseReference();
            }
        };
    }

    @Override
    public void broadcast(Tensor tensor) {
        await(group.broadcast(new TensorVector(tensor)), "broadcast");
    }

    @Override
    public void barrier() {
        await(group.barrier(), "barrier");
    }

    private void await(Work work, String what) {
        try {
            work._wait(new Milliseconds(timeoutMs));
        } catch (RuntimeException e) {
            throw new UserError("rank " + rank + ": " + what + " failed: another worker stopped or did not answer "
                    + "within " + timeoutMs / 1000 + " s (" + e.getMessage().lines().findFirst().orElse("") + ")", e);
        }
    }

    @Override
    public void close() {
        group.close();
        store.close();
    }
}

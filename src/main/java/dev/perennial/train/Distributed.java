package dev.perennial.train;

import dev.perennial.UserError;
import org.bytedeco.javacpp.chrono.Milliseconds;
import org.bytedeco.pytorch.GlooDeviceVector;
import org.bytedeco.pytorch.ProcessGroupGloo;
import org.bytedeco.pytorch.TCPStore;
import org.bytedeco.pytorch.TCPStoreOptions;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.Work;

import java.util.Map;

/**
 * Data parallelism on PyTorch's own c10d: a TCPStore rendezvous (rank 0 serves it) and a Gloo process group, set
 * up from torchrun's environment (MASTER_ADDR, MASTER_PORT, RANK, WORLD_SIZE, LOCAL_RANK). Collective calls wait
 * at most {@code timeout}, so a worker that dies or hangs makes the others fail with an error, not hang.
 */
public final class Distributed implements AutoCloseable {

    private final int rank;
    private final int worldSize;
    private final TCPStore store;
    private final ProcessGroupGloo group;
    private final long timeoutMs;

    private Distributed(int rank, int worldSize, TCPStore store, ProcessGroupGloo group, long timeoutMs) {
        this.rank = rank;
        this.worldSize = worldSize;
        this.store = store;
        this.group = group;
        this.timeoutMs = timeoutMs;
    }

    /** The process group described by torchrun's variables, or null when WORLD_SIZE is absent or 1. */
    public static Distributed fromEnvironment(Map<String, String> env, long timeoutMs) {
        int world = Integer.parseInt(env.getOrDefault("WORLD_SIZE", "1"));
        if (world <= 1) {
            return null;
        }
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
        return new Distributed(rank, world, store, group, timeoutMs);
    }

    public int rank() {
        return rank;
    }

    public int worldSize() {
        return worldSize;
    }

    /** Sums {@code tensor} over all ranks in place. */
    public void allReduceSum(Tensor tensor) {
        await(group.allreduce(new TensorVector(tensor)), "all-reduce");
    }

    /** Replaces {@code tensor} by rank 0's in place. */
    public void broadcast(Tensor tensor) {
        await(group.broadcast(new TensorVector(tensor)), "broadcast");
    }

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

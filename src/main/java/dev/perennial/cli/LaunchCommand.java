package dev.perennial.cli;

import dev.perennial.UserError;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import sun.misc.Signal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code perennial launch}: starts the workers of one node with torchrun's environment (MASTER_ADDR, MASTER_PORT,
 * RANK, WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE), prefixes their output with their rank, forwards SIGINT/SIGTERM,
 * and when one worker fails stops the others and exits non-zero naming it.
 */
@Command(name = "launch", mixinStandardHelpOptions = true,
        description = {"Start N data-parallel workers of a Perennial command on this node (torchrun's conventions); "
                + "workers rendezvous through c10d's TCPStore and train with a Gloo process group.", ""},
        footer = {"", "Example:", "  perennial launch --nproc-per-node 2 -- train run.yaml"})
public final class LaunchCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Option(names = "--nproc-per-node", required = true, paramLabel = "N", description = "Workers on this node.")
    int perNode;

    @Option(names = "--nnodes", defaultValue = "1", paramLabel = "K", description = "Nodes (default 1).")
    int nodes;

    @Option(names = "--node-rank", defaultValue = "0", paramLabel = "R", description = "This node's rank (default 0).")
    int nodeRank;

    @Option(names = "--master-addr", defaultValue = "127.0.0.1", paramLabel = "A",
            description = "Address of rank 0's node (default 127.0.0.1).")
    String masterAddr;

    @Option(names = "--master-port", defaultValue = "29500", paramLabel = "P", description = "Rendezvous port.")
    int masterPort;

    @Option(names = "--timeout", defaultValue = "120", paramLabel = "S",
            description = "Seconds a worker waits for the others before failing (default 120).")
    int timeout;

    @Parameters(arity = "1..*", paramLabel = "COMMAND", description = "The worker command, after --, e.g. train run.yaml.")
    List<String> command;

    @Override
    public void run() {
        if (perNode < 1 || nodes < 1 || nodeRank < 0 || nodeRank >= nodes) {
            throw new UserError("--nproc-per-node and --nnodes must be at least 1 and --node-rank below --nnodes");
        }
        PrintWriter out = spec.commandLine().getOut();
        List<Process> workers = new ArrayList<>();
        for (int local = 0; local < perNode; local++) {
            workers.add(start(local));
        }
        for (String name : new String[] {"INT", "TERM"}) {
            Signal.handle(new Signal(name), s -> workers.forEach(Process::destroy)); // each finishes its step
        }
        List<Thread> pumps = new ArrayList<>();
        for (int local = 0; local < perNode; local++) {
            pumps.add(pump(workers.get(local), nodeRank * perNode + local, out));
        }
        int failedRank = -1;
        int failedCode = 0;
        while (workers.stream().anyMatch(Process::isAlive)) {
            for (int local = 0; local < perNode && failedRank < 0; local++) {
                Process p = workers.get(local);
                if (!p.isAlive() && p.exitValue() != 0) {
                    failedRank = nodeRank * perNode + local;
                    failedCode = p.exitValue();
                    stopAll(workers);
                }
            }
            sleep(100);
        }
        pumps.forEach(LaunchCommand::join);
        for (int local = 0; local < perNode && failedRank < 0; local++) {
            if (workers.get(local).exitValue() != 0) {
                failedRank = nodeRank * perNode + local;
                failedCode = workers.get(local).exitValue();
            }
        }
        if (failedRank >= 0) {
            throw new UserError("worker rank " + failedRank + " exited with code " + failedCode + "; the other workers "
                    + "were stopped. Run the same command again to resume from the newest checkpoint (any worker count "
                    + "that divides global_batch works)");
        }
        out.println("all " + perNode + " workers finished");
    }

    private Process start(int local) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Main.class.getName());
        cmd.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(cmd).redirectErrorStream(true);
        var env = builder.environment();
        env.put("MASTER_ADDR", masterAddr);
        env.put("MASTER_PORT", String.valueOf(masterPort));
        env.put("RANK", String.valueOf(nodeRank * perNode + local));
        env.put("WORLD_SIZE", String.valueOf(nodes * perNode));
        env.put("LOCAL_RANK", String.valueOf(local));
        env.put("LOCAL_WORLD_SIZE", String.valueOf(perNode));
        env.put("PERENNIAL_DIST_TIMEOUT", String.valueOf(timeout));
        // the cores of the node are shared among its workers
        env.putIfAbsent("OMP_NUM_THREADS", String.valueOf(Math.max(1, Runtime.getRuntime().availableProcessors()
                / perNode)));
        try {
            return builder.start();
        } catch (IOException e) {
            throw new UserError("could not start worker " + local + ": " + e.getMessage(), e);
        }
    }

    private static Thread pump(Process p, int rank, PrintWriter out) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    synchronized (out) {
                        out.println("[rank " + rank + "] " + line);
                        out.flush();
                    }
                }
            } catch (IOException ignored) {
                // the worker is gone
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void stopAll(List<Process> workers) {
        workers.forEach(Process::destroy);
        for (Process p : workers) {
            try {
                if (!p.waitFor(15, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void join(Thread t) {
        try {
            t.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

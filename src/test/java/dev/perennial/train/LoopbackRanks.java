package dev.perennial.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * W ranks of a real Gloo group in one JVM, one thread each, over loopback: collectives and optimizers tested without
 * starting worker processes.
 */
final class LoopbackRanks {

    private LoopbackRanks() {
    }

    /** {@code work} run on every rank of a group of {@code world} (rendezvous on {@code port}), results by rank. */
    static <T> List<T> run(int world, int port, Function<Distributed, T> work) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(world);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int r = 0; r < world; r++) {
                Map<String, String> env = Map.of("WORLD_SIZE", String.valueOf(world), "RANK", String.valueOf(r),
                        "MASTER_ADDR", "127.0.0.1", "MASTER_PORT", String.valueOf(port));
                futures.add(pool.submit(() -> {
                    try (Distributed group = Distributed.fromEnvironment(env, 30_000)) {
                        return work.apply(group);
                    }
                }));
            }
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get(120, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}

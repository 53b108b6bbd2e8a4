package dev.perennial.serve;

import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bounds generation: at most {@code maxConcurrent} run at once, at most {@code maxQueued} more wait for a slot
 * in arrival order, and anything beyond is refused at once (HTTP 429) instead of piling up. Counts what happened
 * for /api/health.
 */
final class GenerationGate {

    private final int maxConcurrent;
    private final int maxQueued;
    private final Semaphore slots;
    private final AtomicInteger admitted = new AtomicInteger();
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong cancelled = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();

    /** A generation slot; close it when done. */
    final class Permit implements AutoCloseable {
        private boolean closed;

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                running.decrementAndGet();
                slots.release();
                admitted.decrementAndGet();
            }
        }
    }

    GenerationGate(int maxConcurrent, int maxQueued) {
        this.maxConcurrent = maxConcurrent;
        this.maxQueued = maxQueued;
        this.slots = new Semaphore(maxConcurrent, true);
    }

    Permit enter() {
        if (admitted.incrementAndGet() > maxConcurrent + maxQueued) {
            admitted.decrementAndGet();
            refused.incrementAndGet();
            throw ApiError.busy(maxConcurrent, maxQueued);
        }
        try {
            slots.acquire();
        } catch (InterruptedException e) {
            admitted.decrementAndGet();
            Thread.currentThread().interrupt();
            throw new ApiError(503, "server_error", null, "the server is shutting down");
        }
        running.incrementAndGet();
        return new Permit();
    }

    void finished(boolean wasCancelled) {
        (wasCancelled ? cancelled : completed).incrementAndGet();
    }

    int running() {
        return running.get();
    }

    int waiting() {
        return admitted.get() - running.get();
    }

    long completed() {
        return completed.get();
    }

    long cancelled() {
        return cancelled.get();
    }

    long refused() {
        return refused.get();
    }
}

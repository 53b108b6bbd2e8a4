package dev.perennial.train;

import sun.misc.Signal;

import java.util.concurrent.atomic.AtomicBoolean;

/** SIGINT and SIGTERM ask training to stop after the current step, with a checkpoint, instead of dying mid-step. */
final class StopSignal {

    private final AtomicBoolean requested = new AtomicBoolean();

    static StopSignal install() {
        StopSignal stop = new StopSignal();
        for (String name : new String[] {"INT", "TERM"}) {
            try {
                Signal.handle(new Signal(name), s -> {
                    if (stop.requested.getAndSet(true)) {
                        Runtime.getRuntime().halt(130); // a second signal: stop now
                    }
                    System.err.println("\nperennial: SIG" + name + " received; finishing this step and writing a "
                            + "checkpoint (signal again to stop at once)");
                });
            } catch (IllegalArgumentException e) {
                // the signal is not available on this platform
            }
        }
        return stop;
    }

    static StopSignal never() {
        return new StopSignal();
    }

    boolean requested() {
        return requested.get();
    }

    void request() {
        requested.set(true);
    }
}

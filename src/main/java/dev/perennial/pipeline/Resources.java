package dev.perennial.pipeline;

import java.util.function.Function;

/** Loaded models handed on to what is built over them. */
final class Resources {

    private Resources() {
    }

    /**
     * What {@code build} makes of {@code resource} (a loaded model), which then owns it; the resource is closed if
     * building fails, so a bad tokenizer or config found after loading frees the weights.
     */
    static <R extends AutoCloseable, T> T builtOver(R resource, Function<R, T> build) {
        try {
            return build.apply(resource);
        } catch (RuntimeException e) {
            try {
                resource.close();
            } catch (Exception closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }
}

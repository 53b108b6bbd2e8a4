package dev.perennial.pipeline;

import dev.perennial.UserError;

/** An input a task cannot take (a missing field, an empty text): the HTTP API answers it with 400. */
public final class PipelineInputError extends UserError {

    public PipelineInputError(String message) {
        super(message);
    }
}

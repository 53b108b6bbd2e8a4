package dev.perennial.eval;

import dev.perennial.UserError;

/** A task file or record that cannot be scored, named by file and line. */
public final class TaskException extends UserError {

    public TaskException(String problem) {
        super(problem);
    }
}

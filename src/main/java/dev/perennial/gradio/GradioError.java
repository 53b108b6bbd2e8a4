package dev.perennial.gradio;

/**
 * A call that failed for a reason its caller can fix (a bad input, a busy model): the message goes to the client
 * as the event's error ({@code process_completed} with {@code success: false}), never with a stack trace.
 */
public final class GradioError extends RuntimeException {

    public GradioError(String message) {
        super(message);
    }

    public GradioError(String message, Throwable cause) {
        super(message, cause);
    }
}

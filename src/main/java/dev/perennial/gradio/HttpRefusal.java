package dev.perennial.gradio;

/** A Gradio API request refused with an HTTP status and FastAPI's body {@code {"detail": MESSAGE}}. */
final class HttpRefusal extends RuntimeException {

    private final int status;

    HttpRefusal(int status, String detail) {
        super(detail);
        this.status = status;
    }

    int status() {
        return status;
    }
}

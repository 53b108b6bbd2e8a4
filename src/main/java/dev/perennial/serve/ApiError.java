package dev.perennial.serve;

/**
 * A request the server refuses, with the HTTP status and OpenAI's error shape:
 * {@code {"error": {"message", "type", "param", "code"}}}, where {@code code} is OpenAI's string for the kinds of
 * refusal that clients branch on ({@code model_not_found}, {@code invalid_api_key}, {@code context_length_exceeded},
 * {@code rate_limit_exceeded}, ...) and null otherwise, as OpenAI answers.
 */
final class ApiError extends RuntimeException {

    private final int status;
    private final String type;
    private final String param;
    private final String code;

    ApiError(int status, String type, String param, String message) {
        this(status, type, param, null, message);
    }

    ApiError(int status, String type, String param, String code, String message) {
        super(message);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
    }

    static ApiError badRequest(String param, String message) {
        return new ApiError(400, "invalid_request_error", param, message);
    }

    static ApiError notFound(String message) {
        return new ApiError(404, "not_found_error", null, message);
    }

    static ApiError tooLarge(long limit) {
        return new ApiError(413, "invalid_request_error", null, "request_too_large",
                "the request body is larger than " + limit + " bytes (--max-request-bytes)");
    }

    static ApiError busy(int running, int queued) {
        return new ApiError(429, "rate_limit_error", null, "rate_limit_exceeded", "the server is busy: " + running + " model requests "
                + "(generations, pipeline passes) are running and " + queued + " waiting (--max-concurrent, "
                + "--max-queued); try again");
    }

    static ApiError unauthorized() {
        return new ApiError(401, "authentication_error", null, "invalid_api_key",
                "missing or wrong API key; send the header 'Authorization: Bearer KEY'");
    }

    int status() {
        return status;
    }

    String type() {
        return type;
    }

    String param() {
        return param;
    }

    /** OpenAI's error code string, or null. */
    String code() {
        return code;
    }
}

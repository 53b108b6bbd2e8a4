package dev.perennial.serve;

/**
 * A request the server refuses, with the HTTP status and OpenAI's error shape:
 * {@code {"error": {"message", "type", "param", "code"}}}.
 */
final class ApiError extends RuntimeException {

    private final int status;
    private final String type;
    private final String param;

    ApiError(int status, String type, String param, String message) {
        super(message);
        this.status = status;
        this.type = type;
        this.param = param;
    }

    static ApiError badRequest(String param, String message) {
        return new ApiError(400, "invalid_request_error", param, message);
    }

    static ApiError notFound(String message) {
        return new ApiError(404, "not_found_error", null, message);
    }

    static ApiError tooLarge(long limit) {
        return new ApiError(413, "invalid_request_error", null,
                "the request body is larger than " + limit + " bytes (--max-request-bytes)");
    }

    static ApiError busy(int running, int queued) {
        return new ApiError(429, "rate_limit_error", null, "the server is busy: " + running + " model requests "
                + "(generations, pipeline passes) are running and " + queued + " waiting (--max-concurrent, "
                + "--max-queued); try again");
    }

    static ApiError unauthorized() {
        return new ApiError(401, "authentication_error", null,
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
}

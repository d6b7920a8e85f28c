package dev.switchboard.wire;

/**
 * Normalized failure classes. {@link #retryable()} says whether another attempt (on another
 * provider, or later on the same one) can succeed; {@link #httpStatus()} is what the client sees
 * when this failure ends its request.
 */
public enum ErrorClass {
    BAD_REQUEST(400, false),
    CONTEXT_LENGTH_EXCEEDED(400, false),
    INSUFFICIENT_CREDIT(402, false),
    CONTENT_FILTERED(403, false),
    NOT_FOUND(404, false),
    TIMEOUT(408, true),
    RATE_LIMITED(429, true),
    AUTH(502, true),
    UPSTREAM(502, true),
    OVERLOADED(503, true),
    NO_PROVIDER(503, false),
    INTERNAL(500, false);

    private final int httpStatus;
    private final boolean retryable;

    ErrorClass(int httpStatus, boolean retryable) {
        this.httpStatus = httpStatus;
        this.retryable = retryable;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public boolean retryable() {
        return retryable;
    }

    /** Classifies an upstream HTTP status. */
    public static ErrorClass fromUpstreamStatus(int status) {
        return switch (status) {
            case 400, 422 -> BAD_REQUEST;
            case 401, 403 -> AUTH;
            case 404 -> NOT_FOUND;
            case 408 -> TIMEOUT;
            case 413 -> CONTEXT_LENGTH_EXCEEDED;
            case 429 -> RATE_LIMITED;
            case 503, 529 -> OVERLOADED;
            default -> UPSTREAM;
        };
    }
}

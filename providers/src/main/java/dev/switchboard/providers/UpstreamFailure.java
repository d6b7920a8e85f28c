package dev.switchboard.providers;

import dev.switchboard.wire.ErrorClass;

/** A provider answered with an error, or with something that is not its protocol. */
public final class UpstreamFailure extends RuntimeException {

    private final ErrorClass errorClass;
    private final Integer httpStatus;
    private final Long retryAfterMillis;

    public UpstreamFailure(ErrorClass errorClass, String message, Integer httpStatus) {
        this(errorClass, message, httpStatus, null);
    }

    private UpstreamFailure(ErrorClass errorClass, String message, Integer httpStatus, Long retryAfterMillis) {
        super(message, null, false, false);
        this.errorClass = errorClass;
        this.httpStatus = httpStatus;
        this.retryAfterMillis = retryAfterMillis;
    }

    /** The same failure with the wait the provider asked for ({@code Retry-After}). */
    public UpstreamFailure withRetryAfter(long millis) {
        return new UpstreamFailure(errorClass, getMessage(), httpStatus, millis);
    }

    public static UpstreamFailure malformed(String what) {
        return new UpstreamFailure(ErrorClass.UPSTREAM, "invalid response from provider: " + what, null);
    }

    /** The request cannot be put in this provider's protocol (the client's mistake; not retried elsewhere). */
    public static UpstreamFailure badRequest(String message) {
        return new UpstreamFailure(ErrorClass.BAD_REQUEST, message, null);
    }

    /** The provider reported an error inside a stream it had started with a 2xx status. */
    public static UpstreamFailure inStream(ErrorClass errorClass, String message) {
        return new UpstreamFailure(errorClass, "provider error in stream: " + truncate(message), null);
    }

    /** Provider messages can be long (some echo the prompt): keep the first 300 characters. */
    public static String truncate(String s) {
        if (s == null) {
            return "unknown";
        }
        return s.length() <= 300 ? s : s.substring(0, 300) + "...";
    }

    public ErrorClass errorClass() {
        return errorClass;
    }

    public Integer httpStatus() {
        return httpStatus;
    }

    /** How long the provider asked callers to wait before trying again, or null when it did not say. */
    public Long retryAfterMillis() {
        return retryAfterMillis;
    }

    /**
     * A {@code Retry-After} header's wait in ms: delta-seconds or an HTTP date; null when absent,
     * unreadable or over an hour (no request waits that long).
     */
    public static Long parseRetryAfter(String header, long nowMillis) {
        if (header == null || header.isBlank()) {
            return null;
        }
        long millis;
        try {
            millis = Long.parseLong(header.strip()) * 1000;
        } catch (NumberFormatException notSeconds) {
            try {
                millis = java.time.ZonedDateTime.parse(
                                        header.strip(), java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME)
                                .toInstant()
                                .toEpochMilli()
                        - nowMillis;
            } catch (java.time.format.DateTimeParseException notDate) {
                return null;
            }
        }
        return millis < 0 || millis > 3_600_000 ? null : millis;
    }
}

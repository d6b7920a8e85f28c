package dev.switchboard.router.provider;

import dev.switchboard.wire.ErrorClass;

/** A provider answered with an error, or with something that is not its protocol. */
public final class UpstreamFailure extends RuntimeException {

    private final ErrorClass errorClass;
    private final Integer httpStatus;

    public UpstreamFailure(ErrorClass errorClass, String message, Integer httpStatus) {
        super(message, null, false, false);
        this.errorClass = errorClass;
        this.httpStatus = httpStatus;
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
}

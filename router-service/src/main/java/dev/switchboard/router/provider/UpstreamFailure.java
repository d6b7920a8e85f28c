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

    public ErrorClass errorClass() {
        return errorClass;
    }

    public Integer httpStatus() {
        return httpStatus;
    }
}

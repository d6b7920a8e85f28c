package dev.switchboard.auth.service;

/** Every failure auth-service reports to a caller, with the HTTP status of the public error shape. */
public class AuthException extends RuntimeException {

    private final int status;

    public AuthException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }

    public static AuthException invalidKey() {
        return new AuthException(401, "Invalid API key");
    }

    public static AuthException missingKey() {
        return new AuthException(401, "Missing API key");
    }

    public static AuthException forbidden(String why) {
        return new AuthException(403, why);
    }

    public static AuthException insufficientCredit() {
        return new AuthException(402, "Insufficient credit: add credit or lower max_tokens");
    }

    public static AuthException notFound(String what) {
        return new AuthException(404, what + " not found");
    }

    public static AuthException badRequest(String why) {
        return new AuthException(400, why);
    }
}

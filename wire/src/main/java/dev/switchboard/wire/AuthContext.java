package dev.switchboard.wire;

/**
 * The verified caller of a request, as auth-service answered the edge. Only auth-service ever
 * sees the caller's key; everything downstream gets this.
 *
 * @param holdNanos credit reserved for this request, in nano-USD
 */
public record AuthContext(String accountId, String keyId, String holdId, long holdNanos) {
}

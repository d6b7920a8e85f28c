package dev.switchboard.wire;

/**
 * The verified caller of a request, as auth-service answered the edge. Only auth-service ever
 * sees the caller's key; everything downstream gets this.
 *
 * @param holdId    the credit hold of this request, or null when it runs without one (the edge's
 *                  bounded grace while auth-service cannot reach its database)
 * @param holdNanos credit reserved for this request, in nano-USD
 */
public record AuthContext(
        String accountId, String keyId, String holdId, long holdNanos, AccountPreferences preferences) {

    public AuthContext {
        preferences = preferences == null ? AccountPreferences.NONE : preferences;
    }
}

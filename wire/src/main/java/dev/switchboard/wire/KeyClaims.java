package dev.switchboard.wire;

/**
 * What auth-service vouches for about a key, without reserving credit: whose it is, what kind,
 * its rate limits and its account's preferences. {@code version} changes whenever the key or the
 * account's preferences change, so a cache can tell a stale entry.
 *
 * @param kind            {@link #INFERENCE} or {@link #MANAGEMENT}
 * @param rateLimitRpm    requests per minute allowed, null for none
 * @param rateLimitTpm    tokens per minute allowed, null for none
 */
public record KeyClaims(
        String accountId,
        String keyId,
        String kind,
        Integer rateLimitRpm,
        Integer rateLimitTpm,
        AccountPreferences preferences,
        long version) {

    public static final String INFERENCE = "inference";
    public static final String MANAGEMENT = "management";

    public KeyClaims {
        preferences = preferences == null ? AccountPreferences.NONE : preferences;
    }

    /** Edge → auth body of a key check. */
    public record Verify(String key) {}
}

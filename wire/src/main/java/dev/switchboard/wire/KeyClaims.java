package dev.switchboard.wire;

/** What auth-service vouches for about a key, without reserving credit. {@code kind} is inference or management. */
public record KeyClaims(String accountId, String keyId, String kind) {

    public static final String INFERENCE = "inference";
    public static final String MANAGEMENT = "management";

    /** Edge → auth body of a key check. */
    public record Verify(String key) {
    }
}

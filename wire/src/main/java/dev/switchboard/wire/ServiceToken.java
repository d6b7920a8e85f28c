package dev.switchboard.wire;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The shared credential every {@code /internal} endpoint requires, carried in
 * {@link #HEADER}. Compared in constant time.
 */
public final class ServiceToken {

    public static final String HEADER = "X-Switchboard-Service-Token";

    private final byte[] expected;

    public ServiceToken(String token) {
        if (token == null || token.isBlank()) {
            throw new IllegalStateException("switchboard.internal.token must be set");
        }
        this.expected = token.getBytes(StandardCharsets.UTF_8);
    }

    public boolean accepts(String presented) {
        return presented != null && MessageDigest.isEqual(presented.getBytes(StandardCharsets.UTF_8), expected);
    }
}

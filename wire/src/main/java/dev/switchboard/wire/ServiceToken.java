package dev.switchboard.wire;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * The shared credential every {@code /internal} endpoint requires, carried in {@link #HEADER}, with
 * the credentials also accepted while one is being rotated. Compared in constant time, against every
 * accepted credential whichever matches.
 */
public final class ServiceToken {

    public static final String HEADER = "X-Switchboard-Service-Token";

    private final List<byte[]> accepted;

    public ServiceToken(String token) {
        this(token, List.of());
    }

    /** {@code token}, and {@code alsoAccepted} (blank entries ignored) during a rotation. */
    public ServiceToken(String token, List<String> alsoAccepted) {
        if (token == null || token.isBlank()) {
            throw new IllegalStateException("switchboard.internal.token must be set");
        }
        List<byte[]> all = new ArrayList<>();
        all.add(token.getBytes(StandardCharsets.UTF_8));
        for (String other : alsoAccepted) {
            if (other != null && !other.isBlank()) {
                all.add(other.strip().getBytes(StandardCharsets.UTF_8));
            }
        }
        this.accepted = List.copyOf(all);
    }

    public boolean accepts(String presented) {
        if (presented == null) {
            return false;
        }
        byte[] bytes = presented.getBytes(StandardCharsets.UTF_8);
        boolean matched = false;
        for (byte[] expected : accepted) {
            // no early exit: the time taken does not say which credential matched
            matched |= MessageDigest.isEqual(bytes, expected);
        }
        return matched;
    }
}

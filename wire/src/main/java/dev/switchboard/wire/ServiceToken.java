package dev.switchboard.wire;

import java.util.ArrayList;
import java.util.List;

/**
 * The shared credential every {@code /internal} endpoint requires, carried in {@link #HEADER}, with
 * the credentials also accepted while one is being rotated. Compared in constant time, against every
 * accepted credential whichever matches.
 */
public final class ServiceToken {

    public static final String HEADER = "X-Switchboard-Service-Token";

    private final AcceptedSecrets accepted;

    public ServiceToken(String token) {
        this(token, List.of());
    }

    /** {@code token}, and {@code alsoAccepted} (blank entries ignored) during a rotation. */
    public ServiceToken(String token, List<String> alsoAccepted) {
        if (token == null || token.isBlank()) {
            throw new IllegalStateException("switchboard.internal.token must be set");
        }
        List<String> all = new ArrayList<>();
        all.add(token);
        for (String other : alsoAccepted) {
            if (other != null && !other.isBlank()) {
                all.add(other.strip());
            }
        }
        this.accepted = new AcceptedSecrets(all);
    }

    public boolean accepts(String presented) {
        return accepted.accepts(presented);
    }
}

package dev.switchboard.wire;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Secrets a caller may present (a credential and those also accepted while it is rotated), compared
 * in constant time against every one of them whichever matches, so the time taken does not say which.
 */
public final class AcceptedSecrets {

    private final List<byte[]> accepted;

    /** {@code secrets}, none blank (callers drop blank entries). */
    public AcceptedSecrets(List<String> secrets) {
        this.accepted =
                secrets.stream().map(s -> s.getBytes(StandardCharsets.UTF_8)).toList();
    }

    /**
     * {@code Authorization} header values for a bearer token and those also accepted while it is
     * rotated (blank entries dropped).
     */
    public static AcceptedSecrets bearers(String token, Optional<List<String>> alsoAccepted) {
        List<String> bearers = new ArrayList<>();
        bearers.add("Bearer " + token);
        for (String other : alsoAccepted.orElse(List.of())) {
            if (!other.isBlank()) {
                bearers.add("Bearer " + other.strip());
            }
        }
        return new AcceptedSecrets(bearers);
    }

    public boolean accepts(String presented) {
        if (presented == null) {
            return false;
        }
        byte[] bytes = presented.getBytes(StandardCharsets.UTF_8);
        boolean matched = false;
        for (byte[] expected : accepted) {
            // no early exit
            matched |= MessageDigest.isEqual(bytes, expected);
        }
        return matched;
    }
}

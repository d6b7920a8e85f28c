package dev.switchboard.providers;

import java.util.Map;

/**
 * A health probe: a {@code GET} of {@code url} with {@code headers}, the cheapest authenticated call
 * that tells whether a provider answers (its model list, in its family's path and credential
 * header). Free, and it checks the credential too: a revoked key shows as down before a user
 * request fails on it. {@link #toString()} leaves the headers out (they hold the credential).
 */
public record ProbeRequest(String url, Map<String, String> headers) {

    public ProbeRequest {
        headers = Map.copyOf(headers);
    }

    /** {@code Authorization: Bearer}, or nothing when there is no credential (the probe then shows the provider refusing). */
    public static Map<String, String> bearer(String credential) {
        return credential == null ? Map.of() : Map.of("Authorization", "Bearer " + credential);
    }

    @Override
    public String toString() {
        return "ProbeRequest[" + url + "]";
    }
}

package dev.switchboard.simulator;

import io.vertx.core.http.HttpServerRequest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Which credential each provider accepts, and what a request presented. Every value found in any
 * credential-bearing place is reported (as a fingerprint), whatever the family, so a test can prove
 * that a caller's own key never reached a provider, not just that the right one did.
 */
public final class Credentials {

    private final SimulatorConfig config;

    public Credentials(SimulatorConfig config) {
        this.config = config;
    }

    /** The provider's one credential: configured, or the family's default for that provider. */
    public String of(String provider, Family family) {
        String configured = config.credential(provider);
        return configured != null ? configured : family.defaultCredential(provider);
    }

    /** Credential values on the request: bearer token, api-key, x-api-key, x-goog-api-key, query key, SigV4 access key id. */
    public static List<String> presented(HttpServerRequest request) {
        List<String> out = new ArrayList<>();
        String authorization = request.getHeader("Authorization");
        if (authorization != null && !authorization.isBlank()) {
            String lower = authorization.toLowerCase(Locale.ROOT);
            if (lower.startsWith("bearer ")) {
                out.add(authorization.substring("bearer ".length()).trim());
            } else if (lower.startsWith("aws4-hmac-sha256")) {
                String accessKeyId = SigV4Verifier.accessKeyId(authorization);
                if (accessKeyId != null) {
                    out.add(accessKeyId);
                }
            } else {
                out.add(authorization);
            }
        }
        for (String header : List.of("api-key", "x-api-key", "x-goog-api-key")) {
            String value = request.getHeader(header);
            if (value != null && !value.isBlank()) {
                out.add(value);
            }
        }
        String key = request.getParam("key");
        if (key != null && !key.isBlank()) {
            out.add(key);
        }
        return out;
    }

    /** The first 16 hex characters of SHA-256(value): identifies a credential without revealing it. */
    public static String fingerprint(String value) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}

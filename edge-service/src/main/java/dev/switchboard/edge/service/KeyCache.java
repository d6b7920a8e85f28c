package dev.switchboard.edge.service;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.switchboard.edge.config.EdgeConfig;
import dev.switchboard.wire.KeyClaims;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Verified keys, bounded and short-lived: key digest → claims. Entries go on a key event (every
 * replica listens), on a version mismatch found by the periodic consistency check, or after the
 * TTL. Keyed by SHA-256 of the key so the map never holds a key itself. Credit holds are never
 * cached: every request still reserves credit with auth-service.
 */
@ApplicationScoped
public class KeyCache {

    private final Cache<String, Entry> byDigest;
    private final Map<String, String> digestByKeyId = new ConcurrentHashMap<>();
    private final long ttlMillis;

    public KeyCache(EdgeConfig config) {
        this.ttlMillis = config.keyCache().ttl().toMillis();
        // entries outlive the TTL (up to the grace period) so they can serve during an auth outage
        long keepMillis = Math.max(ttlMillis, config.authGrace().period().toMillis());
        this.byDigest = Caffeine.newBuilder()
                .maximumSize(config.keyCache().maxSize())
                .expireAfterWrite(java.time.Duration.ofMillis(keepMillis))
                .removalListener(
                        (String digest, Entry entry, com.github.benmanes.caffeine.cache.RemovalCause cause) -> {
                            if (entry != null) {
                                digestByKeyId.remove(entry.claims().keyId(), digest);
                            }
                        })
                .build();
    }

    /** One cached verification. */
    public record Entry(KeyClaims claims, long verifiedAtMillis) {}

    public static String digest(String key) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Claims verified within the TTL. */
    public Optional<KeyClaims> fresh(String digest) {
        Entry entry = byDigest.getIfPresent(digest);
        return entry != null && System.currentTimeMillis() - entry.verifiedAtMillis() < ttlMillis
                ? Optional.of(entry.claims())
                : Optional.empty();
    }

    /** Claims verified within {@code maxAgeMillis}, however stale: for the auth-outage grace path. */
    public Optional<KeyClaims> notOlderThan(String digest, long maxAgeMillis) {
        Entry entry = byDigest.getIfPresent(digest);
        return entry != null && System.currentTimeMillis() - entry.verifiedAtMillis() < maxAgeMillis
                ? Optional.of(entry.claims())
                : Optional.empty();
    }

    public void put(String digest, KeyClaims claims) {
        byDigest.put(digest, new Entry(claims, System.currentTimeMillis()));
        digestByKeyId.put(claims.keyId(), digest);
    }

    /** Drops a key everywhere it is cached (a key event, or a failed consistency check). */
    public void invalidateKey(String keyId) {
        String digest = digestByKeyId.remove(keyId);
        if (digest != null) {
            byDigest.invalidate(digest);
        }
    }

    /** Cached key ids with the version they were verified at. */
    public Map<String, Long> versions() {
        Map<String, Long> out = new java.util.HashMap<>();
        byDigest.asMap()
                .values()
                .forEach(e -> out.put(e.claims().keyId(), e.claims().version()));
        return out;
    }

    public long size() {
        return byDigest.estimatedSize();
    }

    List<String> keyIds() {
        return List.copyOf(digestByKeyId.keySet());
    }
}

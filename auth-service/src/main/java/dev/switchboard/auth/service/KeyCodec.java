package dev.switchboard.auth.service;

import dev.switchboard.auth.config.AuthConfig;
import dev.switchboard.wire.KeyClaims;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Makes and recognises API keys. A key is a prefix naming its kind plus 256 random bits
 * (base64url, 43 characters); only its HMAC-SHA-256 under the server secret is stored.
 */
@ApplicationScoped
public class KeyCodec {

    static final String INFERENCE_PREFIX = "sk-sb-v1-";
    static final String MANAGEMENT_PREFIX = "sk-sb-mgmt-v1-";
    private static final Pattern SHAPE = Pattern.compile("sk-sb-(?:mgmt-)?v1-[A-Za-z0-9_-]{43}");

    private final SecureRandom random = new SecureRandom();
    private final ThreadLocal<Mac> macs;

    public KeyCodec(AuthConfig config) {
        byte[] secret = config.keySecret().getBytes(StandardCharsets.UTF_8);
        if (secret.length < 16) {
            throw new IllegalStateException("switchboard.auth.key-secret must be at least 16 bytes");
        }
        SecretKeySpec spec = new SecretKeySpec(secret, "HmacSHA256");
        this.macs = ThreadLocal.withInitial(() -> {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(spec);
                return mac;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 unavailable", e);
            }
        });
    }

    public String newKey(String kind) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String body = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        return (KeyClaims.MANAGEMENT.equals(kind) ? MANAGEMENT_PREFIX : INFERENCE_PREFIX) + body;
    }

    /** True when {@code key} has the shape of a Switchboard key; anything else is refused without a lookup. */
    public boolean wellFormed(String key) {
        return key != null && key.length() <= 64 && SHAPE.matcher(key).matches();
    }

    public byte[] hash(String key) {
        return macs.get().doFinal(key.getBytes(StandardCharsets.US_ASCII));
    }

    /** What a listing shows of a key: its kind prefix and first 6 random characters. */
    public String displayPrefix(String key) {
        int start = key.startsWith(MANAGEMENT_PREFIX) ? MANAGEMENT_PREFIX.length() : INFERENCE_PREFIX.length();
        return key.substring(0, start + 6) + "...";
    }
}

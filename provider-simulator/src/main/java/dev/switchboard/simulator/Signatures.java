package dev.switchboard.simulator;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The opaque signatures providers attach to reasoning (Anthropic thinking blocks, Gemini
 * thoughtSignature, Bedrock reasoningContent): HMAC-SHA256 of the signed content under the
 * simulator's secret, so a signature the caller dropped, altered or moved is detectable.
 */
public final class Signatures {

    /** Fixed, so signatures issued by one simulator process stay valid in the next. */
    public static final String DEFAULT_SECRET = "switchboard-simulator-reasoning-secret";

    private final SecretKeySpec key;

    public Signatures(String secret) {
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    public String sign(String content) {
        return Base64.getEncoder().encodeToString(hmac(content));
    }

    public boolean valid(String content, String signature) {
        if (signature == null || signature.isEmpty()) {
            return false;
        }
        byte[] presented;
        try {
            presented = Base64.getDecoder().decode(signature);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(hmac(content), presented);
    }

    private byte[] hmac(String content) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(content.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}

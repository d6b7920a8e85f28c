package dev.switchboard.wire;

/**
 * Edge → auth: check {@code key} and reserve {@code holdNanos} of credit for generation
 * {@code generationId}. The answer is an {@link AuthContext}.
 */
public record AuthorizeRequest(String key, String generationId, String model, long holdNanos) {
}

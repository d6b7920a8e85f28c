package dev.switchboard.wire;

/**
 * Edge → auth: reserve {@code holdNanos} of credit for generation {@code generationId}. The key is
 * named either by its secret ({@code key}) or, when the edge already holds its verified claims, by
 * {@code keyId}; either way auth re-checks it (disabled, expired, limit) under the same lock as the
 * reservation. The answer is an {@link AuthContext}.
 */
public record AuthorizeRequest(String key, String keyId, String generationId, String model, long holdNanos) {}

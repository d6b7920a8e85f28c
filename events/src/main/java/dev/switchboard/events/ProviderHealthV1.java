package dev.switchboard.events;

import java.time.Instant;

/**
 * Data of {@code switchboard.provider-health.v1}: a provider's state changed, or a probe ran.
 *
 * @param state  {@code up}, {@code degraded} or {@code down}
 * @param source {@code probe} (health-prober) or {@code passive} (a router's real traffic)
 */
public record ProviderHealthV1(
        String provider,
        String state,
        String previousState,
        Long latencyMs,
        String error,
        String source,
        Instant checkedAt) {

    public static final String TYPE = Topics.PROVIDER_HEALTH;
}

package dev.switchboard.events.health;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.time.Instant;

/**
 * {@code provider:{name}:status}: what routers route on.
 *
 * @param state          {@code up}, {@code degraded} or {@code down}
 * @param latencyMs      the latest probe's latency, or the recent passive median when the probe was skipped
 * @param errorRate1m    share of failed outcomes (probes and real traffic) in the last minute; null without outcomes
 * @param errorRate5m    the same over five minutes
 * @param source         {@code probe} or {@code passive}
 */
public record HealthStatus(
        String state,
        Long latencyMs,
        @JsonProperty("error_rate_1m") Double errorRate1m,
        @JsonProperty("error_rate_5m") Double errorRate5m,
        String error,
        String source,
        Instant checkedAt) {

    public static final String UP = "up";
    public static final String DEGRADED = "degraded";
    public static final String DOWN = "down";
}

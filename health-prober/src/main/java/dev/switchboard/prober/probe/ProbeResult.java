package dev.switchboard.prober.probe;

import java.time.Instant;

/**
 * One probe of one provider.
 *
 * @param state {@code up}, {@code degraded} or {@code down}
 * @param error a short reason when not up, else null
 */
public record ProbeResult(String provider, String state, long latencyMs, String error, Instant checkedAt) {

    public static final String UP = "up";
    public static final String DEGRADED = "degraded";
    public static final String DOWN = "down";
}

package dev.switchboard.router.health;

/**
 * An endpoint's recent record, from the prober's {@code health:{endpoint}:stats}: every field null
 * when unknown.
 *
 * @param uptime          share of successful outcomes over the last 5 minutes
 * @param latencyMs       median time to first token over the last 5 minutes
 * @param tokensPerSecond output tokens per second while streaming, over the last 30 minutes
 */
public record EndpointStats(Double uptime, Long latencyMs, Double tokensPerSecond) {

    public static final EndpointStats UNKNOWN = new EndpointStats(null, null, null);
}

package dev.switchboard.events.health;

/**
 * The Redis side of the health contract between health-prober (writer of statuses and stats),
 * router-service (reader of statuses, writer of passive outcomes) and edge-service (reader of stats).
 * A subject is a provider name ({@code openai}) or an endpoint id ({@code openai/gpt-4o-mini@openai}).
 *
 * <ul>
 *   <li>{@code provider:{name}:status} — JSON {@link HealthStatus}, short TTL: the routing view</li>
 *   <li>{@code health:{subject}:m:{epochMinute}} and {@code health:{subject}:h:{epochHour}} — hashes of
 *       outcome counters ({@link OutcomeBuckets}), incremented by probes and by routers' real traffic</li>
 *   <li>{@code health:{subject}:passive} — epoch ms of the last passive outcome a router flushed:
 *       while it is fresh the prober skips its probe</li>
 *   <li>{@code health:{subject}:stats} — JSON {@link HealthStats}: uptime, latency percentiles and
 *       throughput over 5 min, 30 min and 1 day</li>
 *   <li>{@code breaker:{provider}:failures} — consecutive retryable failures counted by every router
 *       replica (INCR; a success deletes it)</li>
 *   <li>{@code breaker:{provider}:open} — present (with a TTL, 60 s by default) while the provider's
 *       breaker is open: every router replica treats the provider as degraded</li>
 *   <li>{@code provider-usage:{provider}:{epochMinute}:requests} and {@code :tokens} — requests sent to and
 *       tokens used at a provider with published rate limits in that minute, by every router replica
 *       (INCRBY, a 2 minute TTL)</li>
 * </ul>
 */
public final class HealthKeys {

    private HealthKeys() {}

    public static String status(String provider) {
        return "provider:" + provider + ":status";
    }

    public static String minute(String subject, long epochMinute) {
        return "health:" + subject + ":m:" + epochMinute;
    }

    public static String hour(String subject, long epochHour) {
        return "health:" + subject + ":h:" + epochHour;
    }

    public static String passive(String subject) {
        return "health:" + subject + ":passive";
    }

    public static String stats(String subject) {
        return "health:" + subject + ":stats";
    }

    public static String breakerFailures(String provider) {
        return "breaker:" + provider + ":failures";
    }

    public static String breakerOpen(String provider) {
        return "breaker:" + provider + ":open";
    }

    public static String rateRequests(String provider, long epochMinute) {
        return "provider-usage:" + provider + ":" + epochMinute + ":requests";
    }

    public static String rateTokens(String provider, long epochMinute) {
        return "provider-usage:" + provider + ":" + epochMinute + ":tokens";
    }

    /** How long minute buckets live (they serve the 5 and 30 minute windows). */
    public static final long MINUTE_BUCKET_TTL_SECONDS = 2 * 3600;
    /** How long hour buckets live (they serve the 1 day window). */
    public static final long HOUR_BUCKET_TTL_SECONDS = 26 * 3600;
}

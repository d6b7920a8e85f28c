package dev.switchboard.events.health;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code health:{subject}:stats}: uptime (share of successful outcomes, null without outcomes),
 * latency percentiles in ms (time to first token) and throughput (output tokens per second while
 * streaming; null without a measured answer) and real traffic's failures by error class over the
 * last 5 minutes, 30 minutes and day.
 */
public record HealthStats(
        String subject,
        @JsonProperty("last_5m") Window last5m,
        @JsonProperty("last_30m") Window last30m,
        @JsonProperty("last_1d") Window last1d,
        Instant computedAt) {

    public record Window(
            long outcomes,
            Double uptime,
            @JsonProperty("p50_ms") Long p50Ms,
            @JsonProperty("p95_ms") Long p95Ms,
            @JsonProperty("tokens_per_second") Double tokensPerSecond,
            @JsonProperty("errors_by_class") Map<String, Long> errorsByClass) {
        public Window {
            errorsByClass =
                    errorsByClass == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(errorsByClass));
        }

        public static Window of(OutcomeBuckets.Sum sum) {
            return new Window(
                    sum.count(),
                    sum.uptime(),
                    sum.percentileMs(0.50),
                    sum.percentileMs(0.95),
                    sum.tokensPerSecond(),
                    sum.errorClasses());
        }
    }
}

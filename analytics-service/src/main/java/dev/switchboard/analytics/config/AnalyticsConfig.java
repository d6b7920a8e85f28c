package dev.switchboard.analytics.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The operator's side of analytics ({@code switchboard.analytics.*}). */
@ConfigMapping(prefix = "switchboard.analytics")
public interface AnalyticsConfig {

    /**
     * Bearer token of the operator's API ({@code /admin/v1/statistics}, {@code /admin/v1/dashboard/*});
     * the same admin token as auth-service's ({@code SWITCHBOARD_ADMIN_TOKEN}).
     */
    String adminToken();

    /** Admin tokens accepted beside {@link #adminToken()} while it is rotated. */
    Optional<List<String>> adminTokenAlsoAccepted();

    /**
     * How often the consumer group's lag per topic is measured ({@code switchboard_analytics_consumer_lag}):
     * the records on each topic not yet stored, from the group's committed offsets and the topics' ends.
     */
    @WithDefault("15s")
    Duration lagInterval();

    /** Longest window a statistics or dashboard query may ask for. */
    @WithDefault("31d")
    Duration maxWindow();
}

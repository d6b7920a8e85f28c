package dev.switchboard.analytics.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/** Where analytics writes and reads ({@code switchboard.clickhouse.*}). */
@ConfigMapping(prefix = "switchboard.clickhouse")
public interface ClickHouseConfig {

    /** HTTP endpoint of ClickHouse, e.g. {@code http://127.0.0.1:8123}. */
    String url();

    @WithDefault("default")
    String username();

    Optional<String> password();

    /** Created at start when missing. */
    @WithDefault("switchboard")
    String database();

    @WithDefault("30s")
    Duration socketTimeout();
}

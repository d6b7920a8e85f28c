package dev.switchboard.analytics.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/** Where analytics writes and reads ({@code switchboard.clickhouse.*}). */
@ConfigMapping(prefix = "switchboard.clickhouse")
public interface ClickHouseConfig {

    /** HTTP endpoint of ClickHouse, e.g. {@code http://127.0.0.1:8123}; {@code https://…} for TLS. */
    String url();

    @WithDefault("default")
    String username();

    Optional<String> password();

    /** Created at start when missing. */
    @WithDefault("switchboard")
    String database();

    @WithDefault("30s")
    Duration socketTimeout();

    /**
     * LZ4-compressed request and response bodies (ClickHouse's HTTP compression). On for a real
     * server; the local chDB stand-in does not speak the framing, so {@code make run} and the tests
     * turn it off ({@code CLICKHOUSE_COMPRESSION=false}).
     */
    @WithDefault("true")
    boolean compression();

    /** PEM file of the CA that signed the server's certificate, for {@code https://} URLs with a private CA. */
    Optional<String> rootCertificate();

    /** Days raw rows (generations, charges, provider health) are kept; 0 keeps them forever. */
    @WithDefault("90")
    int rawTtlDays();

    /** Days the per-minute rollups are kept; 0 keeps them forever. */
    @WithDefault("400")
    int rollupTtlDays();
}

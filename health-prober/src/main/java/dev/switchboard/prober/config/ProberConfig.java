package dev.switchboard.prober.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** health-prober settings ({@code switchboard.prober.*}). */
@ConfigMapping(prefix = "switchboard.prober")
public interface ProberConfig {

    /** Time between two probes of the same provider. Keep it below the status TTL. */
    @WithDefault("2s")
    Duration interval();

    /** A probe slower than this fails (the provider is down for routing purposes). */
    @WithDefault("2s")
    Duration timeout();

    /** A successful probe slower than this marks the provider degraded. */
    @WithDefault("1s")
    Duration degradedLatency();

    /** Lifetime of {@code provider:{name}:status} in Redis: a silent prober lets statuses lapse to unknown. */
    @WithDefault("5s")
    Duration statusTtl();
}

package dev.switchboard.edge.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** edge-service settings ({@code switchboard.edge.*}). */
@ConfigMapping(prefix = "switchboard.edge")
public interface EdgeConfig {

    /** auth-service base URL. */
    String authUrl();

    /** router-service base URL. */
    String routerUrl();

    /** analytics-service base URL. */
    String analyticsUrl();

    /** Largest request body accepted, in bytes; larger bodies get 413. */
    @WithDefault("10485760")
    long maxBodyBytes();

    /** Deepest JSON nesting accepted in a request body. */
    @WithDefault("64")
    int maxJsonDepth();

    /** Longest wait for auth-service and analytics-service answers. */
    @WithDefault("5s")
    Duration internalTimeout();

    /** Longest silence from the router while a request is in flight (the router enforces provider timeouts itself). */
    @WithDefault("150s")
    Duration routerIdleTimeout();

    /** Pooled keep-alive connections to each internal service. */
    @WithDefault("200")
    int internalPoolSize();
}

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

    /** Longest wait for the router's answer to an embeddings request (it routes and retries like chat). */
    @WithDefault("120s")
    Duration embeddingsTimeout();

    /** Pooled keep-alive connections to each internal service. */
    @WithDefault("200")
    int internalPoolSize();

    KeyCache keyCache();

    AuthGrace authGrace();

    /** Verified keys kept in memory: claims only, never a credit hold. */
    interface KeyCache {
        /** Most keys kept. */
        @WithDefault("100000")
        long maxSize();

        /** A cached key is re-verified with auth-service after this long. */
        @WithDefault("60s")
        Duration ttl();

        /** How often every cached key's version is checked against auth-service (catches lost key events). */
        @WithDefault("30s")
        Duration consistencyInterval();
    }

    /**
     * While auth-service cannot reserve credit (its database is down), requests with a key verified
     * within {@link #period()} still run, without a hold, until this edge has let {@link #exposureUsd()}
     * of worst-case cost through per account. Unknown keys get 503.
     */
    interface AuthGrace {
        @WithDefault("5m")
        Duration period();

        /** Worst-case cost allowed per account per edge replica during an outage, in USD. */
        @WithDefault("1.00")
        String exposureUsd();
    }
}

package dev.switchboard.auth.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** auth-service settings ({@code switchboard.auth.*}). */
@ConfigMapping(prefix = "switchboard.auth")
public interface AuthConfig {

    /** Server secret keyed into every API-key hash (HMAC-SHA-256). Changing it invalidates every key. */
    String keySecret();

    /** Bearer token of the admin API ({@code /admin/v1}). */
    String adminToken();

    /**
     * How long a hold whose request never finished reserves credit before it is released, and how long
     * a closed (or abandoned) lease waits for its charges before what is left in it is given back.
     */
    @WithDefault("PT10M")
    Duration holdTtl();

    /** How often closed and abandoned leases are swept (a Quarkus scheduler interval such as {@code 30s}). */
    @WithDefault("30s")
    String holdSweepInterval();

    Lease lease();

    StoreRetry storeRetry();

    /** Settling charges that fails for want of the database is retried, consumption paused, until it succeeds. */
    interface StoreRetry {
        /** First wait before a retry; it doubles up to {@link #maxBackoff()}. */
        @WithDefault("200ms")
        Duration initialBackoff();

        @WithDefault("5s")
        Duration maxBackoff();
    }

    /** Credit reserved in batches per key, against which holds are placed in memory. */
    interface Lease {
        /** Smallest batch reserved at once, in USD; a batch is larger when the holds need it (four holds, or as much again as is held). */
        @WithDefault("1.00")
        String batchUsd();

        /** A lease takes new holds for this long; then a new grant re-reads the key and the account's preferences. */
        @WithDefault("30s")
        Duration ttl();

        /** A lease without holds gives its unused credit back after this long. */
        @WithDefault("5s")
        Duration idle();

        /** How often a replica marks its leases alive (a Quarkus scheduler interval). */
        @WithDefault("30s")
        String heartbeat();
    }
}

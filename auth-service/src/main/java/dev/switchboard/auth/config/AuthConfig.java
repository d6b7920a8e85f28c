package dev.switchboard.auth.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** auth-service settings ({@code switchboard.auth.*}). */
@ConfigMapping(prefix = "switchboard.auth")
public interface AuthConfig {

    /** Server secret keyed into every API-key hash (HMAC-SHA-256). Changing it invalidates every key. */
    String keySecret();

    /** Bearer token of the admin API ({@code /admin/v1}). */
    String adminToken();

    /**
     * Admin tokens accepted beside {@link #adminToken()} while it is rotated
     * ({@code SWITCHBOARD_AUTH_ADMIN_TOKEN_ALSO_ACCEPTED}, comma-separated): set the new token, keep the
     * old one here until every operator and script has switched, then remove it.
     */
    Optional<List<String>> adminTokenAlsoAccepted();

    /**
     * How long a hold whose request never finished reserves credit before it is released, and how long
     * the leases of a replica that is not heard of (it died) keep their credit before it is given back.
     * A closed lease is not bound by it: it waits for its charges however late they come.
     */
    @WithDefault("PT10M")
    Duration holdTtl();

    /** How often closed and abandoned leases are swept (a Quarkus scheduler interval such as {@code 30s}). */
    @WithDefault("30s")
    String holdSweepInterval();

    Lease lease();

    StoreRetry storeRetry();

    Reconcile reconcile();

    /** Reconciliation ({@code GET /admin/v1/reconcile}, {@code make reconcile}) of the ledger, the balances and ClickHouse. */
    interface Reconcile {
        /** billing-service, whose ledger is read ({@code BILLING_URL}). */
        String billingUrl();

        /** analytics-service, whose ClickHouse rows are read ({@code ANALYTICS_URL}). */
        String analyticsUrl();

        /** Entries asked for per page of the ledger and of ClickHouse. */
        @WithDefault("5000")
        int pageSize();

        /** A window with more ledger entries than this is refused (400): reconcile it in shorter windows. */
        @WithDefault("200000")
        int maxEntries();

        /** How long one page may take to come back. */
        @WithDefault("30s")
        Duration timeout();

        /** Without {@code to}, a window ends this long ago, so that requests still in the pipeline are left out. */
        @WithDefault("1m")
        Duration settleDelay();

        /**
         * An open hold older than this is listed: its request should have ended (a router call lasts at
         * most its total timeout, 120 s by default, retries included).
         */
        @WithDefault("5m")
        Duration holdDeadline();

        /** At most this many items are listed per kind of discrepancy (the counts are always whole). */
        @WithDefault("1000")
        int maxListed();
    }

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

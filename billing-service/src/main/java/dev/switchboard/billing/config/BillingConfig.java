package dev.switchboard.billing.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** billing-service settings ({@code switchboard.billing.*}). */
@ConfigMapping(prefix = "switchboard.billing")
public interface BillingConfig {

    Outbox outbox();

    StoreRetry storeRetry();

    /**
     * The charge outbox: every ledger entry's charge is written in the entry's transaction and
     * published to {@code switchboard.charges.v1} by a relay, so a charge is never lost between the
     * ledger and Kafka.
     */
    interface Outbox {
        /** Charges the relay publishes per round (one transaction each). */
        @WithDefault("500")
        int batchSize();

        /**
         * How often the relay looks for unpublished charges besides the nudge each ledger batch gives it
         * (what a crash, or a Kafka outage, left behind).
         */
        @WithDefault("1s")
        Duration pollInterval();

        /** How long a round waits for Kafka to acknowledge its charges before it gives up and tries again. */
        @WithDefault("15s")
        Duration sendTimeout();

        /** Published charges are kept this long (to look up), then deleted. */
        @WithDefault("P7D")
        Duration retention();
    }

    /** A write to PostgreSQL that fails for want of the database is retried, consumption paused, until it succeeds. */
    interface StoreRetry {
        /** First wait before a retry; it doubles up to {@link #maxBackoff()}. */
        @WithDefault("200ms")
        Duration initialBackoff();

        @WithDefault("5s")
        Duration maxBackoff();
    }
}

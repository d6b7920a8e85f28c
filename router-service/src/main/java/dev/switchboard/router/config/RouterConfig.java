package dev.switchboard.router.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** router-service settings ({@code switchboard.router.*}). */
@ConfigMapping(prefix = "switchboard.router")
public interface RouterConfig {

    Upstream upstream();

    Health health();

    Usage usage();

    Credit credit();

    Routing routing();

    /** Provider choice beyond the catalog and health. */
    interface Routing {
        /**
         * How long a conversation stays with the provider that last served it (same account, model
         * and prompt prefix), so the provider's prompt cache keeps paying off; 0 turns it off.
         */
        @WithDefault("5m")
        Duration stickyTtl();

        /** Conversations remembered per router replica (the least recently used are forgotten first). */
        @WithDefault("100000")
        int stickyMaxEntries();
    }

    /** Credit: holds are extended through auth-service as the running cost nears them, and finished with the cost as the request ends. */
    interface Credit {
        /** auth-service base URL. */
        String authUrl();

        /** Share of the hold the running cost may reach before an extension is asked for. */
        @WithDefault("0.8")
        double extendAt();

        /** Smallest extension asked for, in nano-USD (an extension is at least the first hold). */
        @WithDefault("1000000")
        long minExtensionNanos();

        /** Pooled keep-alive connections to auth-service (one finish per request, plus extensions). */
        @WithDefault("64")
        int maxConnections();

        /** Longest wait for auth-service's answer to an extension or a batch of finishes. */
        @WithDefault("5s")
        Duration timeout();
    }

    /** Timeouts of calls to providers. */
    interface Upstream {
        /** TCP (and TLS) connection set-up. */
        @WithDefault("5s")
        Duration connectTimeout();

        /** Longest silence allowed from a provider: before the first byte and between chunks. */
        @WithDefault("60s")
        Duration idleTimeout();

        /** Longest a single upstream call may take, first byte to last; also the request's deadline for retries. */
        @WithDefault("120s")
        Duration totalTimeout();

        /**
         * Rounds of retries once every candidate has failed before the first token with a transient
         * error (429, 503/529, other 5xx, connection failure, broken stream); each round starts again
         * from the first candidate.
         */
        @WithDefault("5")
        int retries();

        /** Wait before the first retry round; it doubles each round. */
        @WithDefault("100ms")
        Duration retryBackoff();

        /** Longest wait between rounds, unless the provider's {@code Retry-After} asks for more (honoured within the deadline). */
        @WithDefault("3200ms")
        Duration retryBackoffMax();

        /** Connections kept per provider host. */
        @WithDefault("256")
        int maxConnectionsPerHost();
    }

    /** The in-memory view of provider health, read from Redis. */
    interface Health {
        /** How often the view is refreshed from Redis. */
        @WithDefault("1s")
        Duration refreshInterval();

        /** Consecutive retryable failures of a provider (counted across replicas) that open its breaker. */
        @WithDefault("5")
        int breakerFailures();

        /** How long an open breaker keeps its provider degraded; then one trial decides (success closes, failure reopens). */
        @WithDefault("60s")
        Duration breakerOpenFor();
    }

    /** Usage events. */
    interface Usage {
        /**
         * How long the producer keeps retrying one send while Kafka is unreachable; then the event is
         * sent again (it stays in the spool until Kafka acknowledges it), and the failure is logged.
         */
        @WithDefault("10m")
        Duration deliveryTimeout();

        /**
         * The local append-only log every usage event is written to before it goes to Kafka, kept until
         * Kafka acknowledged it and read again at start ({@code UsageSpool}). One router per directory.
         * In Kubernetes: an {@code emptyDir} survives a killed container, a PersistentVolume (StatefulSet)
         * the loss of the pod.
         */
        @WithDefault("${java.io.tmpdir}/switchboard-router-${quarkus.http.port}/usage-spool")
        String spoolDir();

        /** A spool segment is closed and a new one started past this size, in MiB; a segment is deleted once all of it is acknowledged. */
        @WithDefault("16")
        int spoolSegmentMib();

        /**
         * How often the spool is forced to disk: what a machine crash (not a killed process) can lose.
         * {@code 0} forces after every event.
         */
        @WithDefault("100ms")
        Duration spoolFsyncInterval();

        /**
         * A generation still streaming publishes an interim usage event (the usage so far) this often, so
         * that a router killed mid-stream loses at most this much of its billing; {@code 0} publishes
         * only the final event.
         */
        @WithDefault("15s")
        Duration interimInterval();
    }
}

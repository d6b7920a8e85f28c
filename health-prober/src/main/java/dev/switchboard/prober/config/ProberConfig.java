package dev.switchboard.prober.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

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

    /** How often uptime and latency statistics are recomputed. */
    @WithDefault("10s")
    Duration statsInterval();

    /** Share of failed real-traffic outcomes in the last minute that makes a provider degraded when its probe was skipped. */
    @WithDefault("0.1")
    double degradedErrorRate();

    /** Share of failed outcomes in the last minute that makes a provider down when its probe was skipped. */
    @WithDefault("0.5")
    double downErrorRate();

    LeaderElection leaderElection();

    /** Which replica probes. */
    interface LeaderElection {
        /**
         * {@code lease}: a Kubernetes Lease elects one replica; {@code off}: this replica always probes;
         * {@code auto}: {@code lease} inside Kubernetes (KUBERNETES_SERVICE_HOST set), else {@code off}.
         */
        @WithDefault("auto")
        String mode();

        @WithDefault("switchboard-health-prober")
        String leaseName();

        /** Namespace of the Lease; default: the client's (the pod's) namespace. */
        Optional<String> namespace();

        /** How long a leader's claim lasts without renewal: the longest a takeover can take. */
        @WithDefault("15s")
        Duration leaseDuration();

        @WithDefault("10s")
        Duration renewDeadline();

        @WithDefault("2s")
        Duration retryPeriod();
    }
}

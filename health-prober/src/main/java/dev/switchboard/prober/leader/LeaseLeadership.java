package dev.switchboard.prober.leader;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Leader election through a Kubernetes {@code Lease} (fabric8's {@code LeaderElector}): one
 * replica holds the lease and renews it; when it stops renewing (crash, network partition, shutdown)
 * another takes over once the lease duration has passed. On a clean stop the lease is released at
 * once, so a rolling update hands over without waiting.
 */
public final class LeaseLeadership implements Leadership {

    private static final Logger LOG = Logger.getLogger(LeaseLeadership.class);

    private final KubernetesClient client;
    private final String namespace;
    private final String leaseName;
    private final String identity;
    private final Duration leaseDuration;
    private final Duration renewDeadline;
    private final Duration retryPeriod;
    private final AtomicBoolean leader = new AtomicBoolean();
    private volatile String currentLeader;
    private CompletableFuture<?> election;

    public LeaseLeadership(
            KubernetesClient client,
            String namespace,
            String leaseName,
            String identity,
            Duration leaseDuration,
            Duration renewDeadline,
            Duration retryPeriod) {
        this.client = client;
        this.namespace = namespace;
        this.leaseName = leaseName;
        this.identity = identity;
        this.leaseDuration = leaseDuration;
        this.renewDeadline = renewDeadline;
        this.retryPeriod = retryPeriod;
    }

    public synchronized void start() {
        if (election != null) {
            return;
        }
        var config = new LeaderElectionConfigBuilder()
                .withName(leaseName)
                .withLock(new LeaseLock(namespace, leaseName, identity))
                .withLeaseDuration(leaseDuration)
                .withRenewDeadline(renewDeadline)
                .withRetryPeriod(retryPeriod)
                .withReleaseOnCancel(true)
                .withLeaderCallbacks(new LeaderCallbacks(
                        () -> {
                            leader.set(true);
                            LOG.infof("%s leads the health probes (lease %s/%s)", identity, namespace, leaseName);
                        },
                        () -> {
                            leader.set(false);
                            LOG.infof("%s stopped leading the health probes", identity);
                        },
                        newLeader -> currentLeader = newLeader))
                .build();
        election = client.leaderElector().withConfig(config).build().start();
        election.whenComplete((ok, error) -> {
            leader.set(false);
            if (error != null && !(error instanceof java.util.concurrent.CancellationException)) {
                LOG.warnf("leader election of %s ended: %s", identity, error.getMessage());
            }
        });
    }

    /** Stops taking part; releases the lease when held. */
    public synchronized void stop() {
        if (election != null) {
            election.cancel(true);
            election = null;
        }
        leader.set(false);
    }

    @Override
    public boolean isLeader() {
        return leader.get();
    }

    @Override
    public String identity() {
        return identity;
    }

    /** The identity the lease currently names, as last observed. */
    public String currentLeader() {
        return currentLeader;
    }
}

package dev.switchboard.prober.leader;

import dev.switchboard.prober.config.ProberConfig;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.util.UUID;

/** Chooses how this replica learns whether it leads (see {@link ProberConfig.LeaderElection#mode()}). */
@ApplicationScoped
public class LeadershipProducer {

    private static final Logger LOG = Logger.getLogger(LeadershipProducer.class);

    private LeaseLeadership lease;

    @Produces
    @Singleton
    Leadership leadership(ProberConfig config, Instance<KubernetesClient> clients) {
        ProberConfig.LeaderElection election = config.leaderElection();
        String mode = election.mode();
        if ("auto".equals(mode)) {
            mode = System.getenv("KUBERNETES_SERVICE_HOST") != null ? "lease" : "off";
        }
        String identity = System.getenv().getOrDefault("HOSTNAME", "prober") + "-"
                + UUID.randomUUID().toString().substring(0, 8);
        switch (mode) {
            case "off" -> {
                LOG.infof("leader election off: %s probes alone", identity);
                return new SoleLeader(identity);
            }
            case "lease" -> {
                KubernetesClient client = clients.get();
                String namespace = election.namespace().orElseGet(() -> {
                    String ns = client.getNamespace();
                    return ns == null ? "default" : ns;
                });
                lease = new LeaseLeadership(
                        client,
                        namespace,
                        election.leaseName(),
                        identity,
                        election.leaseDuration(),
                        election.renewDeadline(),
                        election.retryPeriod());
                lease.start();
                return lease;
            }
            default ->
                throw new IllegalStateException(
                        "switchboard.prober.leader-election.mode must be auto, lease or off, not " + mode);
        }
    }

    void stop(@Observes ShutdownEvent event) {
        if (lease != null) {
            lease.stop();
        }
    }

    /** Outside Kubernetes (or when told to): the only prober. */
    record SoleLeader(String identity) implements Leadership {
        @Override
        public boolean isLeader() {
            return true;
        }
    }
}

package dev.switchboard.prober;

import dev.switchboard.catalog.CatalogLoader;
import dev.switchboard.events.health.HealthKeys;
import dev.switchboard.testsupport.KafkaResource;
import dev.switchboard.testsupport.MockKubernetesApi;
import dev.switchboard.testsupport.RedisResource;
import dev.switchboard.testsupport.SimulatorResource;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The prober in Kubernetes mode, against the fabric8 mock API server: while another replica holds
 * the Lease it probes nothing; when that lease goes away it takes over and statuses appear.
 */
@QuarkusTest
@TestProfile(LeaseProberTest.LeaseMode.class)
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = RedisResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = SimulatorResource.class, restrictToAnnotatedClass = false)
class LeaseProberTest {

    static final String NAMESPACE = MockKubernetesApi.NAMESPACE;
    static final String LEASE = "switchboard-health-prober";

    public static class LeaseMode implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "switchboard.prober.leader-election.mode", "lease",
                    "switchboard.prober.leader-election.namespace", NAMESPACE,
                    "switchboard.prober.leader-election.lease-duration", "3s",
                    "switchboard.prober.leader-election.renew-deadline", "2s",
                    "switchboard.prober.leader-election.retry-period", "250ms");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(MockKubernetes.class));
        }
    }

    /** The mock API server, with the Lease already held by another replica that keeps renewing it. */
    public static class MockKubernetes extends MockKubernetesApi {
        @Override
        protected void seed(KubernetesClient client) {
            client.leases()
                    .inNamespace(NAMESPACE)
                    .resource(new LeaseBuilder()
                            .withNewMetadata()
                            .withName(LEASE)
                            .withNamespace(NAMESPACE)
                            .endMetadata()
                            .withNewSpec()
                            .withHolderIdentity("another-prober")
                            .withLeaseDurationSeconds(3600)
                            .withAcquireTime(ZonedDateTime.now())
                            .withRenewTime(ZonedDateTime.now())
                            .withLeaseTransitions(0)
                            .endSpec()
                            .build())
                    .create();
        }
    }

    @Inject
    RedisDataSource redis;

    @Inject
    MeterRegistry registry;

    private boolean anyStatus() {
        return CatalogLoader.builtIn().providers().stream()
                .anyMatch(p -> redis.key().exists(HealthKeys.status(p.name())));
    }

    @Test
    void aFollowerProbesNothingAndTakesOverWhenTheLeaseIsFree() throws Exception {
        CatalogLoader.builtIn().providers().forEach(p -> redis.key().del(HealthKeys.status(p.name())));
        double probed =
                registry.counter("switchboard.prober.probes", "result", "sent").count();

        Thread.sleep(3_000); // longer than a probe interval and the lease duration this replica asks for
        assertThat(anyStatus()).as("a follower writes no status").isFalse();
        assertThat(registry.counter("switchboard.prober.probes", "result", "sent")
                        .count())
                .isEqualTo(probed);

        // the other replica is gone and its lease removed (e.g. expired and cleaned up)
        MockKubernetesApi.client()
                .leases()
                .inNamespace(NAMESPACE)
                .withName(LEASE)
                .delete();

        await().atMost(Duration.ofSeconds(10)).until(this::anyStatus);
        assertThat(registry.counter("switchboard.prober.probes", "result", "sent")
                        .count())
                .isGreaterThan(probed);
        assertThat(MockKubernetesApi.client()
                        .leases()
                        .inNamespace(NAMESPACE)
                        .withName(LEASE)
                        .get()
                        .getSpec()
                        .getHolderIdentity())
                .isNotEqualTo("another-prober");
    }
}

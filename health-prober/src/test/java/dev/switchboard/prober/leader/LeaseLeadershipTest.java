package dev.switchboard.prober.leader;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Two probers against the fabric8 mock Kubernetes API server (CRUD mode): one leads at a time. */
class LeaseLeadershipTest {

    private static final Duration LEASE = Duration.ofSeconds(3);

    private KubernetesMockServer server;
    private KubernetesClient clientA;
    private KubernetesClient clientB;
    private LeaseLeadership a;
    private LeaseLeadership b;

    @BeforeEach
    void start() {
        server = new KubernetesMockServer(
                new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
        server.init();
        clientA = server.createClient();
        clientB = server.createClient();
        a = new LeaseLeadership(
                clientA,
                "switchboard",
                "prober-test",
                "prober-a",
                LEASE,
                Duration.ofSeconds(2),
                Duration.ofMillis(250));
        b = new LeaseLeadership(
                clientB,
                "switchboard",
                "prober-test",
                "prober-b",
                LEASE,
                Duration.ofSeconds(2),
                Duration.ofMillis(250));
    }

    @AfterEach
    void stop() {
        a.stop();
        b.stop();
        clientA.close();
        clientB.close();
        server.destroy();
    }

    private static long leaders(List<LeaseLeadership> all) {
        return all.stream().filter(LeaseLeadership::isLeader).count();
    }

    @Test
    void exactlyOneOfTwoLeadsAndTheOtherTakesOverWhenTheLeaderStops() {
        a.start();
        b.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> leaders(List.of(a, b)) == 1);
        // stays one, across several renewals
        for (int i = 0; i < 10; i++) {
            assertThat(leaders(List.of(a, b))).isEqualTo(1);
            sleep(200);
        }
        LeaseLeadership leader = a.isLeader() ? a : b;
        LeaseLeadership follower = leader == a ? b : a;
        assertThat(clientA.leases()
                        .inNamespace("switchboard")
                        .withName("prober-test")
                        .get()
                        .getSpec()
                        .getHolderIdentity())
                .isEqualTo(leader.identity());

        leader.stop();

        await().atMost(LEASE.plusSeconds(3)).until(follower::isLeader);
        assertThat(leader.isLeader()).isFalse();
    }

    @Test
    void aLeaderThatStopsRenewingLosesTheLeaseAfterTheLeaseDuration() {
        a.start();
        await().atMost(Duration.ofSeconds(10)).until(a::isLeader);
        // a crash: the process is gone, the lease is not released
        clientA.close();
        a.stop();
        b.start();
        await().atMost(LEASE.plusSeconds(5)).until(b::isLeader);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

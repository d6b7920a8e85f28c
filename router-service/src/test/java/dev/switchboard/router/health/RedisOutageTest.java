package dev.switchboard.router.health;

import dev.switchboard.events.health.HealthKeys;
import dev.switchboard.router.RouteCalls;
import dev.switchboard.testsupport.KafkaResource;
import dev.switchboard.testsupport.RedisProcess;
import dev.switchboard.testsupport.SimulatorResource;
import dev.switchboard.wire.ErrorClass;
import dev.switchboard.wire.RouteEvent;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Redis stops while the router serves: routing goes on from the last health snapshot (a provider
 * marked down stays avoided), requests neither fail nor wait on Redis, and once Redis is back the
 * snapshot follows it again.
 */
@QuarkusTest
@TestProfile(RedisOutageTest.OwnRedis.class)
class RedisOutageTest {

    static final String MODEL = "openai/gpt-4o-mini";

    /** A Redis of the test's own, which it may stop (the shared one stays up for everything else). */
    public static class OwnRedis implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(
                    new TestResourceEntry(RedisProcess.class),
                    new TestResourceEntry(KafkaResource.class),
                    new TestResourceEntry(SimulatorResource.class));
        }
    }

    @Inject
    RedisDataSource redis;

    @Inject
    HealthView health;

    @Test
    void routingContinuesOnTheLastSnapshotWhileRedisIsDown() {
        // the prober's verdict, as it writes it: OpenAI is down, so GPT-4o-mini goes to Azure
        redis.value(String.class).set(HealthKeys.status("openai"), "{\"state\":\"down\",\"reason\":\"probe failed\"}");
        await().atMost(Duration.ofSeconds(5)).until(() -> health.state("openai") == ProviderState.DOWN);
        assertThat(RouteCalls.servedBy(RouteCalls.cheapest(MODEL))).isEqualTo("azure");

        RedisProcess.stopServer();
        long stoppedAt = System.currentTimeMillis();
        // several refreshes fail meanwhile; the snapshot stays
        await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> true);
        assertThat(health.lastRefreshMillis()).isLessThan(stoppedAt + 100);
        assertThat(health.state("openai")).isEqualTo(ProviderState.DOWN);
        for (int i = 0; i < 5; i++) {
            assertThat(RouteCalls.servedBy(RouteCalls.cheapest(MODEL)))
                    .as("request %d with Redis down", i)
                    .isEqualTo("azure");
        }
        RouteEvent pinned = RouteCalls.last(RouteCalls.pinned("openai", MODEL));
        assertThat(pinned).isInstanceOfSatisfying(RouteEvent.Failed.class, f -> {
            assertThat(f.errorClass()).isEqualTo(ErrorClass.NO_PROVIDER);
            assertThat(f.reasons()).anyMatch(r -> r.contains("openai") && r.contains("down"));
        });
        // still ready: serving on the last snapshot beats refusing traffic; the age says how old it is
        given().get("/q/health/ready").then().statusCode(200);

        // Redis is back, empty: no status says down any more, and OpenAI serves again
        RedisProcess.startServer();
        await().atMost(Duration.ofSeconds(15)).until(() -> health.lastRefreshMillis() > stoppedAt + 3000);
        await().atMost(Duration.ofSeconds(5)).until(() -> health.state("openai") != ProviderState.DOWN);
        assertThat(RouteCalls.servedBy(RouteCalls.pinned("openai", MODEL))).isEqualTo("openai");
    }
}

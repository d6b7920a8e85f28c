package dev.switchboard.prober;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.events.EventCodec;
import dev.switchboard.events.ProviderHealthV1;
import dev.switchboard.events.Topics;
import dev.switchboard.simulator.Behaviour;
import dev.switchboard.testsupport.KafkaResource;
import dev.switchboard.testsupport.RedisResource;
import dev.switchboard.testsupport.SimulatorResource;
import dev.switchboard.testsupport.TopicProbe;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@QuarkusTest
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = RedisResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = SimulatorResource.class, restrictToAnnotatedClass = false)
class ProberTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    RedisDataSource redis;

    @AfterEach
    void reset() {
        SimulatorResource.simulator().behave("together", Behaviour.DEFAULT);
    }

    private JsonNode status(String provider) throws Exception {
        String value = redis.value(String.class).get("provider:" + provider + ":status");
        return value == null ? null : JSON.readTree(value);
    }

    @Test
    void everyProviderGetsAStatusWithAShortTtl() {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode openai = status("openai");
            assertThat(openai).isNotNull();
            assertThat(openai.path("state").asText()).isEqualTo("up");
            assertThat(openai.path("latency_ms").isNumber()).isTrue();
        });
        long ttl = redis.key().ttl("provider:openai:status");
        assertThat(ttl).isBetween(1L, 5L);
    }

    @Test
    void aProviderGoingDownAndUpIsSeenWithin5sAndPublished() {
        await().atMost(Duration.ofSeconds(10)).until(() -> status("together") != null && "up".equals(status("together").path("state").asText()));
        SimulatorResource.simulator().behave("together", new Behaviour(1, 1, 5, 503, -1, 0, 0));
        await().atMost(Duration.ofSeconds(5)).until(() -> "down".equals(status("together").path("state").asText()));
        assertThat(TopicProbe.find(KafkaResource.bootstrapServers(), Topics.PROVIDER_HEALTH, r -> {
            ProviderHealthV1 event = EventCodec.decode(r.value(), ProviderHealthV1.TYPE, ProviderHealthV1.class).data();
            return "together".equals(event.provider()) && "down".equals(event.state()) && "up".equals(event.previousState());
        }, Duration.ofSeconds(10))).isPresent();

        SimulatorResource.simulator().behave("together", Behaviour.DEFAULT);
        await().atMost(Duration.ofSeconds(5)).until(() -> "up".equals(status("together").path("state").asText()));
    }

    @Test
    void readyAndMetricsAreServed() {
        given().get("/q/health/ready").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200);
    }
}

package dev.switchboard.prober;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.events.EventCodec;
import dev.switchboard.events.ProviderHealthV1;
import dev.switchboard.events.Topics;
import dev.switchboard.events.health.HealthKeys;
import dev.switchboard.events.health.OutcomeBuckets;
import dev.switchboard.simulator.Behaviour;
import dev.switchboard.testsupport.KafkaResource;
import dev.switchboard.testsupport.RedisResource;
import dev.switchboard.testsupport.SimulatorResource;
import dev.switchboard.testsupport.TopicProbe;
import io.micrometer.core.instrument.MeterRegistry;
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

    @Inject
    MeterRegistry registry;

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
        // a status left by the previous test application may expire between the two reads (PTTL of a
        // missing key throws): read again until this application's rounds write it
        await().atMost(Duration.ofSeconds(10))
                .ignoreException(io.quarkus.redis.datasource.keys.RedisKeyNotFoundException.class)
                .untilAsserted(() -> {
                    JsonNode openai = status("openai");
                    assertThat(openai).isNotNull();
                    assertThat(openai.path("state").asText()).isEqualTo("up");
                    assertThat(openai.path("latency_ms").isNumber()).isTrue();
                    // read with the status: under load a round can come late and the key be about to expire
                    // (TTL in whole seconds then reads 0), or be gone, between the two reads
                    assertThat(redis.key().pttl("provider:openai:status")).isBetween(1L, 5_000L);
                });
    }

    @Test
    void eachFamilyIsProbedInItsOwnProtocolAndBedrockOnlyByTraffic() {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            for (String provider : java.util.List.of("azure", "anthropic", "google", "cohere", "mistral")) {
                JsonNode status = status(provider);
                assertThat(status).as(provider).isNotNull();
                assertThat(status.path("state").asText()).as(provider).isEqualTo("up");
                assertThat(status.path("source").asText()).as(provider).isEqualTo("probe");
                assertThat(SimulatorResource.simulator().unauthorized(provider))
                        .as(provider)
                        .isZero();
            }
            JsonNode bedrock = status("bedrock");
            assertThat(bedrock).isNotNull();
            assertThat(bedrock.path("source").asText()).isEqualTo("passive");
        });
        assertThat(SimulatorResource.simulator().requests("bedrock")).isZero();
    }

    @Test
    void aProviderGoingDownAndUpIsSeenWithin5sAndPublished() {
        await().atMost(Duration.ofSeconds(10))
                .until(() -> status("together") != null
                        && "up".equals(status("together").path("state").asText()));
        SimulatorResource.simulator().behave("together", new Behaviour(1, 1, 5, 503, -1, 0, 0));
        await().atMost(Duration.ofSeconds(5))
                .until(() -> "down".equals(status("together").path("state").asText()));
        assertThat(TopicProbe.find(
                        KafkaResource.bootstrapServers(),
                        Topics.PROVIDER_HEALTH,
                        r -> {
                            ProviderHealthV1 event = EventCodec.decode(
                                            r.value(), ProviderHealthV1.TYPE, ProviderHealthV1.class)
                                    .data();
                            return "together".equals(event.provider())
                                    && "down".equals(event.state())
                                    && "up".equals(event.previousState());
                        },
                        Duration.ofSeconds(10)))
                .isPresent();

        SimulatorResource.simulator().behave("together", Behaviour.DEFAULT);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> "up".equals(status("together").path("state").asText()));
    }

    @Test
    void freshPassiveTrafficReplacesTheProbeAndItsErrorRateSetsTheState() throws InterruptedException {
        // the prober judges the current minute's bucket: keep the whole check inside one minute
        long intoMinute = System.currentTimeMillis() % 60_000;
        if (intoMinute > 40_000) {
            Thread.sleep(60_000 - intoMinute + 500);
        }
        long minute = System.currentTimeMillis() / 60_000;
        String bucket = HealthKeys.minute("groq", minute);
        double skippedBefore = registry.counter("switchboard.prober.probes", "result", "skipped")
                .count();
        // a router reporting real traffic every poll (the prober skips its probe from its next round on)
        // until a round has skipped: then no probe is in flight whose success would count the outcomes
        // below as cleared (a probe that finds the provider up judges only what comes after it)
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            redis.value(String.class).setex(HealthKeys.passive("groq"), 10, Long.toString(System.currentTimeMillis()));
            return registry.counter("switchboard.prober.probes", "result", "skipped")
                            .count()
                    > skippedBefore;
        });
        // the outcomes, counted as routers count: added to whatever the probes put in this minute
        redis.hash(String.class).hincrby(bucket, "n", 20);
        redis.hash(String.class).hincrby(bucket, "err", 15);
        redis.hash(String.class).hincrby(bucket, OutcomeBuckets.errorClassField("server_error"), 11);
        redis.hash(String.class).hincrby(bucket, OutcomeBuckets.errorClassField("timeout"), 4);
        redis.hash(String.class).hincrby(bucket, "h1", 5);
        redis.key().expire(bucket, 120);
        long requestsBefore = SimulatorResource.simulator().requests("groq");
        try {
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                // a router reporting real traffic every second
                redis.value(String.class)
                        .setex(HealthKeys.passive("groq"), 10, Long.toString(System.currentTimeMillis()));
                JsonNode status = status("groq");
                assertThat(status).isNotNull();
                assertThat(status.path("source").asText()).isEqualTo("passive");
                assertThat(status.path("state").asText()).isEqualTo("down");
                // judged on the outcomes since the last probe found it up: 15 failures in 20, 11 of them server errors
                assertThat(status.path("error").asText())
                        .isEqualTo("error rate 75% in the last minute, mostly server_error");
            });
        } finally {
            redis.key().del(bucket, HealthKeys.passive("groq"));
        }
        // without passive traffic the prober probes again, and the provider (healthy) comes back up
        await().atMost(Duration.ofSeconds(10))
                .until(() -> "probe".equals(status("groq").path("source").asText())
                        && "up".equals(status("groq").path("state").asText()));
        assertThat(SimulatorResource.simulator().requests("groq")).isGreaterThan(requestsBefore);
    }

    @Test
    void uptimeAndLatencyStatisticsArePublishedPerProviderAndEndpoint() {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            String json = redis.value(String.class).get(HealthKeys.stats("openai"));
            assertThat(json).isNotNull();
            JsonNode stats = JSON.readTree(json);
            assertThat(stats.at("/last_5m/outcomes").asLong()).isPositive();
            assertThat(stats.at("/last_5m/uptime").asDouble()).isGreaterThan(0.0);
            assertThat(stats.at("/last_5m/p50_ms").isNumber()).isTrue();
            assertThat(stats.at("/last_1d/outcomes").asLong())
                    .isGreaterThanOrEqualTo(stats.at("/last_5m/outcomes").asLong());
        });
        // endpoints get statistics too (from real traffic; none here yet, so no outcomes)
        await().atMost(Duration.ofSeconds(20))
                .until(() -> redis.value(String.class).get(HealthKeys.stats("openai/gpt-4o-mini@openai")) != null);
    }

    @Test
    void readyAndMetricsAreServed() {
        given().get("/q/health/ready").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200);
    }
}

package dev.switchboard.router;

import dev.switchboard.events.EventCodec;
import dev.switchboard.events.Topics;
import dev.switchboard.events.UsageV1;
import dev.switchboard.events.health.HealthKeys;
import dev.switchboard.providers.UpstreamFailure;
import dev.switchboard.router.health.HealthView;
import dev.switchboard.simulator.Behaviour;
import dev.switchboard.testsupport.KafkaResource;
import dev.switchboard.testsupport.RedisResource;
import dev.switchboard.testsupport.RouteRequests;
import dev.switchboard.testsupport.SimulatorResource;
import dev.switchboard.testsupport.TopicProbe;
import dev.switchboard.wire.RouteRequest;
import dev.switchboard.wire.RoutingPreferences;
import dev.switchboard.wire.WireCodec;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Retries once every candidate failed: rounds with exponential backoff, the provider's Retry-After
 * honoured, a bounded number of rounds, and no retry of a failure another try cannot fix. Waits are
 * checked as lower bounds only (a timer never fires early), never as upper bounds.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = RedisResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = SimulatorResource.class, restrictToAnnotatedClass = false)
class RetryTest {

    private static final String PROVIDER = "fireworks";

    @Inject
    RedisDataSource redis;

    @Inject
    HealthView health;

    @AfterEach
    void reset() {
        SimulatorResource.simulator().behave(PROVIDER, Behaviour.DEFAULT);
        redis.key().del(HealthKeys.breakerFailures(PROVIDER), HealthKeys.breakerOpen(PROVIDER));
        health.closed(PROVIDER);
    }

    /** Routes a request to the one provider and answers its usage event (whose attempts are all that provider's). */
    private static UsageV1 route(String generation) {
        RoutingPreferences only = new RoutingPreferences(
                List.of(), true, false, false, false, List.of(PROVIDER), List.of(), List.of(), null, null, null);
        RouteRequest request = RouteRequests.shortChat(generation, "meta-llama/llama-3.1-8b-instruct", only);
        given().header("X-Switchboard-Service-Token", "dev-internal-token")
                .contentType(ContentType.JSON)
                .body(WireCodec.encode(request))
                .post("/internal/v1/chat")
                .then()
                .statusCode(200);
        return TopicProbe.find(
                        KafkaResource.bootstrapServers(),
                        Topics.USAGE,
                        r -> generation.equals(r.key()),
                        Duration.ofSeconds(20))
                .map(r -> EventCodec.decode(r.value(), UsageV1.TYPE, UsageV1.class)
                        .data())
                .orElseThrow(() -> new AssertionError("no usage event for " + generation));
    }

    private static List<String> outcomes(UsageV1 usage) {
        return usage.attempts().stream().map(UsageV1.Attempt::outcome).toList();
    }

    @Test
    void transientFailuresAreRetriedWithAGrowingBackoffUntilTheProviderAnswers() {
        SimulatorResource.simulator().behave(PROVIDER, new Behaviour(1, 1, 5, 503, 2, 0, 0));
        long started = System.nanoTime();
        UsageV1 usage = route("gen-" + UUID.randomUUID());
        assertThat(usage.status()).isEqualTo("success");
        assertThat(outcomes(usage)).containsExactly("overloaded", "overloaded", "success");
        // two rounds: 100 ms, then 200 ms
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }

    @Test
    void aRetryAfterLongerThanTheBackoffIsWaitedFor() {
        SimulatorResource.simulator().behave(PROVIDER, new Behaviour(1, 1, 5, 429, 1, 1, 0));
        long started = System.nanoTime();
        UsageV1 usage = route("gen-" + UUID.randomUUID());
        assertThat(outcomes(usage)).containsExactly("rate_limited", "success");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void retriesStopAfterFiveRoundsAndFailuresOfTheRequestItselfAreNotRetried() {
        SimulatorResource.simulator().behave(PROVIDER, new Behaviour(1, 1, 5, 500, -1, 0, 0));
        UsageV1 failing = route("gen-" + UUID.randomUUID());
        assertThat(failing.status()).isEqualTo("error");
        assertThat(outcomes(failing)).hasSize(6).allMatch("upstream"::equals);

        SimulatorResource.simulator().behave(PROVIDER, new Behaviour(1, 1, 5, 400, -1, 0, 0));
        UsageV1 refused = route("gen-" + UUID.randomUUID());
        assertThat(outcomes(refused)).containsExactly("bad_request");
    }

    @Test
    void retryAfterIsReadAsSecondsOrAnHttpDate() {
        assertThat(UpstreamFailure.parseRetryAfter("2", 0)).isEqualTo(2000L);
        assertThat(UpstreamFailure.parseRetryAfter("Thu, 01 Jan 1970 00:00:05 GMT", 1000))
                .isEqualTo(4000L);
        assertThat(UpstreamFailure.parseRetryAfter("soon", 0)).isNull();
        assertThat(UpstreamFailure.parseRetryAfter("86400", 0)).isNull();
        assertThat(UpstreamFailure.parseRetryAfter(null, 0)).isNull();
    }
}

package dev.switchboard.router.health;

import dev.switchboard.events.health.HealthKeys;
import dev.switchboard.events.health.OutcomeBuckets;
import dev.switchboard.simulator.Behaviour;
import dev.switchboard.testsupport.KafkaResource;
import dev.switchboard.testsupport.RedisResource;
import dev.switchboard.testsupport.SimulatorResource;
import dev.switchboard.wire.AccountPreferences;
import dev.switchboard.wire.AuthContext;
import dev.switchboard.wire.EmbeddingRequest;
import dev.switchboard.wire.EmbeddingResult;
import dev.switchboard.wire.ErrorClass;
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
import static org.awaitility.Awaitility.await;

/**
 * Embeddings keep the same health books as chat: a provider failing for good opens its shared
 * breaker; a request the provider rightly refuses (400) counts neither against its breaker nor as
 * an error in its passive health.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = RedisResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = SimulatorResource.class, restrictToAnnotatedClass = false)
class EmbeddingHealthTest {

    /** The providers of {@code openai/text-embedding-3-small} in the built-in catalog. */
    private static final List<String> PROVIDERS = List.of("openai", "azure");

    @Inject
    RedisDataSource redis;

    @Inject
    HealthView health;

    @Inject
    PassiveRecorder passive;

    @AfterEach
    void reset() {
        for (String provider : PROVIDERS) {
            SimulatorResource.simulator().behave(provider, Behaviour.DEFAULT);
            redis.key()
                    .del(
                            HealthKeys.breakerFailures(provider),
                            HealthKeys.breakerOpen(provider),
                            HealthKeys.status(provider));
            health.closed(provider);
        }
    }

    private static EmbeddingResult embed() {
        String generation = "gen-" + UUID.randomUUID();
        var request = new EmbeddingRequest.Routed(
                generation,
                new AuthContext(
                        UUID.randomUUID().toString(),
                        UUID.randomUUID().toString(),
                        generation,
                        1_000_000L,
                        AccountPreferences.NONE),
                new EmbeddingRequest(List.of("openai/text-embedding-3-small"), List.of("one", "two"), 16, null));
        String body = given().header("X-Switchboard-Service-Token", "dev-internal-token")
                .contentType(ContentType.JSON)
                .body(WireCodec.encode(request))
                .post("/internal/v1/embeddings")
                .then()
                .extract()
                .asString();
        try {
            return WireCodec.mapper().readValue(body, EmbeddingResult.class);
        } catch (java.io.IOException e) {
            throw new AssertionError("not an embedding result: " + body, e);
        }
    }

    private static void failWith(int status) {
        PROVIDERS.forEach(p -> SimulatorResource.simulator().behave(p, new Behaviour(1, 1, 5, status, -1, 0, 0)));
    }

    @Test
    void providersFailingForGoodOpenTheirBreakers() {
        failWith(503);
        for (int i = 0; i < 5; i++) {
            EmbeddingResult result = embed();
            assertThat(result.error()).isNotNull();
        }
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            for (String provider : PROVIDERS) {
                assertThat(redis.key().exists(HealthKeys.breakerOpen(provider)))
                        .as("breaker of %s open", provider)
                        .isTrue();
            }
        });
    }

    @Test
    void aRequestTheProvidersRefuseCountsNothingAgainstThem() {
        passive.flush();
        long minute = System.currentTimeMillis() / 60_000;
        long errorsBefore = errors(minute);
        failWith(400);
        for (int i = 0; i < 6; i++) {
            EmbeddingResult result = embed();
            assertThat(result.error()).isNotNull();
            assertThat(result.error().errorClass()).isEqualTo(ErrorClass.BAD_REQUEST);
        }
        passive.flush();
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).untilAsserted(() -> {
            assertThat(errors(minute)).isEqualTo(errorsBefore);
            for (String provider : PROVIDERS) {
                assertThat(redis.key().exists(HealthKeys.breakerFailures(provider)))
                        .as("failures of %s counted", provider)
                        .isFalse();
                assertThat(redis.key().exists(HealthKeys.breakerOpen(provider))).isFalse();
            }
        });
    }

    /** Errors and bad-request outcomes in the providers' passive buckets for {@code minute} and the next one. */
    private long errors(long minute) {
        long total = 0;
        for (String provider : PROVIDERS) {
            for (long m = minute; m <= minute + 1; m++) {
                for (String field : List.of(OutcomeBuckets.ERRORS, OutcomeBuckets.errorClassField("bad_request"))) {
                    String value = redis.hash(String.class).hget(HealthKeys.minute(provider, m), field);
                    total += value == null ? 0 : Long.parseLong(value);
                }
            }
        }
        return total;
    }
}

package dev.switchboard.edge;

import dev.switchboard.edge.service.KeyCache;
import dev.switchboard.edge.service.RateLimiter;
import dev.switchboard.events.CloudEvent;
import dev.switchboard.events.EventCodec;
import dev.switchboard.events.KeyEventV1;
import dev.switchboard.events.Topics;
import dev.switchboard.testsupport.KafkaResource;
import dev.switchboard.testsupport.RedisResource;
import dev.switchboard.testsupport.TopicProbe;
import dev.switchboard.wire.AccountPreferences;
import dev.switchboard.wire.KeyClaims;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The edge's key cache (invalidated by key events) and per-key rate limits (Redis, local fallback). */
@QuarkusTest
@TestProfile(KeyCacheAndLimitsTest.Stores.class)
class KeyCacheAndLimitsTest {

    public static class Stores implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "switchboard.edge.auth-url",
                    "http://127.0.0.1:9",
                    "switchboard.edge.router-url",
                    "http://127.0.0.1:9",
                    "switchboard.edge.analytics-url",
                    "http://127.0.0.1:9",
                    "switchboard.edge.auth-grace.exposure-usd",
                    "0.02");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(KafkaResource.class), new TestResourceEntry(RedisResource.class));
        }
    }

    @Inject
    KeyCache cache;

    @Inject
    RateLimiter limiter;

    @Inject
    Vertx vertx;

    private static KeyClaims claims(Integer rpm, Integer tpm) {
        return new KeyClaims(
                UUID.randomUUID().toString(),
                UUID.randomUUID().toString(),
                KeyClaims.INFERENCE,
                rpm,
                tpm,
                AccountPreferences.NONE,
                1);
    }

    @Test
    void aKeyEventDropsTheCachedKeyWithinASecond() {
        KeyClaims claims = claims(null, null);
        String digest = KeyCache.digest("sk-sb-v1-" + UUID.randomUUID());
        cache.put(digest, claims);
        assertThat(cache.fresh(digest)).isPresent();

        KeyEventV1 revoked = new KeyEventV1(claims.keyId(), claims.accountId(), "revoked", Instant.now());
        // the consumer starts at the latest offset: keep publishing until it has joined
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    TopicProbe.send(
                            KafkaResource.bootstrapServers(),
                            Topics.KEY_EVENTS,
                            claims.keyId(),
                            EventCodec.encode(CloudEvent.of(
                                    KeyEventV1.TYPE,
                                    UUID.randomUUID().toString(),
                                    "/test",
                                    claims.keyId(),
                                    Instant.now(),
                                    revoked)));
                    return cache.fresh(digest).isEmpty();
                });

        // once joined, the next event takes effect within a second
        KeyClaims other = claims(null, null);
        String otherDigest = KeyCache.digest("sk-sb-v1-" + UUID.randomUUID());
        cache.put(otherDigest, other);
        TopicProbe.send(
                KafkaResource.bootstrapServers(),
                Topics.KEY_EVENTS,
                other.keyId(),
                EventCodec.encode(CloudEvent.of(
                        KeyEventV1.TYPE,
                        UUID.randomUUID().toString(),
                        "/test",
                        other.keyId(),
                        Instant.now(),
                        new KeyEventV1(other.keyId(), other.accountId(), "updated", Instant.now()))));
        await().atMost(Duration.ofSeconds(1))
                .until(() -> cache.fresh(otherDigest).isEmpty());
    }

    @Test
    void requestsPerMinuteAreLimitedAcrossCallsThroughRedis() {
        KeyClaims claims = claims(3, null);
        for (int i = 0; i < 3; i++) {
            assertThat(limiter.acquire(claims, 10)
                            .toCompletionStage()
                            .toCompletableFuture()
                            .join()
                            .allowed())
                    .isTrue();
        }
        RateLimiter.Decision refused = limiter.acquire(claims, 10)
                .toCompletionStage()
                .toCompletableFuture()
                .join();
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.retryAfterMillis()).isBetween(1L, 20_000L);
        assertThat(refused.limit()).isEqualTo(3);
    }

    @Test
    void tokensPerMinuteCountThePromptBeforeAndTheCompletionAfter() {
        KeyClaims claims = claims(null, 1000);
        assertThat(limiter.acquire(claims, 600)
                        .toCompletionStage()
                        .toCompletableFuture()
                        .join()
                        .allowed())
                .isTrue();
        limiter.charge(claims, 500); // the completion drove the bucket below zero
        await().atMost(Duration.ofSeconds(2))
                .until(() -> !limiter.acquire(claims, 1)
                        .toCompletionStage()
                        .toCompletableFuture()
                        .join()
                        .allowed());
    }

    @Test
    void whileAuthIsDownACachedKeyRunsWithinItsAccountsExposureBudgetAndAnUnknownKeyGets503() {
        String key = "sk-sb-v1-" + "g".repeat(43);
        KeyClaims claims = claims(null, null);
        cache.put(KeyCache.digest(key), claims);
        // 12000 output tokens of gpt-4o-mini at its dearest endpoint (Azure, $0.66/M) reserve about $0.0079:
        // two fit in the $0.02 budget, a third does not
        String chat =
                "{\"model\":\"openai/gpt-4o-mini\",\"max_tokens\":12000,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        for (int i = 0; i < 2; i++) {
            // past auth, the (unreachable) router answers: proof the request ran on the grace budget
            io.restassured.RestAssured.given()
                    .header("Authorization", "Bearer " + key)
                    .contentType("application/json")
                    .body(chat)
                    .post("/api/v1/chat/completions")
                    .then()
                    .statusCode(503)
                    .body("error.message", org.hamcrest.Matchers.containsString("Routing service"));
        }
        io.restassured.RestAssured.given()
                .header("Authorization", "Bearer " + key)
                .contentType("application/json")
                .body(chat)
                .post("/api/v1/chat/completions")
                .then()
                .statusCode(503)
                .body("error.message", org.hamcrest.Matchers.containsString("Authentication service"));
        io.restassured.RestAssured.given()
                .header("Authorization", "Bearer sk-sb-v1-" + "u".repeat(43))
                .contentType("application/json")
                .body(chat)
                .post("/api/v1/chat/completions")
                .then()
                .statusCode(503)
                .body("error.message", org.hamcrest.Matchers.containsString("Authentication service"));
    }

    @Test
    void keysWithoutLimitsNeverTouchRedis() {
        assertThat(limiter.acquire(claims(null, null), 1_000_000)
                        .toCompletionStage()
                        .toCompletableFuture()
                        .join()
                        .allowed())
                .isTrue();
    }

    @Test
    void withoutRedisEachReplicaLimitsOnItsOwn() {
        Redis unreachable = Redis.createClient(vertx, "redis://127.0.0.1:9");
        RateLimiter alone = new RateLimiter(unreachable, new SimpleMeterRegistry());
        KeyClaims claims = claims(2, null);
        assertThat(alone.acquire(claims, 1)
                        .toCompletionStage()
                        .toCompletableFuture()
                        .join()
                        .allowed())
                .isTrue();
        assertThat(alone.acquire(claims, 1)
                        .toCompletionStage()
                        .toCompletableFuture()
                        .join()
                        .allowed())
                .isTrue();
        assertThat(alone.acquire(claims, 1)
                        .toCompletionStage()
                        .toCompletableFuture()
                        .join()
                        .allowed())
                .isFalse();
        unreachable.close();
    }
}

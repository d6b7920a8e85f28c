package dev.switchboard.router.health;

import dev.switchboard.catalog.CatalogLoader;
import dev.switchboard.catalog.LiveCatalog;
import dev.switchboard.events.health.HealthKeys;
import dev.switchboard.router.RouteCalls;
import dev.switchboard.wire.RouteEvent;
import dev.switchboard.wire.Usage;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.redis.client.Redis;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;

/**
 * Published provider rate limits: a provider that used up its requests or tokens per minute is
 * tried after the providers with headroom, on every replica, and still serves when it is the only
 * choice.
 */
@QuarkusTest
@TestProfile(RateLimitTest.Limited.class)
class RateLimitTest {

    static final int RPM = 3;

    /** The built-in catalog, with OpenAI at 3 requests a minute and DeepInfra at 5 tokens a minute. */
    public static class Limited implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            String catalog = new String(CatalogLoader.builtInDocument(), StandardCharsets.UTF_8)
                    .replace(
                            "  - name: openai\n",
                            "  - name: openai\n    rate_limits: { requests_per_minute: " + RPM + " }\n")
                    .replace(
                            "  - name: deepinfra\n",
                            "  - name: deepinfra\n    rate_limits: { tokens_per_minute: 5 }\n");
            try {
                Path file = Files.createTempFile("catalog-rate-limits", ".yaml");
                Files.writeString(file, catalog);
                file.toFile().deleteOnExit();
                return Map.of("switchboard.catalog.path", file.toString());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Inject
    LiveCatalog catalog;

    @Inject
    RedisDataSource redis;

    @Inject
    Redis mutinyRedis;

    /**
     * Waits until at least 20 s of the current minute are left (the counters are per minute) and
     * clears {@code provider}'s counters for it (an earlier run may have counted in the same minute).
     */
    private long minuteWithRoom(String provider) throws InterruptedException {
        long secondOfMinute = System.currentTimeMillis() / 1000 % 60;
        if (secondOfMinute > 40) {
            Thread.sleep((61 - secondOfMinute) * 1000);
        }
        long minute = System.currentTimeMillis() / 60_000;
        redis.key().del(HealthKeys.rateRequests(provider, minute), HealthKeys.rateTokens(provider, minute));
        return minute;
    }

    @Test
    void aProviderAtItsRequestsPerMinuteIsTriedAfterTheOthersOnEveryReplica() throws InterruptedException {
        assertThat(catalog.current()
                        .provider("openai")
                        .orElseThrow()
                        .rateLimits()
                        .requestsPerMinute())
                .isEqualTo(RPM);
        long minute = minuteWithRoom("openai");
        String model = "openai/gpt-4o-mini"; // OpenAI is cheaper than Azure
        for (int i = 0; i < RPM; i++) {
            assertThat(RouteCalls.servedBy(RouteCalls.cheapest(model)))
                    .as("request %d", i + 1)
                    .isEqualTo("openai");
        }
        // the limit is used up: Azure first now
        assertThat(RouteCalls.servedBy(RouteCalls.cheapest(model))).isEqualTo("azure");
        // operators see it in the readiness data
        given().get("/q/health/ready")
                .then()
                .statusCode(200)
                .body("checks.find { it.name == 'router' }.data.rate_limited_providers", containsString("openai"));
        // when OpenAI is the only choice it is still tried (it may have headroom the count does not know of)
        assertThat(RouteCalls.servedBy(RouteCalls.pinned("openai", model))).isEqualTo("openai");

        // the counts reach Redis, where another replica (a meter of its own) reads them
        await().atMost(Duration.ofSeconds(5)).until(() -> count(HealthKeys.rateRequests("openai", minute)) >= RPM + 1);
        RateLimitMeter other = new RateLimitMeter(mutinyRedis, catalog);
        other.sent(catalog.current().provider("openai").orElseThrow()); // this replica sent one as well
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            other.flush();
            assertThat(other.saturated("openai")).isTrue();
        });
        assertThat(other.saturated("azure")).as("no published limits").isFalse();
    }

    @Test
    void aProviderAtItsTokensPerMinuteIsTriedAfterTheOthers() throws InterruptedException {
        long minute = minuteWithRoom("deepinfra");
        String model = "meta-llama/llama-3.1-8b-instruct"; // DeepInfra, then Groq, by price
        RouteEvent first = RouteCalls.last(RouteCalls.cheapest(model));
        assertThat(first).isInstanceOf(RouteEvent.Completed.class);
        Usage usage = ((RouteEvent.Completed) first).usage();
        assertThat(usage.promptTokens() + usage.completionTokens()).isGreaterThanOrEqualTo(5);

        assertThat(RouteCalls.servedBy(RouteCalls.cheapest(model))).isEqualTo("groq");
        await().atMost(Duration.ofSeconds(5))
                .until(() -> count(HealthKeys.rateTokens("deepinfra", minute))
                        == usage.promptTokens() + usage.completionTokens());
        // providers without published limits are not counted
        assertThat(redis.key().exists(HealthKeys.rateRequests("groq", minute))).isFalse();
    }

    @Test
    void aNewMinuteStartsFromNothing() {
        // a meter on a clock of its own, far from the real minutes other tests count in
        AtomicLong now = new AtomicLong(7_000_000_000_000L + (System.nanoTime() & 0xFFFF) * 60_000);
        RateLimitMeter meter = new RateLimitMeter(mutinyRedis, catalog, now::get);
        var openai = catalog.current().provider("openai").orElseThrow();
        for (int i = 0; i < RPM; i++) {
            assertThat(meter.saturated("openai")).isFalse();
            meter.sent(openai);
        }
        assertThat(meter.saturated("openai"))
                .as("counted here, before any flush")
                .isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            meter.flush();
            return count(HealthKeys.rateRequests("openai", now.get() / 60_000)) == RPM;
        });
        assertThat(meter.saturated("openai")).as("the shared total").isTrue();

        now.addAndGet(60_000);
        assertThat(meter.saturated("openai")).as("the next minute").isFalse();
        meter.sent(openai);
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            meter.flush();
            return count(HealthKeys.rateRequests("openai", now.get() / 60_000)) == 1;
        });
        assertThat(meter.saturated("openai")).isFalse();
    }

    private long count(String key) {
        String value = redis.value(String.class).get(key);
        return value == null ? 0 : Long.parseLong(value);
    }
}

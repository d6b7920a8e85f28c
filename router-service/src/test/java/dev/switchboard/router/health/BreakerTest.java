package dev.switchboard.router.health;

import dev.switchboard.catalog.LiveCatalog;
import dev.switchboard.events.health.HealthKeys;
import dev.switchboard.router.RouteCalls;
import dev.switchboard.router.config.RouterConfig;
import dev.switchboard.simulator.Behaviour;
import dev.switchboard.testsupport.KafkaResource;
import dev.switchboard.testsupport.RedisResource;
import dev.switchboard.testsupport.SimulatorResource;
import dev.switchboard.wire.RouteEvent;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.core.Vertx;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Shared breakers: five failures open one for every replica, for a bounded time, and a success closes it. */
@QuarkusTest
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = RedisResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = SimulatorResource.class, restrictToAnnotatedClass = false)
class BreakerTest {

    private static final String PROVIDER = "together";

    @Inject
    RedisDataSource redis;

    @Inject
    ReactiveRedisDataSource reactiveRedis;

    @Inject
    HealthView health;

    @Inject
    LiveCatalog catalog;

    @Inject
    RouterConfig config;

    @Inject
    Vertx vertx;

    @Inject
    RateLimitMeter rateLimits;

    @AfterEach
    void reset() {
        SimulatorResource.simulator().behave(PROVIDER, Behaviour.DEFAULT);
        redis.key()
                .del(
                        HealthKeys.breakerFailures(PROVIDER),
                        HealthKeys.breakerOpen(PROVIDER),
                        HealthKeys.status(PROVIDER));
        health.closed(PROVIDER);
    }

    private static RouteEvent routeToTheProvider() {
        return RouteCalls.last(RouteCalls.pinned(PROVIDER, "meta-llama/llama-3.1-8b-instruct"));
    }

    @Test
    void fiveFailuresOpenTheBreakerForEveryReplicaAndASuccessClosesIt() {
        // four failures, then the fifth attempt (a retry round) succeeds: the count restarts, nothing opens
        SimulatorResource.simulator()
                .behave(PROVIDER, new Behaviour(1, 1, 5, 503, config.health().breakerFailures() - 1, 0, 0));
        assertThat(routeToTheProvider()).isInstanceOf(RouteEvent.Completed.class);
        await().during(Duration.ofMillis(300))
                .atMost(Duration.ofSeconds(2))
                .until(() -> !redis.key().exists(HealthKeys.breakerOpen(PROVIDER))
                        && !redis.key().exists(HealthKeys.breakerFailures(PROVIDER)));
        assertThat(health.state(PROVIDER)).isNotEqualTo(ProviderState.DEGRADED);

        // failing for good: the request's attempts (first try and retry rounds) pass the threshold
        SimulatorResource.simulator().behave(PROVIDER, new Behaviour(1, 1, 5, 503, -1, 0, 0));
        assertThat(routeToTheProvider()).isInstanceOf(RouteEvent.Failed.class);
        await().atMost(Duration.ofSeconds(5)).until(() -> redis.key().exists(HealthKeys.breakerOpen(PROVIDER)));
        assertThat(redis.key().pttl(HealthKeys.breakerOpen(PROVIDER)))
                .isBetween(1L, config.health().breakerOpenFor().toMillis());
        assertThat(health.state(PROVIDER))
                .as(
                        "open %s, status %s",
                        health.breakerOpen(PROVIDER), redis.value(String.class).get(HealthKeys.status(PROVIDER)))
                .isEqualTo(ProviderState.DEGRADED);

        // another router replica: a health view of its own over the same Redis
        HealthView other = new HealthView(reactiveRedis, catalog, config, vertx, rateLimits);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            other.refresh();
            assertThat(other.state(PROVIDER)).isEqualTo(ProviderState.DEGRADED);
        });

        // the provider recovers: the next success (the half-open trial) closes the breaker everywhere
        SimulatorResource.simulator().behave(PROVIDER, Behaviour.DEFAULT);
        assertThat(routeToTheProvider()).isInstanceOf(RouteEvent.Completed.class);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> !redis.key().exists(HealthKeys.breakerOpen(PROVIDER))
                        && !redis.key().exists(HealthKeys.breakerFailures(PROVIDER)));
        assertThat(health.state(PROVIDER)).isNotEqualTo(ProviderState.DEGRADED);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            other.refresh();
            assertThat(other.state(PROVIDER)).isNotEqualTo(ProviderState.DEGRADED);
        });
    }
}

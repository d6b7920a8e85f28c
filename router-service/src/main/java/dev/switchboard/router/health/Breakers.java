package dev.switchboard.router.health;

import dev.switchboard.events.health.HealthKeys;
import dev.switchboard.router.config.RouterConfig;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.List;

/**
 * Circuit breakers shared by every router replica through Redis. Each retryable failure of a
 * provider (5xx, 429, timeout, connection failure, broken stream) increments
 * {@code breaker:{p}:failures}; when the count reaches {@code breaker-failures} (5) the replica that
 * saw it sets {@code breaker:{p}:open} for {@code breaker-open-for} (60 s), and every replica's
 * {@link HealthView} then reports the provider degraded: tried only after the healthy ones. When the
 * key expires the breaker is half-open: the counter is still at its threshold, so the next failure
 * reopens it at once, while a success anywhere deletes both keys and closes it.
 *
 * <p>Off the request path: the Redis commands are sent without waiting; a Redis outage loses counts,
 * never a request. A success costs a command only while the snapshot shows failures.
 */
@ApplicationScoped
public class Breakers {

    private static final Logger LOG = Logger.getLogger(Breakers.class);
    /** The counter outlives an open period, so a half-open failure reopens at once. */
    private static final long FAILURES_TTL_SECONDS = 600;

    private final Redis redis;
    private final HealthView health;
    private final int threshold;
    private final long openMillis;
    private volatile boolean warned;

    public Breakers(Redis redis, HealthView health, RouterConfig config) {
        this.redis = redis;
        this.health = health;
        this.threshold = config.health().breakerFailures();
        this.openMillis = config.health().breakerOpenFor().toMillis();
    }

    /** A retryable failure of {@code provider}. */
    public void failed(String provider) {
        health.failureSeen(provider);
        String failures = HealthKeys.breakerFailures(provider);
        redis.batch(List.of(
                        Request.cmd(Command.INCR).arg(failures),
                        Request.cmd(Command.EXPIRE).arg(failures).arg(FAILURES_TTL_SECONDS)))
                .subscribe()
                .with(
                        responses -> {
                            long count = responses.getFirst().toLong();
                            if (count >= threshold) {
                                open(provider, count);
                            }
                        },
                        this::warn);
    }

    /** A success of {@code provider}: closes its breaker if it had failures. */
    public void succeeded(String provider) {
        if (!health.hasFailures(provider)) {
            return;
        }
        health.closed(provider);
        redis.send(Request.cmd(Command.DEL)
                        .arg(HealthKeys.breakerFailures(provider))
                        .arg(HealthKeys.breakerOpen(provider)))
                .subscribe()
                .with(ok -> {}, this::warn);
    }

    private void open(String provider, long count) {
        boolean wasOpen = health.breakerOpen(provider);
        health.opened(provider, System.currentTimeMillis() + openMillis);
        redis.send(Request.cmd(Command.SET)
                        .arg(HealthKeys.breakerOpen(provider))
                        .arg(System.currentTimeMillis())
                        .arg("PX")
                        .arg(openMillis))
                .subscribe()
                .with(ok -> {}, this::warn);
        if (!wasOpen) {
            LOG.infof(
                    "breaker opened for provider %s after %d consecutive failures: degraded for %d s",
                    provider, count, openMillis / 1000);
        }
    }

    private void warn(Throwable e) {
        if (!warned) {
            warned = true;
            LOG.warnf("breaker state not written to Redis: %s", e.getMessage());
        }
    }
}

package dev.switchboard.prober.health;

import dev.switchboard.events.EventCodec;
import dev.switchboard.events.health.HealthKeys;
import dev.switchboard.events.health.HealthStats;
import dev.switchboard.events.health.HealthStatus;
import dev.switchboard.events.health.OutcomeBuckets;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The prober's Redis reads and writes, pipelined (one round trip per call). */
@ApplicationScoped
public class HealthStore {

    private final Redis redis;

    public HealthStore(Redis redis) {
        this.redis = redis;
    }

    /** Counts one probe outcome into the subject's minute and hour buckets. */
    public Uni<Void> record(String subject, boolean ok, long latencyMs, long epochMillis) {
        List<Request> batch = new ArrayList<>();
        for (OutcomeBuckets.Increment inc : OutcomeBuckets.incrementsFor(subject, ok, latencyMs, epochMillis)) {
            batch.add(
                    Request.cmd(Command.HINCRBY).arg(inc.key()).arg(inc.field()).arg(inc.amount()));
        }
        for (OutcomeBuckets.Expiry expiry : OutcomeBuckets.expiriesFor(subject, epochMillis)) {
            batch.add(Request.cmd(Command.EXPIRE).arg(expiry.key()).arg(expiry.seconds()));
        }
        return redis.batch(batch).replaceWithVoid();
    }

    /** Epoch ms of the last passive outcome routers flushed for {@code subject}, or 0. */
    public Uni<Long> lastPassive(String subject) {
        return redis.send(Request.cmd(Command.GET).arg(HealthKeys.passive(subject)))
                .map(r -> r == null ? 0L : Long.parseLong(r.toString()));
    }

    /** Sums of the minute buckets of the last {@code minutes} minutes (the current one included). */
    public Uni<OutcomeBuckets.Sum> lastMinutes(String subject, int minutes, long epochMillis) {
        long now = epochMillis / 60_000;
        List<String> keys = new ArrayList<>(minutes);
        for (long m = now - minutes + 1; m <= now; m++) {
            keys.add(HealthKeys.minute(subject, m));
        }
        return sum(keys);
    }

    /** Sums of the hour buckets of the last {@code hours} hours (the current one included). */
    public Uni<OutcomeBuckets.Sum> lastHours(String subject, int hours, long epochMillis) {
        long now = epochMillis / 3_600_000;
        List<String> keys = new ArrayList<>(hours);
        for (long h = now - hours + 1; h <= now; h++) {
            keys.add(HealthKeys.hour(subject, h));
        }
        return sum(keys);
    }

    private Uni<OutcomeBuckets.Sum> sum(List<String> keys) {
        List<Request> batch =
                keys.stream().map(k -> Request.cmd(Command.HGETALL).arg(k)).toList();
        return redis.batch(batch).map(responses -> {
            OutcomeBuckets.Sum sum = new OutcomeBuckets.Sum();
            for (Response response : responses) {
                sum.add(toMap(response));
            }
            return sum;
        });
    }

    public Uni<Void> writeStatus(String provider, HealthStatus status, long ttlSeconds) {
        return redis.send(Request.cmd(Command.SET)
                        .arg(HealthKeys.status(provider))
                        .arg(json(status))
                        .arg("EX")
                        .arg(ttlSeconds))
                .replaceWithVoid();
    }

    public Uni<Void> writeStats(String subject, HealthStats stats, long ttlSeconds) {
        return redis.send(Request.cmd(Command.SET)
                        .arg(HealthKeys.stats(subject))
                        .arg(json(stats))
                        .arg("EX")
                        .arg(ttlSeconds))
                .replaceWithVoid();
    }

    private static Map<String, String> toMap(Response response) {
        Map<String, String> map = new HashMap<>();
        if (response == null) {
            return map;
        }
        // RESP2 answers HGETALL with a flat array, RESP3 with a map: both expose getKeys()/get(key)
        for (String key : response.getKeys()) {
            map.put(key, response.get(key).toString());
        }
        return map;
    }

    private static String json(Object value) {
        try {
            return EventCodec.mapper().writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package dev.switchboard.edge.service;

import dev.switchboard.wire.KeyClaims;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-key token buckets: requests per minute and tokens per minute, shared by every edge replica in
 * Redis and taken atomically by one Lua script (both buckets or neither). Tokens are charged twice:
 * an estimate of the prompt before the request, the completion after it (which may drive the bucket
 * below zero, delaying the key's next request). When Redis cannot be reached, each replica keeps
 * its own buckets, so a limit is approximately N times looser across N replicas until Redis is back.
 */
@ApplicationScoped
public class RateLimiter {

    private static final Logger LOG = Logger.getLogger(RateLimiter.class);

    /**
     * KEYS: rpm bucket, tpm bucket. ARGV: now ms, rpm capacity, rpm cost, tpm capacity, tpm cost, force.
     * A capacity of 0 means no limit. Buckets refill continuously to capacity over one minute.
     * Answers {allowed, rpm tokens left, wait ms}.
     */
    static final String SCRIPT = """
            local now = tonumber(ARGV[1])
            local force = ARGV[6] == '1'
            local function level(key, cap)
              local b = redis.call('HMGET', key, 't', 'ts')
              local t = tonumber(b[1]) or cap
              local ts = tonumber(b[2]) or now
              return math.min(cap, t + (now - ts) * cap / 60000)
            end
            local caps = {tonumber(ARGV[2]), tonumber(ARGV[4])}
            local costs = {tonumber(ARGV[3]), tonumber(ARGV[5])}
            local levels = {}
            local wait = 0
            for i = 1, 2 do
              if caps[i] > 0 then
                levels[i] = level(KEYS[i], caps[i])
                if levels[i] < costs[i] then
                  wait = math.max(wait, math.ceil((costs[i] - levels[i]) * 60000 / caps[i]))
                end
              end
            end
            local allowed = force or wait == 0
            for i = 1, 2 do
              if caps[i] > 0 then
                local t = levels[i]
                if allowed then t = t - costs[i] end
                redis.call('HSET', KEYS[i], 't', tostring(t), 'ts', tostring(now))
                redis.call('PEXPIRE', KEYS[i], 120000)
              end
            end
            local left = -1
            if caps[1] > 0 then left = math.floor(levels[1] - (allowed and costs[1] or 0)) end
            return {allowed and 1 or 0, left, allowed and 0 or wait}""";

    private final Redis redis;
    private final Map<String, LocalBucket> local = new ConcurrentHashMap<>();
    private final Counter limited;
    private volatile String sha;
    private volatile boolean redisDown;

    public RateLimiter(Redis redis, MeterRegistry registry) {
        this.redis = redis;
        this.limited = registry.counter("switchboard.edge.rate.limited");
    }

    /** The outcome of taking from a key's buckets. {@code remaining} is -1 without a request limit. */
    public record Decision(boolean allowed, long remaining, long retryAfterMillis, Integer limit) {
        static final Decision UNLIMITED = new Decision(true, -1, 0, null);
    }

    /** Takes one request and {@code promptTokens} from the key's buckets. */
    public Future<Decision> acquire(KeyClaims claims, int promptTokens) {
        if (claims.rateLimitRpm() == null && claims.rateLimitTpm() == null) {
            return Future.succeededFuture(Decision.UNLIMITED);
        }
        return take(claims, 1, promptTokens, false).onSuccess(d -> {
            if (!d.allowed()) {
                limited.increment();
            }
        });
    }

    /** Charges the completion's tokens after the fact (never refused). */
    public void charge(KeyClaims claims, int completionTokens) {
        if (claims.rateLimitTpm() != null && completionTokens > 0) {
            take(claims, 0, completionTokens, true);
        }
    }

    private Future<Decision> take(KeyClaims claims, int requests, int tokens, boolean force) {
        int rpm = claims.rateLimitRpm() == null ? 0 : claims.rateLimitRpm();
        int tpm = claims.rateLimitTpm() == null ? 0 : claims.rateLimitTpm();
        long now = System.currentTimeMillis();
        List<String> keys = List.of("ratelimit:" + claims.keyId() + ":rpm", "ratelimit:" + claims.keyId() + ":tpm");
        List<String> args = List.of(
                Long.toString(now),
                Integer.toString(rpm),
                Integer.toString(requests),
                Integer.toString(tpm),
                Integer.toString(tokens),
                force ? "1" : "0");
        return evaluate(keys, args)
                .map(r -> new Decision(
                        r.get(0).toInteger() == 1, r.get(1).toLong(), r.get(2).toLong(), claims.rateLimitRpm()))
                .onSuccess(d -> redisDown = false)
                .recover(e -> {
                    if (!redisDown) {
                        redisDown = true;
                        LOG.warnf("rate limits fall back to this replica's own buckets (Redis: %s)", e.getMessage());
                    }
                    return Future.succeededFuture(
                            takeLocally(keys, rpm, requests, tpm, tokens, force, now, claims.rateLimitRpm()));
                });
    }

    private Future<Response> evaluate(List<String> keys, List<String> args) {
        String known = sha;
        if (known != null) {
            return send(Command.EVALSHA, known, keys, args)
                    .recover(e -> e.getMessage() != null && e.getMessage().contains("NOSCRIPT")
                            ? evalAndRemember(keys, args)
                            : Future.failedFuture(e));
        }
        return evalAndRemember(keys, args);
    }

    private Future<Response> evalAndRemember(List<String> keys, List<String> args) {
        return Future.fromCompletionStage(
                        redis.send(Request.cmd(Command.SCRIPT).arg("LOAD").arg(SCRIPT))
                                .subscribeAsCompletionStage())
                .compose(loaded -> {
                    sha = loaded.toString();
                    return send(Command.EVALSHA, sha, keys, args);
                });
    }

    private Future<Response> send(Command command, String script, List<String> keys, List<String> args) {
        Request request = Request.cmd(command).arg(script).arg(keys.size());
        keys.forEach(request::arg);
        args.forEach(request::arg);
        return Future.fromCompletionStage(redis.send(request).subscribeAsCompletionStage());
    }

    /** The same two buckets, in this replica's memory. */
    private Decision takeLocally(
            List<String> keys, int rpm, int requests, int tpm, int tokens, boolean force, long now, Integer limit) {
        int[] caps = {rpm, tpm};
        int[] costs = {requests, tokens};
        LocalBucket[] buckets = new LocalBucket[2];
        double[] levels = new double[2];
        long wait = 0;
        synchronized (local) {
            for (int i = 0; i < 2; i++) {
                if (caps[i] > 0) {
                    int cap = caps[i];
                    buckets[i] = local.computeIfAbsent(keys.get(i), k -> new LocalBucket(cap, now));
                    levels[i] = Math.min(cap, buckets[i].tokens + (now - buckets[i].at) * cap / 60000.0);
                    if (levels[i] < costs[i]) {
                        wait = Math.max(wait, (long) Math.ceil((costs[i] - levels[i]) * 60000 / cap));
                    }
                }
            }
            boolean allowed = force || wait == 0;
            for (int i = 0; i < 2; i++) {
                if (buckets[i] != null) {
                    buckets[i].tokens = levels[i] - (allowed ? costs[i] : 0);
                    buckets[i].at = now;
                }
            }
            long left = buckets[0] != null ? (long) Math.floor(buckets[0].tokens) : -1;
            return new Decision(allowed, left, allowed ? 0 : wait, limit);
        }
    }

    private static final class LocalBucket {
        double tokens;
        long at;

        LocalBucket(double tokens, long at) {
            this.tokens = tokens;
            this.at = at;
        }
    }
}

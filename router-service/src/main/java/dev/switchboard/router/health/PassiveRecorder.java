package dev.switchboard.router.health;

import dev.switchboard.events.health.HealthKeys;
import dev.switchboard.events.health.OutcomeBuckets;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Real traffic as health evidence. Every attempt's outcome (success or error class, latency to
 * the first token, throughput) is counted in memory (no I/O on the request path) and flushed to
 * Redis once a second in one pipelined batch: HINCRBY into the same outcome buckets the prober fills, per provider and per endpoint, and a "passive" timestamp that
 * lets the prober skip probing a provider real traffic already covers. Best effort: a failed
 * flush drops that second's counts.
 */
@ApplicationScoped
public class PassiveRecorder {

    private static final Logger LOG = Logger.getLogger(PassiveRecorder.class);
    private static final long PASSIVE_TTL_SECONDS = 10;
    private static final int FIELDS = OutcomeBuckets.BOUNDS_MS.length + 1;
    /** Fewer output tokens than this say little about a throughput. */
    private static final int MIN_TIMED_TOKENS = 8;

    private static final String SUCCESS = "success";

    private final Redis redis;
    private final Vertx vertx;
    private final Map<String, Counts> pending = new ConcurrentHashMap<>();
    private long timer = -1;
    private boolean warned;

    public PassiveRecorder(Redis redis, Vertx vertx) {
        this.redis = redis;
        this.vertx = vertx;
    }

    void start(@Observes StartupEvent event) {
        timer = vertx.setPeriodic(1_000, id -> flush());
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        flush();
    }

    /**
     * One attempt against {@code provider} for {@code endpointId}: {@code outcome} is {@code success}
     * or the failure's error class; {@code latencyMs} to first token or to failure.
     */
    public void record(String provider, String endpointId, String outcome, long latencyMs) {
        pending.computeIfAbsent(provider, s -> new Counts()).add(outcome, latencyMs);
        pending.computeIfAbsent(endpointId, s -> new Counts()).add(outcome, latencyMs);
    }

    /**
     * An answer that streamed {@code tokens} output tokens in {@code generationMs} after its first
     * token: the endpoint's (and provider's) throughput. Answers too short to time are left out.
     */
    public void recordThroughput(String provider, String endpointId, int tokens, long generationMs) {
        if (tokens < MIN_TIMED_TOKENS || generationMs <= 0) {
            return;
        }
        pending.computeIfAbsent(provider, s -> new Counts()).addThroughput(tokens, generationMs);
        pending.computeIfAbsent(endpointId, s -> new Counts()).addThroughput(tokens, generationMs);
    }

    void flush() {
        if (pending.isEmpty()) {
            return;
        }
        long now = System.currentTimeMillis();
        List<Request> batch = new ArrayList<>();
        for (String subject : List.copyOf(pending.keySet())) {
            Counts counts = pending.remove(subject);
            if (counts == null) {
                continue;
            }
            Map<String, Long> fields = counts.drain();
            if (fields.isEmpty()) {
                continue;
            }
            String minute = HealthKeys.minute(subject, now / 60_000);
            String hour = HealthKeys.hour(subject, now / 3_600_000);
            fields.forEach((field, amount) -> {
                batch.add(Request.cmd(Command.HINCRBY).arg(minute).arg(field).arg(amount));
                batch.add(Request.cmd(Command.HINCRBY).arg(hour).arg(field).arg(amount));
            });
            for (OutcomeBuckets.Expiry expiry : OutcomeBuckets.expiriesFor(subject, now)) {
                batch.add(Request.cmd(Command.EXPIRE).arg(expiry.key()).arg(expiry.seconds()));
            }
            batch.add(Request.cmd(Command.SET)
                    .arg(HealthKeys.passive(subject))
                    .arg(now)
                    .arg("EX")
                    .arg(PASSIVE_TTL_SECONDS));
        }
        if (batch.isEmpty()) {
            return;
        }
        redis.batch(batch).subscribe().with(ok -> warned = false, e -> {
            if (!warned) {
                warned = true;
                LOG.warnf("passive health outcomes not written to Redis: %s", e.getMessage());
            }
        });
    }

    /** Outcome counters of one subject between two flushes. */
    private static final class Counts {
        private final LongAdder count = new LongAdder();
        private final LongAdder errors = new LongAdder();
        private final LongAdder[] histogram = new LongAdder[FIELDS];
        private final LongAdder tokens = new LongAdder();
        private final LongAdder generationMs = new LongAdder();
        private final Map<String, LongAdder> errorClasses = new ConcurrentHashMap<>();

        Counts() {
            for (int i = 0; i < FIELDS; i++) {
                histogram[i] = new LongAdder();
            }
        }

        void add(String outcome, long latencyMs) {
            count.increment();
            if (SUCCESS.equals(outcome)) {
                histogram[
                        Integer.parseInt(OutcomeBuckets.latencyField(latencyMs).substring(1))].increment();
            } else {
                errors.increment();
                errorClasses.computeIfAbsent(outcome, c -> new LongAdder()).increment();
            }
        }

        void addThroughput(int outputTokens, long ms) {
            tokens.add(outputTokens);
            generationMs.add(ms);
        }

        Map<String, Long> drain() {
            Map<String, Long> out = new HashMap<>();
            put(out, OutcomeBuckets.COUNT, count.sumThenReset());
            put(out, OutcomeBuckets.ERRORS, errors.sumThenReset());
            put(out, OutcomeBuckets.TOKENS, tokens.sumThenReset());
            put(out, OutcomeBuckets.GENERATION_MS, generationMs.sumThenReset());
            for (int i = 0; i < FIELDS; i++) {
                put(out, "h" + i, histogram[i].sumThenReset());
            }
            errorClasses.forEach((errorClass, failures) ->
                    put(out, OutcomeBuckets.errorClassField(errorClass), failures.sumThenReset()));
            return out;
        }

        private static void put(Map<String, Long> out, String field, long amount) {
            if (amount > 0) {
                out.put(field, amount);
            }
        }
    }
}

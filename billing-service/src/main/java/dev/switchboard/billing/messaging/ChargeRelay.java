package dev.switchboard.billing.messaging;

import dev.switchboard.billing.config.BillingConfig;
import dev.switchboard.billing.repository.ChargeOutbox;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.TracingMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Publishes the charge outbox to {@code switchboard.charges.v1}: a round as soon as a ledger batch
 * commits ({@link #nudge}), and one every poll interval for what a crash or a Kafka outage left
 * behind. One round runs at a time per replica; a nudge during a round starts another after it, and
 * a full round is followed by the next at once. A failed round (Kafka down, the database down) is
 * logged and retried on the next tick; nothing is lost, the charges stay in the outbox.
 */
@ApplicationScoped
public class ChargeRelay {

    private static final Logger LOG = Logger.getLogger(ChargeRelay.class);
    private static final Duration PRUNE_EVERY = Duration.ofMinutes(1);

    private final ChargeOutbox outbox;
    private final MutinyEmitter<byte[]> charges;
    private final OpenTelemetry openTelemetry;
    private final BillingConfig.Outbox config;
    private final Vertx vertx;
    private final Counter published;
    private final Counter failedRounds;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();
    private volatile boolean failing;
    private volatile long prunedAtNanos = System.nanoTime();
    private long timer = -1;

    public ChargeRelay(
            ChargeOutbox outbox,
            @Channel("charges-out") @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 16384)
                    MutinyEmitter<byte[]> charges,
            OpenTelemetry openTelemetry,
            BillingConfig config,
            Vertx vertx,
            MeterRegistry registry) {
        this.outbox = outbox;
        this.charges = charges;
        this.openTelemetry = openTelemetry;
        this.config = config.outbox();
        this.vertx = vertx;
        this.published = registry.counter("switchboard.billing.charges.published");
        this.failedRounds = registry.counter("switchboard.billing.outbox.failed.rounds");
        registry.gauge("switchboard.billing.outbox.relaying", running, r -> r.get() ? 1 : 0);
    }

    void start(@Observes StartupEvent start) {
        timer = vertx.setPeriodic(config.pollInterval().toMillis(), id -> nudge());
    }

    void stop(@Observes ShutdownEvent stop) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    /** Something was written to the outbox (or may be there): publish it now. */
    public void nudge() {
        if (!running.compareAndSet(false, true)) {
            again.set(true);
            return;
        }
        again.set(false);
        outbox.publish(config.batchSize(), this::send).subscribe().with(this::roundDone, this::roundFailed);
    }

    private void roundDone(int sent) {
        published.increment(sent);
        if (failing) {
            failing = false;
            LOG.info("charge relay publishing again");
        }
        running.set(false);
        if (sent >= config.batchSize() || again.get()) {
            nudge();
        } else if (sent == 0 && System.nanoTime() - prunedAtNanos > PRUNE_EVERY.toNanos()) {
            prunedAtNanos = System.nanoTime();
            outbox.prune(config.retention())
                    .subscribe()
                    .with(
                            n -> LOG.debugf("%d published charges pruned", n),
                            e -> LOG.warnf("pruning published charges failed: %s", e.getMessage()));
        }
    }

    private void roundFailed(Throwable e) {
        failedRounds.increment();
        if (!failing) {
            failing = true;
            // once per outage: the charges stay in the outbox and every tick tries again
            LOG.warnf("charge relay cannot publish (retrying every %s): %s", config.pollInterval(), e.getMessage());
        }
        running.set(false);
    }

    /** Completes once Kafka has acknowledged every charge of the round, or fails after the send timeout. */
    private Uni<Void> send(List<ChargeOutbox.Pending> round) {
        List<Uni<Void>> sends = round.stream().map(this::send).toList();
        return Uni.join()
                .all(sends)
                .andFailFast()
                .ifNoItem()
                .after(config.sendTimeout())
                .fail()
                .replaceWithVoid();
    }

    private Uni<Void> send(ChargeOutbox.Pending charge) {
        Message<byte[]> message = Message.of(charge.payload())
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                        .withKey(charge.accountId())
                        .build());
        if (charge.traceparent() != null) {
            message = message.addMetadata(TracingMetadata.withCurrent(trace(charge)));
        }
        return charges.sendMessage(message);
    }

    /** The trace of the usage record the charge prices, as its headers carried it. */
    private Context trace(ChargeOutbox.Pending charge) {
        Map<String, String> headers = charge.tracestate() == null
                ? Map.of("traceparent", charge.traceparent())
                : Map.of("traceparent", charge.traceparent(), "tracestate", charge.tracestate());
        return openTelemetry.getPropagators().getTextMapPropagator().extract(Context.root(), headers, MAP);
    }

    private static final TextMapGetter<Map<String, String>> MAP = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };
}

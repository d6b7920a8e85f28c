package dev.switchboard.router.credit;

import dev.switchboard.internal.InternalClient;
import dev.switchboard.internal.InternalClients;
import dev.switchboard.router.config.RouterConfig;
import dev.switchboard.wire.ErrorResponse;
import dev.switchboard.wire.HoldExtension;
import dev.switchboard.wire.HoldFinishes;
import dev.switchboard.wire.WireCodec;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/** auth-service's hold extension and finish, over a pooled keep-alive client. */
@ApplicationScoped
public class CreditClient {

    private static final Logger LOG = Logger.getLogger(CreditClient.class);

    private final InternalClient http;
    private final Duration timeout;
    private final Counter finishFailures;
    private final Vertx vertx;
    private final Queue<HoldFinishes.Item> finishes = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean flushScheduled = new AtomicBoolean();
    static final int FINISH_BATCH = 500;
    static final long FINISH_DELAY_MS = 2;

    public CreditClient(Vertx vertx, RouterConfig config, InternalClients clients, MeterRegistry registry) {
        this.finishFailures = registry.counter("switchboard.router.credit.finish.failures");
        this.vertx = vertx;
        this.http = clients.to(config.credit().authUrl(), config.credit().maxConnections());
        this.timeout = config.credit().timeout();
    }

    /** Adds {@code nanos} to the hold; fails with the reason auth-service gave (no credit, key limit, max cost per request). */
    public Future<HoldExtension> extend(String holdId, long nanos) {
        return http.exchange(
                        HttpMethod.POST,
                        "/internal/v1/holds/" + holdId + "/extend",
                        Buffer.buffer(WireCodec.encode(new HoldExtension(nanos, 0))),
                        timeout)
                .compose(reply -> {
                    if (reply.status() == 200) {
                        return Future.succeededFuture(
                                WireCodec.mapper().convertValue(json(reply.body()), HoldExtension.class));
                    }
                    String message = "credit could not be extended (HTTP " + reply.status() + ")";
                    try {
                        message = WireCodec.mapper()
                                .treeToValue(json(reply.body()), ErrorResponse.class)
                                .error()
                                .message();
                    } catch (Exception ignored) {
                        // keep the status-based message
                    }
                    return Future.failedFuture(new IllegalStateException(message));
                });
    }

    /**
     * The request ended at {@code costNanos}: auth frees the rest of its hold. Finishes are sent
     * together, at most {@link #FINISH_BATCH} a call, {@link #FINISH_DELAY_MS} ms after the first of
     * a batch: a request's unused credit is free a few milliseconds after it ends, for one call per
     * batch instead of one per request. Best effort: a finish that does not arrive is made good by the
     * request's charge, or by the hold's expiry. A request without a hold (the edge's auth-outage
     * grace) has nothing to finish.
     */
    public void finish(String holdId, long costNanos) {
        if (holdId == null) {
            return;
        }
        finishes.add(new HoldFinishes.Item(holdId, costNanos));
        if (flushScheduled.compareAndSet(false, true)) {
            vertx.setTimer(FINISH_DELAY_MS, t -> flushFinishes());
        }
    }

    private void flushFinishes() {
        flushScheduled.set(false);
        List<HoldFinishes.Item> batch = new ArrayList<>();
        HoldFinishes.Item item;
        while ((item = finishes.poll()) != null) {
            batch.add(item);
            if (batch.size() == FINISH_BATCH) {
                sendFinishes(batch);
                batch = new ArrayList<>();
            }
        }
        if (!batch.isEmpty()) {
            sendFinishes(batch);
        }
        if (!finishes.isEmpty() && flushScheduled.compareAndSet(false, true)) {
            vertx.setTimer(FINISH_DELAY_MS, t -> flushFinishes());
        }
    }

    private void sendFinishes(List<HoldFinishes.Item> batch) {
        http.exchange(
                        HttpMethod.POST,
                        "/internal/v1/holds/finish",
                        Buffer.buffer(WireCodec.encode(new HoldFinishes(batch))),
                        timeout)
                .map(InternalClient.Reply::status)
                .onComplete(result -> {
                    if (result.failed() || result.result() >= 300) {
                        finishFailures.increment(batch.size());
                        LOG.debugf(
                                "%d holds not finished (%s); their charges settle them",
                                batch.size(),
                                result.failed() ? result.cause().getMessage() : "HTTP " + result.result());
                    }
                });
    }

    private static com.fasterxml.jackson.databind.JsonNode json(Buffer body) {
        try {
            return WireCodec.mapper().readTree(body.getBytes());
        } catch (java.io.IOException e) {
            throw new IllegalStateException("malformed answer from auth-service", e);
        }
    }
}

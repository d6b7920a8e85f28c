package dev.switchboard.router.credit;

import dev.switchboard.router.config.RouterConfig;
import dev.switchboard.wire.ErrorResponse;
import dev.switchboard.wire.HoldExtension;
import dev.switchboard.wire.HoldFinishes;
import dev.switchboard.wire.ServiceToken;
import dev.switchboard.wire.WireCodec;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/** auth-service's hold extension and finish, over a pooled keep-alive client. */
@ApplicationScoped
public class CreditClient {

    private static final Logger LOG = Logger.getLogger(CreditClient.class);

    private final HttpClient http;
    private final String base;
    private final String token;
    private final Counter finishFailures;
    private final Vertx vertx;
    private final Queue<HoldFinishes.Item> finishes = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean flushScheduled = new AtomicBoolean();
    static final int FINISH_BATCH = 500;
    static final long FINISH_DELAY_MS = 2;

    public CreditClient(
            Vertx vertx,
            RouterConfig config,
            @ConfigProperty(name = "switchboard.internal.token") String token,
            MeterRegistry registry) {
        this.finishFailures = registry.counter("switchboard.router.credit.finish.failures");
        this.vertx = vertx;
        this.http = vertx.createHttpClient(
                new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true).setConnectTimeout(2_000),
                new PoolOptions().setHttp1MaxSize(config.credit().maxConnections()));
        String url = config.credit().authUrl();
        this.base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.token = token;
    }

    /** Adds {@code nanos} to the hold; fails with the reason auth-service gave (no credit, key limit, max cost per request). */
    public Future<HoldExtension> extend(String holdId, long nanos) {
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setAbsoluteURI(base + "/internal/v1/holds/" + holdId + "/extend")
                .putHeader(ServiceToken.HEADER, token)
                .putHeader("Content-Type", "application/json")
                .setIdleTimeout(5_000);
        return http.request(options)
                .compose(request -> request.send(Buffer.buffer(WireCodec.encode(new HoldExtension(nanos, 0)))))
                .compose(response -> response.body().compose(body -> {
                    if (response.statusCode() == 200) {
                        return Future.succeededFuture(WireCodec.mapper().convertValue(json(body), HoldExtension.class));
                    }
                    String message = "credit could not be extended (HTTP " + response.statusCode() + ")";
                    try {
                        message = WireCodec.mapper()
                                .treeToValue(json(body), ErrorResponse.class)
                                .error()
                                .message();
                    } catch (Exception ignored) {
                        // keep the status-based message
                    }
                    return Future.failedFuture(new IllegalStateException(message));
                }));
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
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setAbsoluteURI(base + "/internal/v1/holds/finish")
                .putHeader(ServiceToken.HEADER, token)
                .putHeader("Content-Type", "application/json")
                .setIdleTimeout(5_000);
        http.request(options)
                .compose(request -> request.send(Buffer.buffer(WireCodec.encode(new HoldFinishes(batch)))))
                .compose(response -> response.body().map(body -> response.statusCode()))
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

    @PreDestroy
    void close() {
        http.close();
    }
}

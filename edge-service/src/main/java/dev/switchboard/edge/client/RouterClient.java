package dev.switchboard.edge.client;

import dev.switchboard.edge.config.EdgeConfig;
import dev.switchboard.edge.service.EdgeException;
import dev.switchboard.internal.InternalClient;
import dev.switchboard.internal.InternalClients;
import dev.switchboard.wire.RouteEvent;
import dev.switchboard.wire.RouteRequest;
import dev.switchboard.wire.WireCodec;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.parsetools.RecordParser;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;

/**
 * router-service's streaming call: posts the request and hands each line of the NDJSON answer to
 * the listener as a {@link RouteEvent}, on the calling event loop.
 */
@ApplicationScoped
public class RouterClient {

    private final InternalClient http;
    private final Duration idle;

    public RouterClient(InternalClients clients, EdgeConfig config) {
        this.http = clients.to(config.routerUrl(), config.internalPoolSize());
        this.idle = config.routerIdleTimeout();
    }

    /** Receives the router's events; exactly one of {@link #onEnd} or {@link #onError} ends the call. */
    public interface Listener {
        /** The router accepted the request; events follow. {@code response} can be paused, or reset through its request. */
        void onStart(HttpClientResponse response);

        void onEvent(RouteEvent event);

        void onEnd();

        void onError(Throwable error);
    }

    /**
     * Starts the call; the future completes once the router accepted it (after
     * {@link Listener#onStart}), or fails with a 503 {@link EdgeException} when the router is
     * unreachable or refuses the request.
     */
    public Future<Void> stream(RouteRequest request, Listener listener) {
        return http.http()
                .request(http.request(HttpMethod.POST, "/internal/v1/chat", idle))
                .compose(req -> req.send(Buffer.buffer(WireCodec.encode(request)))
                        .compose(response -> {
                            if (response.statusCode() != 200) {
                                return response.body()
                                        .compose(b -> Future.failedFuture(new EdgeException(
                                                503,
                                                "Routing service refused the request (HTTP " + response.statusCode()
                                                        + ")")));
                            }
                            listener.onStart(response);
                            RecordParser lines = RecordParser.newDelimited("\n", line -> {
                                if (line.length() > 0) {
                                    listener.onEvent(WireCodec.decodeEvent(line.getBytes()));
                                }
                            });
                            lines.maxRecordSize(32 * 1024 * 1024);
                            response.handler(chunk -> {
                                try {
                                    lines.handle(chunk);
                                } catch (RuntimeException e) {
                                    req.reset();
                                    listener.onError(e);
                                }
                            });
                            response.exceptionHandler(listener::onError);
                            response.endHandler(v -> listener.onEnd());
                            return Future.<Void>succeededFuture();
                        }))
                .recover(e -> Future.failedFuture(
                        e instanceof EdgeException ? e : new EdgeException(503, "Routing service unavailable")));
    }
}

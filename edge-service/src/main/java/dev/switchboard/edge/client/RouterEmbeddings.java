package dev.switchboard.edge.client;

import dev.switchboard.edge.config.EdgeConfig;
import dev.switchboard.edge.service.EdgeException;
import dev.switchboard.internal.InternalClient;
import dev.switchboard.internal.InternalClients;
import dev.switchboard.wire.EmbeddingRequest;
import dev.switchboard.wire.EmbeddingResult;
import dev.switchboard.wire.WireCodec;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;

/** router-service's embeddings call: one request, one {@link EmbeddingResult}. */
@ApplicationScoped
public class RouterEmbeddings {

    private final InternalClient http;
    private final Duration timeout;

    public RouterEmbeddings(InternalClients clients, EdgeConfig config) {
        this.http = clients.to(config.routerUrl(), config.internalPoolSize());
        this.timeout = config.embeddingsTimeout();
    }

    public Future<EmbeddingResult> embed(EmbeddingRequest.Routed request) {
        return http.exchange(
                        HttpMethod.POST, "/internal/v1/embeddings", Buffer.buffer(WireCodec.encode(request)), timeout)
                .recover(e -> Future.failedFuture(new EdgeException(503, "Routing service unavailable")))
                .compose(reply -> {
                    if (reply.status() != 200) {
                        return Future.failedFuture(new EdgeException(
                                503, "Routing service refused the request (HTTP " + reply.status() + ")"));
                    }
                    try {
                        return Future.succeededFuture(
                                WireCodec.mapper().readValue(reply.body().getBytes(), EmbeddingResult.class));
                    } catch (java.io.IOException e) {
                        return Future.failedFuture(new EdgeException(502, "Malformed answer from the routing service"));
                    }
                });
    }
}

package dev.switchboard.router.rest;

import dev.switchboard.internal.ServiceCredentials;
import dev.switchboard.router.stream.Dispatcher;
import dev.switchboard.router.stream.EventSink;
import dev.switchboard.router.stream.RouteExecution;
import dev.switchboard.wire.EmbeddingRequest;
import dev.switchboard.wire.EmbeddingResult;
import dev.switchboard.wire.ErrorResponse;
import dev.switchboard.wire.RouteEvent;
import dev.switchboard.wire.RouteRequest;
import dev.switchboard.wire.ServiceToken;
import dev.switchboard.wire.WireCodec;
import io.opentelemetry.context.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * {@code POST /internal/v1/chat}: the edge posts a {@link RouteRequest}; the answer is a stream of
 * {@link RouteEvent}s, one JSON object per line ({@code application/x-ndjson}). Requires the
 * service token. Runs on the event loop; nothing here blocks.
 */
@ApplicationScoped
public class ChatRoute {

    public static final String PATH = "/internal/v1/chat";
    public static final String EMBEDDINGS_PATH = "/internal/v1/embeddings";
    private static final int MAX_BODY_BYTES = 16 * 1024 * 1024;

    private final Dispatcher dispatcher;
    private final ServiceCredentials credentials;

    public ChatRoute(Dispatcher dispatcher, ServiceCredentials credentials) {
        this.dispatcher = dispatcher;
        this.credentials = credentials;
    }

    void register(@Observes Router router) {
        router.post(PATH)
                .handler(BodyHandler.create().setBodyLimit(MAX_BODY_BYTES))
                .handler(this::checkToken)
                .handler(this::chat);
        router.post(EMBEDDINGS_PATH)
                .handler(BodyHandler.create().setBodyLimit(MAX_BODY_BYTES))
                .handler(this::checkToken)
                .handler(this::embed);
    }

    /** {@code POST /internal/v1/embeddings}: an {@link EmbeddingRequest.Routed} in, one {@link EmbeddingResult} out. */
    private void embed(RoutingContext ctx) {
        EmbeddingRequest.Routed request;
        try {
            request = WireCodec.mapper().readValue(ctx.body().buffer().getBytes(), EmbeddingRequest.Routed.class);
            if (request.generationId() == null || request.auth() == null || request.request() == null) {
                throw new IllegalArgumentException("generationId, auth and request are required");
            }
        } catch (Exception e) {
            error(ctx.response(), 400, "malformed embedding request: " + e.getMessage());
            return;
        }
        dispatcher.embed(request, Context.current()).onComplete(done -> {
            if (done.failed()) {
                error(ctx.response(), 500, "embedding failed");
            } else if (!ctx.response().closed()) {
                ctx.response()
                        .putHeader("Content-Type", "application/json")
                        .end(Buffer.buffer(WireCodec.encode(done.result())));
            }
        });
    }

    private void checkToken(RoutingContext ctx) {
        if (!credentials.accepts(ctx.request().getHeader(ServiceToken.HEADER))) {
            error(ctx.response(), 401, "missing or invalid service token");
            return;
        }
        ctx.next();
    }

    private void chat(RoutingContext ctx) {
        RouteRequest request;
        try {
            request = WireCodec.decodeRouteRequest(ctx.body().buffer().getBytes());
            if (request.generationId() == null || request.auth() == null || request.request() == null) {
                throw new IllegalArgumentException("generationId, auth and request are required");
            }
        } catch (RuntimeException e) {
            error(ctx.response(), 400, "malformed route request: " + e.getMessage());
            return;
        }
        HttpServerResponse response = ctx.response().setChunked(true).putHeader("Content-Type", "application/x-ndjson");
        RouteExecution execution = dispatcher.start(request, new ResponseSink(response), Context.current());
        response.closeHandler(v -> execution.cancel());
    }

    private static void error(HttpServerResponse response, int status, String message) {
        response.setStatusCode(status)
                .putHeader("Content-Type", "application/json")
                .end(Buffer.buffer(WireCodec.encode(ErrorResponse.of(status, message))));
    }

    private record ResponseSink(HttpServerResponse response) implements EventSink {
        @Override
        public void emit(RouteEvent event) {
            if (!response.closed()) {
                response.write(Buffer.buffer(WireCodec.encodeLine(event)));
            }
        }

        @Override
        public void end() {
            if (!response.closed() && !response.ended()) {
                response.end();
            }
        }

        @Override
        public boolean writable() {
            return !response.writeQueueFull();
        }

        @Override
        public void onDrain(Runnable resume) {
            response.drainHandler(v -> resume.run());
        }
    }
}

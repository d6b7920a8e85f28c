package dev.switchboard.edge.rest;

import dev.switchboard.catalog.LiveCatalog;
import dev.switchboard.catalog.ModelSpec;
import dev.switchboard.edge.client.RouterClient;
import dev.switchboard.edge.dialect.Dialect;
import dev.switchboard.edge.dialect.ResponseDialect;
import dev.switchboard.edge.service.Authorizer;
import dev.switchboard.edge.service.EdgeException;
import dev.switchboard.edge.service.GenerationIds;
import dev.switchboard.edge.service.HoldEstimator;
import dev.switchboard.edge.service.RateLimiter;
import dev.switchboard.wire.AccountPreferences;
import dev.switchboard.wire.Attribution;
import dev.switchboard.wire.AuthContext;
import dev.switchboard.wire.ChatRequest;
import dev.switchboard.wire.ErrorClass;
import dev.switchboard.wire.KeyClaims;
import dev.switchboard.wire.RouteEvent;
import dev.switchboard.wire.RouteRequest;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * One generation, whatever the client's dialect: model check → key claims → rate limit → credit
 * hold → router stream → the dialect's answer (server-sent events or one body). Every step is
 * non-blocking on the request's event loop.
 *
 * <p>While a streaming request waits for its first output, the stream is opened after
 * {@link #KEEP_ALIVE_AFTER} and kept alive with comment lines; a failure after that point is
 * reported in the stream (it can no longer change the HTTP status).
 */
@ApplicationScoped
public class GenerationFlow {

    static final Duration KEEP_ALIVE_AFTER = Duration.ofSeconds(2);
    static final Duration KEEP_ALIVE_EVERY = Duration.ofSeconds(5);
    private static final Logger LOG = Logger.getLogger(GenerationFlow.class);

    private final LiveCatalog catalog;
    private final Authorizer authorizer;
    private final RateLimiter rateLimiter;
    private final RouterClient router;
    private final HoldEstimator holds;
    private final MeterRegistry registry;
    private final Vertx vertx;

    public GenerationFlow(
            LiveCatalog catalog,
            Authorizer authorizer,
            RateLimiter rateLimiter,
            RouterClient router,
            HoldEstimator holds,
            MeterRegistry registry,
            Vertx vertx) {
        this.catalog = catalog;
        this.authorizer = authorizer;
        this.rateLimiter = rateLimiter;
        this.router = router;
        this.holds = holds;
        this.registry = registry;
        this.vertx = vertx;
    }

    /** Serves {@code asSent}, read in {@code dialect}, for the caller holding {@code key}. */
    public void serve(RoutingContext ctx, String key, ChatRequest asSent, Dialect dialect) {
        List<String> ids = new java.util.ArrayList<>(asSent.models().size());
        for (String m : asSent.models()) {
            ModelSpec model = catalog.current()
                    .model(m)
                    .orElseThrow(() -> new EdgeException(404, "Model " + m + " is not available", Map.of("model", m)));
            if (model.isEmbedding()) {
                throw new EdgeException(
                        400, "Model " + m + " is an embedding model: use /embeddings", Map.of("model", m));
            }
            ids.add(model.id());
        }
        // an alias (gpt-4o-mini) is served, billed and answered as the model's id (openai/gpt-4o-mini)
        ChatRequest parsed = ids.equals(asSent.models()) ? asSent : asSent.withModels(ids);
        String generationId = GenerationIds.next();
        authorizer
                .inferenceClaims(key)
                .compose(claims -> {
                    ChatRequest request = withAccountFallbacks(parsed, claims.preferences());
                    return rateLimiter
                            .acquire(claims, HoldEstimator.promptTokenBound(request) / 4)
                            .compose(decision -> {
                                PublicApi.rateLimitHeaders(ctx.response(), decision);
                                if (!decision.allowed()) {
                                    return Future.failedFuture(new EdgeException(
                                            429,
                                            "Rate limit exceeded for this key; retry after "
                                                    + Math.max(1, (decision.retryAfterMillis() + 999) / 1000) + " s"));
                                }
                                long hold = holds.holdNanos(request);
                                Long cap = claims.preferences().maxCostPerRequestNanos();
                                if (cap != null && cap < hold) {
                                    hold = cap;
                                }
                                return authorizer
                                        .hold(claims, generationId, request.primaryModel(), hold)
                                        .map(authContext -> new Authorized(claims, authContext, request));
                            });
                })
                .onSuccess(authorized -> route(ctx, generationId, authorized, dialect))
                .onFailure(ctx::fail);
    }

    /** The account's fallback models go after the ones the request names (those the catalog knows). */
    private ChatRequest withAccountFallbacks(ChatRequest request, AccountPreferences preferences) {
        if (preferences.fallbackModels().isEmpty()) {
            return request;
        }
        LinkedHashSet<String> models = new LinkedHashSet<>(request.models());
        preferences.fallbackModels().stream()
                .filter(m ->
                        catalog.current().model(m).filter(s -> !s.isEmbedding()).isPresent())
                .forEach(models::add);
        return models.size() == request.models().size() ? request : request.withModels(List.copyOf(models));
    }

    private record Authorized(KeyClaims claims, AuthContext context, ChatRequest request) {}

    private void route(RoutingContext ctx, String generationId, Authorized authorized, Dialect dialect) {
        Exchange exchange = new Exchange(ctx, generationId, authorized, dialect);
        // OpenRouter's app attribution, recorded with the generation (analytics); never logged
        Attribution app = Attribution.ofHeaders(ctx.request()::getHeader);
        router.stream(new RouteRequest(generationId, authorized.context(), authorized.request(), app), exchange)
                .onFailure(error -> {
                    authorizer.releaseHold(authorized.context().holdId());
                    exchange.failBeforeOutput(error);
                });
    }

    /** One client request while its router stream flows. Lives on one event loop. */
    private final class Exchange implements RouterClient.Listener {
        private final RoutingContext ctx;
        private final HttpServerResponse response;
        private final String generationId;
        private final ChatRequest request;
        private final KeyClaims claims;
        private final Dialect dialect;
        private final ResponseDialect out;
        private final long startNanos = System.nanoTime();
        private HttpClientResponse upstream;
        private boolean started;
        private boolean finished;
        /** The router's routing strategy, echoed in X-Switchboard-Routing. */
        private String routing;

        private long keepAliveTimer = -1;

        Exchange(RoutingContext ctx, String generationId, Authorized authorized, Dialect dialect) {
            this.ctx = ctx;
            this.response = ctx.response();
            this.generationId = generationId;
            this.request = authorized.request();
            this.claims = authorized.claims();
            this.dialect = dialect;
            this.out = dialect.responses(generationId, request.primaryModel());
            if (request.stream()) {
                keepAliveTimer = vertx.setTimer(KEEP_ALIVE_AFTER.toMillis(), t -> keepAlive());
            }
        }

        private void keepAlive() {
            keepAliveTimer = -1;
            if (finished || response.closed()) {
                return;
            }
            startStream();
            write(out.keepAlive());
            keepAliveTimer = vertx.setTimer(KEEP_ALIVE_EVERY.toMillis(), t -> keepAlive());
        }

        @Override
        public void onStart(HttpClientResponse routerResponse) {
            upstream = routerResponse;
            // a client that goes away cancels the router call, which cancels the provider call
            response.closeHandler(v -> {
                if (!finished) {
                    finished = true;
                    cancelKeepAlive();
                    routerResponse.request().reset();
                }
            });
        }

        @Override
        public void onEvent(RouteEvent event) {
            if (finished || response.closed()) {
                return;
            }
            switch (event) {
                case RouteEvent.Routed routed -> {
                    out.routed(routed);
                    routing = routed.routing();
                }
                case RouteEvent.Delta delta -> {
                    if (request.stream()) {
                        startStream();
                        write(out.delta(delta));
                    } else {
                        out.aggregate(delta);
                    }
                }
                case RouteEvent.Finished f -> {
                    if (request.stream()) {
                        startStream();
                        write(out.finish(f));
                    } else {
                        out.finished(f);
                    }
                }
                case RouteEvent.Completed completed -> {
                    rateLimiter.charge(claims, completed.usage().completionTokens());
                    if (request.stream()) {
                        startStream();
                        end(out.streamEnd(completed.usage()), 200, "success");
                    } else {
                        headers(200).putHeader("Content-Type", "application/json");
                        end(out.complete(completed.usage()), 200, "success");
                    }
                }
                case RouteEvent.Failed failed -> failed(failed);
            }
        }

        private void failed(RouteEvent.Failed failed) {
            if (failed.usage() != null) {
                rateLimiter.charge(claims, failed.usage().completionTokens());
            }
            ErrorClass errorClass = failed.errorClass();
            int status = errorClass.httpStatus();
            String message = publicMessage(failed);
            if (started) {
                end(out.streamError(status, message), status, "error");
                return;
            }
            Map<String, Object> metadata = new LinkedHashMap<>();
            metadata.put("error_class", errorClass.name().toLowerCase(java.util.Locale.ROOT));
            if (!failed.reasons().isEmpty()) {
                metadata.put("reasons", failed.reasons());
            }
            if (out.provider() != null) {
                metadata.put("provider_name", out.provider());
            }
            headers(status).putHeader("Content-Type", "application/json");
            end(dialect.errorBody(status, message, metadata), status, "error");
        }

        /** The router could not be reached or refused the request. */
        void failBeforeOutput(Throwable error) {
            if (finished || response.closed()) {
                return;
            }
            if (!started) {
                finished = true;
                cancelKeepAlive();
                ctx.fail(error);
                return;
            }
            int status = error instanceof EdgeException e ? e.status() : 503;
            end(out.streamError(status, error.getMessage()), status, "error");
        }

        private String publicMessage(RouteEvent.Failed failed) {
            return switch (failed.errorClass()) {
                case NO_PROVIDER -> "No provider is available for " + request.primaryModel();
                case RATE_LIMITED -> "The provider is rate limiting requests; retry later";
                case TIMEOUT -> "The provider did not answer in time";
                default -> failed.message() == null ? "Provider error" : failed.message();
            };
        }

        @Override
        public void onEnd() {
            if (!finished && !response.closed()) {
                // the router must end with a terminal event; a stream that stops short is an error, never a success
                failed(new RouteEvent.Failed(
                        ErrorClass.UPSTREAM, "The routing service ended the response early", null, List.of()));
            }
        }

        @Override
        public void onError(Throwable error) {
            if (!finished && !response.closed()) {
                LOG.warnf("generation %s: router stream failed: %s", generationId, error.getMessage());
                failed(new RouteEvent.Failed(ErrorClass.UPSTREAM, "The routing service failed", null, List.of()));
            }
        }

        private void startStream() {
            if (!started) {
                started = true;
                headers(200)
                        .setChunked(true)
                        .putHeader("Content-Type", "text/event-stream")
                        .putHeader("Cache-Control", "no-cache")
                        .putHeader("X-Accel-Buffering", "no");
                write(out.streamStart());
            }
        }

        private HttpServerResponse headers(int status) {
            response.setStatusCode(status).putHeader("X-Generation-Id", generationId);
            if (out.provider() != null) {
                response.putHeader("X-Provider", out.provider()).putHeader("X-Model-Used", out.model());
            }
            if (routing != null) {
                response.putHeader("X-Switchboard-Routing", routing);
            }
            return response;
        }

        private void write(byte[] bytes) {
            if (bytes.length == 0) {
                return;
            }
            response.write(Buffer.buffer(bytes));
            if (response.writeQueueFull() && upstream != null) {
                // the client reads slower than the provider writes: hold the router stream back
                HttpClientResponse paused = upstream;
                paused.pause();
                response.drainHandler(v -> paused.resume());
            }
        }

        private void end(byte[] bytes, int status, String outcome) {
            finished = true;
            cancelKeepAlive();
            response.end(Buffer.buffer(bytes));
            logLine(status, outcome);
        }

        private void cancelKeepAlive() {
            if (keepAliveTimer >= 0) {
                vertx.cancelTimer(keepAliveTimer);
                keepAliveTimer = -1;
            }
        }

        private void logLine(int status, String outcome) {
            long millis = (System.nanoTime() - startNanos) / 1_000_000;
            registry.timer(
                            "switchboard.edge.requests",
                            "status",
                            Integer.toString(status),
                            "outcome",
                            outcome,
                            "streamed",
                            Boolean.toString(request.stream()))
                    .record(Duration.ofMillis(millis));
            LOG.infof(
                    "generation=%s status=%d outcome=%s model=%s provider=%s streamed=%s latency_ms=%d",
                    generationId, status, outcome, out.model(), out.provider(), request.stream(), millis);
        }
    }
}

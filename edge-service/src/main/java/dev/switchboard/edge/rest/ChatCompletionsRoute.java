package dev.switchboard.edge.rest;

import dev.switchboard.catalog.Catalog;
import dev.switchboard.edge.client.RouterClient;
import dev.switchboard.edge.config.EdgeConfig;
import dev.switchboard.edge.dialect.OpenAiRequestParser;
import dev.switchboard.edge.dialect.OpenAiResponses;
import dev.switchboard.edge.service.EdgeException;
import dev.switchboard.edge.service.GenerationIds;
import dev.switchboard.edge.service.Authorizer;
import dev.switchboard.edge.service.HoldEstimator;
import dev.switchboard.edge.service.RateLimiter;
import dev.switchboard.wire.AuthContext;
import dev.switchboard.wire.AccountPreferences;
import dev.switchboard.wire.ChatRequest;
import dev.switchboard.wire.ErrorClass;
import dev.switchboard.wire.KeyClaims;
import dev.switchboard.wire.RouteEvent;
import dev.switchboard.wire.RouteRequest;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /api/v1/chat/completions} (and {@code /v1/chat/completions}): the OpenAI /
 * OpenRouter dialect. Parse → model check → authorize with a credit hold → stream from the router
 * → answer as SSE chunks or one JSON body. Everything runs on the event loop without blocking.
 */
@ApplicationScoped
public class ChatCompletionsRoute {

    private static final Logger LOG = Logger.getLogger(ChatCompletionsRoute.class);

    private final Catalog catalog;
    private final Authorizer authorizer;
    private final RateLimiter rateLimiter;
    private final RouterClient router;
    private final HoldEstimator holds;
    private final OpenAiRequestParser parser;
    private final MeterRegistry registry;

    public ChatCompletionsRoute(Catalog catalog, Authorizer authorizer, RateLimiter rateLimiter, RouterClient router, HoldEstimator holds,
                                EdgeConfig config, MeterRegistry registry) {
        this.catalog = catalog;
        this.authorizer = authorizer;
        this.rateLimiter = rateLimiter;
        this.router = router;
        this.holds = holds;
        this.parser = new OpenAiRequestParser(config.maxJsonDepth());
        this.registry = registry;
    }

    void register(@Observes Router router, PublicApi api) {
        api.post(router, "/chat/completions", this::handle);
    }

    private void handle(RoutingContext ctx) {
        String key = PublicApi.bearerKey(ctx);
        ChatRequest parsed = parser.parse(ctx.body().buffer().getBytes());
        String unknown = parsed.models().stream().filter(m -> catalog.model(m).isEmpty()).findFirst().orElse(null);
        if (unknown != null) {
            throw new EdgeException(404, "Model " + unknown + " is not available", Map.of("model", unknown));
        }
        String generationId = GenerationIds.next();
        authorizer.inferenceClaims(key).compose(claims -> {
            ChatRequest request = withAccountFallbacks(parsed, claims.preferences());
            return rateLimiter.acquire(claims, HoldEstimator.promptTokenBound(request) / 4).compose(decision -> {
                PublicApi.rateLimitHeaders(ctx.response(), decision);
                if (!decision.allowed()) {
                    return Future.failedFuture(new EdgeException(429, "Rate limit exceeded for this key; retry after "
                            + Math.max(1, (decision.retryAfterMillis() + 999) / 1000) + " s"));
                }
                long hold = holds.holdNanos(request);
                Long cap = claims.preferences().maxCostPerRequestNanos();
                if (cap != null && cap < hold) {
                    hold = cap;
                }
                return authorizer.hold(claims, generationId, request.primaryModel(), hold)
                        .map(authContext -> new Authorized(claims, authContext, request));
            });
        }).onSuccess(authorized -> route(ctx, generationId, authorized)).onFailure(ctx::fail);
    }

    /** The account's fallback models go after the ones the request names (those the catalog knows). */
    private ChatRequest withAccountFallbacks(ChatRequest request, AccountPreferences preferences) {
        if (preferences.fallbackModels().isEmpty()) {
            return request;
        }
        java.util.LinkedHashSet<String> models = new java.util.LinkedHashSet<>(request.models());
        preferences.fallbackModels().stream().filter(m -> catalog.model(m).isPresent()).forEach(models::add);
        return models.size() == request.models().size() ? request : request.withModels(List.copyOf(models));
    }

    private record Authorized(KeyClaims claims, AuthContext context, ChatRequest request) {
    }

    private void route(RoutingContext ctx, String generationId, Authorized authorized) {
        Exchange exchange = new Exchange(ctx, generationId, authorized);
        router.stream(new RouteRequest(generationId, authorized.context(), authorized.request()), exchange)
                .onFailure(error -> {
                    authorizer.releaseHold(authorized.context().holdId());
                    ctx.fail(error);
                });
    }

    /** One client request while its router stream flows. Lives on one event loop. */
    private final class Exchange implements RouterClient.Listener {
        private final HttpServerResponse response;
        private final String generationId;
        private final ChatRequest request;
        private final KeyClaims claims;
        private final OpenAiResponses out;
        private final long startNanos = System.nanoTime();
        private HttpClientResponse upstream;
        private boolean started;
        private boolean finished;

        Exchange(RoutingContext ctx, String generationId, Authorized authorized) {
            this.response = ctx.response();
            this.generationId = generationId;
            this.request = authorized.request();
            this.claims = authorized.claims();
            this.out = new OpenAiResponses(generationId, System.currentTimeMillis() / 1000, request.primaryModel());
        }

        @Override
        public void onStart(HttpClientResponse routerResponse) {
            upstream = routerResponse;
            // a client that goes away cancels the router call, which cancels the provider call
            response.closeHandler(v -> {
                if (!finished) {
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
                case RouteEvent.Routed routed -> out.routed(routed);
                case RouteEvent.Delta delta -> {
                    if (request.stream()) {
                        startStream();
                        write(out.deltaChunk(delta));
                    } else {
                        out.aggregate(delta);
                    }
                }
                case RouteEvent.Finished f -> {
                    if (request.stream()) {
                        startStream();
                        write(out.finishChunk(f));
                    } else {
                        out.finished(f);
                    }
                }
                case RouteEvent.Completed completed -> {
                    rateLimiter.charge(claims, completed.usage().completionTokens());
                    if (request.stream()) {
                        startStream();
                        write(out.usageChunk(completed.usage()));
                        end(OpenAiResponses.done(), "success");
                    } else {
                        headers(200).putHeader("Content-Type", "application/json");
                        end(out.completion(completed.usage()), "success");
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
                write(out.errorChunk(status, message));
                end(OpenAiResponses.done(), "error");
                return;
            }
            finished = true;
            Map<String, Object> metadata = new LinkedHashMap<>();
            metadata.put("error_class", errorClass.name().toLowerCase(java.util.Locale.ROOT));
            if (!failed.reasons().isEmpty()) {
                metadata.put("reasons", failed.reasons());
            }
            if (out.provider() != null) {
                metadata.put("provider_name", out.provider());
            }
            headers(status);
            logLine(status, "error");
            PublicApi.error(response, status, message, metadata);
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
                failed(new RouteEvent.Failed(ErrorClass.UPSTREAM, "The routing service ended the response early", null, List.of()));
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
                headers(200).setChunked(true)
                        .putHeader("Content-Type", "text/event-stream")
                        .putHeader("Cache-Control", "no-cache")
                        .putHeader("X-Accel-Buffering", "no");
            }
        }

        private HttpServerResponse headers(int status) {
            response.setStatusCode(status).putHeader("X-Generation-Id", generationId);
            if (out.provider() != null) {
                response.putHeader("X-Provider", out.provider()).putHeader("X-Model-Used", out.model());
            }
            return response;
        }

        private void write(byte[] bytes) {
            response.write(Buffer.buffer(bytes));
            if (response.writeQueueFull() && upstream != null) {
                // the client reads slower than the provider writes: hold the router stream back
                HttpClientResponse paused = upstream;
                paused.pause();
                response.drainHandler(v -> paused.resume());
            }
        }

        private void end(byte[] bytes, String outcome) {
            finished = true;
            response.end(Buffer.buffer(bytes));
            logLine(200, outcome);
        }

        private void logLine(int status, String outcome) {
            long millis = (System.nanoTime() - startNanos) / 1_000_000;
            registry.timer("switchboard.edge.requests", "status", Integer.toString(status), "outcome", outcome,
                    "streamed", Boolean.toString(request.stream())).record(java.time.Duration.ofMillis(millis));
            LOG.infof("generation=%s status=%d outcome=%s model=%s provider=%s streamed=%s latency_ms=%d",
                    generationId, status, outcome, out.model(), out.provider(), request.stream(), millis);
        }
    }
}

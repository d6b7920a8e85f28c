package dev.switchboard.router.stream;

import dev.switchboard.providers.Adapters;
import dev.switchboard.providers.credentials.CredentialSource;
import dev.switchboard.router.config.RouterConfig;
import dev.switchboard.router.credit.CreditClient;
import dev.switchboard.router.health.Breakers;
import dev.switchboard.router.health.HealthView;
import dev.switchboard.router.health.PassiveRecorder;
import dev.switchboard.router.health.RateLimitMeter;
import dev.switchboard.router.routing.RoutePlanner;
import dev.switchboard.router.routing.StickyRoutes;
import dev.switchboard.router.usage.UsagePublisher;
import dev.switchboard.wire.RouteRequest;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.context.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Owns what every request execution shares: the pooled upstream HTTP client (keep-alive, one
 * pool per provider host), adapters, credentials, the planner, the token counter and the usage
 * publisher; and starts one {@link RouteExecution} per request.
 */
@ApplicationScoped
public class Dispatcher {

    final Vertx vertx;
    final HttpClient http;
    final Adapters adapters;
    final CredentialSource credentials;
    final RoutePlanner planner;
    final TokenCounter tokens;
    final UsagePublisher usage;
    final RouterConfig config;
    final RouterMetrics metrics;
    final PassiveRecorder passive;
    final Breakers breakers;
    final StickyRoutes sticky;
    final HealthView health;
    final CreditClient credit;
    final RateLimitMeter rateLimits;
    /** Chat: the next candidate, then retry rounds. */
    final FallbackPolicy fallback;
    /** Embeddings: each candidate once. */
    final FallbackPolicy embeddingFallback;

    public Dispatcher(
            Vertx vertx,
            Adapters adapters,
            CredentialSource credentials,
            RoutePlanner planner,
            TokenCounter tokens,
            UsagePublisher usage,
            RouterConfig config,
            MeterRegistry registry,
            PassiveRecorder passive,
            Breakers breakers,
            StickyRoutes sticky,
            HealthView health,
            CreditClient credit,
            RateLimitMeter rateLimits) {
        this.vertx = vertx;
        this.adapters = adapters;
        this.credentials = credentials;
        this.planner = planner;
        this.tokens = tokens;
        this.usage = usage;
        this.config = config;
        this.metrics = new RouterMetrics(registry);
        this.passive = passive;
        this.breakers = breakers;
        this.sticky = sticky;
        this.health = health;
        this.credit = credit;
        this.rateLimits = rateLimits;
        this.fallback = FallbackPolicy.of(config.upstream());
        this.embeddingFallback = fallback.singlePass();
        this.http = vertx.createHttpClient(
                new HttpClientOptions()
                        .setKeepAlive(true)
                        .setTcpNoDelay(true)
                        .setConnectTimeout(
                                (int) config.upstream().connectTimeout().toMillis())
                        .setForceSni(true)
                        .setDecompressionSupported(true),
                new PoolOptions().setHttp1MaxSize(config.upstream().maxConnectionsPerHost()));
    }

    /** Plans and starts the request; events go to {@code sink}. Call on the request's event-loop context. */
    public RouteExecution start(RouteRequest request, EventSink sink, Context trace) {
        // a client that gets one body only needs the text once: join the provider's text chunks on the way to the edge
        EventSink target = request.request().stream() ? sink : new CoalescingSink(sink);
        RouteExecution execution = new RouteExecution(this, request, target, trace);
        execution.start();
        return execution;
    }

    /** Embeds on the request's event-loop context; the future completes with the vectors or the failure. */
    public io.vertx.core.Future<dev.switchboard.wire.EmbeddingResult> embed(
            dev.switchboard.wire.EmbeddingRequest.Routed request, Context trace) {
        return new EmbeddingExecution(this, request, trace).start();
    }

    @PreDestroy
    void close() {
        http.close();
    }
}

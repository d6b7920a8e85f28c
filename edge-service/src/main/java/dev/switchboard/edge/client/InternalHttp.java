package dev.switchboard.edge.client;

import dev.switchboard.edge.config.EdgeConfig;
import dev.switchboard.internal.InternalClient;
import dev.switchboard.internal.ServiceCredentials;
import io.opentelemetry.api.OpenTelemetry;
import io.vertx.core.Vertx;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The edge's clients of auth, router and analytics: one pooled {@link InternalClient} each, so every
 * call carries the service credential and the caller's trace context.
 */
@ApplicationScoped
public class InternalHttp {

    private final InternalClient auth;
    private final InternalClient router;
    private final InternalClient analytics;

    public InternalHttp(Vertx vertx, EdgeConfig config, OpenTelemetry openTelemetry, ServiceCredentials credentials) {
        int pool = config.internalPoolSize();
        this.auth = new InternalClient(vertx, credentials, openTelemetry, config.authUrl(), pool);
        this.router = new InternalClient(vertx, credentials, openTelemetry, config.routerUrl(), pool);
        this.analytics = new InternalClient(vertx, credentials, openTelemetry, config.analyticsUrl(), pool);
    }

    public InternalClient auth() {
        return auth;
    }

    public InternalClient router() {
        return router;
    }

    public InternalClient analytics() {
        return analytics;
    }

    @PreDestroy
    void close() {
        auth.close();
        router.close();
        analytics.close();
    }
}

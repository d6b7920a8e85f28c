package dev.switchboard.internal;

import io.opentelemetry.api.OpenTelemetry;
import io.vertx.core.Vertx;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where a service gets its {@link InternalClient}s: one per called service (by base URL), made on
 * first use with this service's credential and telemetry, and closed when the service stops.
 */
@ApplicationScoped
public class InternalClients {

    private final Vertx vertx;
    private final ServiceCredentials credentials;
    private final OpenTelemetry openTelemetry;
    private final Map<String, InternalClient> clients = new ConcurrentHashMap<>();

    public InternalClients(Vertx vertx, ServiceCredentials credentials, OpenTelemetry openTelemetry) {
        this.vertx = vertx;
        this.credentials = credentials;
        this.openTelemetry = openTelemetry;
    }

    /**
     * The client of the service at {@code baseUrl} (e.g. {@code http://127.0.0.1:8081}; a trailing
     * slash is ignored), with {@code poolSize} pooled connections; asking again for the same service
     * returns the same client, whatever the pool size.
     */
    public InternalClient to(String baseUrl, int poolSize) {
        String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        return clients.computeIfAbsent(base, b -> new InternalClient(this, b, poolSize));
    }

    Vertx vertx() {
        return vertx;
    }

    ServiceCredentials credentials() {
        return credentials;
    }

    OpenTelemetry openTelemetry() {
        return openTelemetry;
    }

    @PreDestroy
    public void close() {
        clients.values().forEach(InternalClient::close);
        clients.clear();
    }
}

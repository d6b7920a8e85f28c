package dev.switchboard.edge.client;

import dev.switchboard.edge.config.EdgeConfig;
import dev.switchboard.wire.ServiceToken;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.context.Context;
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

/**
 * The one pooled keep-alive HTTP client the edge uses for auth, router and analytics. Every
 * request carries the service token and the caller's trace context ({@code traceparent}).
 */
@ApplicationScoped
public class InternalHttp {

    private final HttpClient client;
    private final String serviceToken;
    private final OpenTelemetry openTelemetry;
    private final long timeoutMillis;

    public InternalHttp(
            Vertx vertx,
            EdgeConfig config,
            OpenTelemetry openTelemetry,
            @ConfigProperty(name = "switchboard.internal.token") String serviceToken) {
        this.serviceToken = serviceToken;
        this.openTelemetry = openTelemetry;
        this.timeoutMillis = config.internalTimeout().toMillis();
        this.client = vertx.createHttpClient(
                new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true).setConnectTimeout(2_000),
                new PoolOptions().setHttp1MaxSize(config.internalPoolSize()));
    }

    /** Options for a call to an internal service, with token and trace headers. */
    public RequestOptions options(HttpMethod method, String absoluteUri) {
        RequestOptions options = new RequestOptions()
                .setMethod(method)
                .setAbsoluteURI(absoluteUri)
                .putHeader(ServiceToken.HEADER, serviceToken)
                .putHeader("Content-Type", "application/json")
                .setIdleTimeout(timeoutMillis);
        openTelemetry
                .getPropagators()
                .getTextMapPropagator()
                .inject(Context.current(), options, (carrier, key, value) -> carrier.putHeader(key, value));
        return options;
    }

    /** A whole request/response exchange with a short internal timeout. */
    public Future<Reply> exchange(RequestOptions options, Buffer body) {
        return client.request(options)
                .compose(request -> body == null ? request.send() : request.send(body))
                .compose(response -> response.body().map(b -> new Reply(response.statusCode(), b)));
    }

    public HttpClient client() {
        return client;
    }

    @PreDestroy
    void close() {
        client.close();
    }

    /** A status and a fully read body. */
    public record Reply(int status, Buffer body) {}
}

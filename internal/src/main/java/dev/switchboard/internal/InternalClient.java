package dev.switchboard.internal;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.context.Context;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

import java.time.Duration;

/**
 * The one way a service calls another: a pooled keep-alive HTTP/1.1 client whose every request
 * carries the service credential, the caller's trace context ({@code traceparent}, so one trace
 * spans edge → auth → router) and a timeout its caller chose (a {@link Duration}: no bare
 * milliseconds at call sites). Safe to share; {@link InternalClients} makes and closes it.
 */
public final class InternalClient {

    /** How long a connection may take to open. */
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);

    private final HttpClient client;
    private final ServiceCredentials credentials;
    private final OpenTelemetry openTelemetry;
    private final String base;

    /** Made by {@link InternalClients#to}, which owns and closes it. */
    InternalClient(InternalClients owner, String base, int poolSize) {
        this.credentials = owner.credentials();
        this.openTelemetry = owner.openTelemetry();
        this.base = base;
        this.client = owner.vertx()
                .createHttpClient(
                        new HttpClientOptions()
                                .setKeepAlive(true)
                                .setTcpNoDelay(true)
                                .setConnectTimeout((int) CONNECT_TIMEOUT.toMillis()),
                        new PoolOptions().setHttp1MaxSize(poolSize));
    }

    /**
     * A request to {@code path} (from the service's root, e.g. {@code /internal/v1/holds}) with the
     * credential, the trace context and JSON content; {@code idle} ends it when nothing arrives for
     * that long (for a stream: between two chunks).
     */
    public RequestOptions request(HttpMethod method, String path, Duration idle) {
        RequestOptions options = new RequestOptions()
                .setMethod(method)
                .setAbsoluteURI(base + path)
                .putHeader("Content-Type", "application/json")
                .setIdleTimeout(idle.toMillis());
        credentials.sign(options);
        openTelemetry
                .getPropagators()
                .getTextMapPropagator()
                .inject(Context.current(), options, (carrier, key, value) -> carrier.putHeader(key, value));
        return options;
    }

    /** A whole exchange: sends {@code body} (none when null) and reads the whole answer. */
    public Future<Reply> exchange(HttpMethod method, String path, Buffer body, Duration timeout) {
        return exchange(request(method, path, timeout), body);
    }

    public Future<Reply> exchange(RequestOptions options, Buffer body) {
        return client.request(options)
                .compose(request -> body == null ? request.send() : request.send(body))
                .compose(response -> response.body().map(b -> new Reply(response.statusCode(), b)));
    }

    /** The pooled client itself, for a call that streams its answer. */
    public HttpClient http() {
        return client;
    }

    void close() {
        client.close();
    }

    /** A status and a fully read body. */
    public record Reply(int status, Buffer body) {
        public boolean ok() {
            return status >= 200 && status < 300;
        }
    }
}

package dev.switchboard.internal;

import dev.switchboard.wire.ServiceToken;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The internal client against a real HTTP server on loopback. */
class InternalClientTest {

    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String SPAN_ID = "00f067aa0ba902b7";

    private final Vertx vertx = Vertx.vertx();
    private final AtomicReference<MultiMap> seen = new AtomicReference<>();
    private final AtomicReference<String> path = new AtomicReference<>();
    private HttpServer server;
    private InternalClients clients;
    private InternalClient client;

    @BeforeEach
    void start() throws Exception {
        server = vertx.createHttpServer()
                .requestHandler(request -> {
                    seen.set(MultiMap.caseInsensitiveMultiMap().addAll(request.headers()));
                    path.set(request.uri());
                    if (request.path().equals("/silent")) {
                        return; // never answers
                    }
                    request.body()
                            .onSuccess(body -> request.response()
                                    .setStatusCode(201)
                                    .end(Buffer.buffer("echo:").appendBuffer(body)));
                })
                .listen(0, "127.0.0.1")
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        OpenTelemetry telemetry =
                OpenTelemetry.propagating(ContextPropagators.create(W3CTraceContextPropagator.getInstance()));
        clients = new InternalClients(vertx, new ServiceCredentials("the-service-token"), telemetry);
        client = clients.to("http://127.0.0.1:" + server.actualPort() + "/", 4);
    }

    @AfterEach
    void stop() throws Exception {
        clients.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void everyCallCarriesTheServiceCredentialAndTheCallersTrace() throws Exception {
        SpanContext caller = SpanContext.create(TRACE_ID, SPAN_ID, TraceFlags.getSampled(), TraceState.getDefault());
        InternalClient.Reply reply;
        try (Scope ignored = Span.wrap(caller).makeCurrent()) {
            reply = client.exchange(HttpMethod.POST, "/internal/v1/things", Buffer.buffer("{}"), Duration.ofSeconds(5))
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
        }
        assertThat(reply.status()).isEqualTo(201);
        assertThat(reply.ok()).isTrue();
        assertThat(reply.body().toString()).isEqualTo("echo:{}");
        assertThat(path.get())
                .as("the base URL's trailing slash is not doubled")
                .isEqualTo("/internal/v1/things");
        assertThat(seen.get().get(ServiceToken.HEADER)).isEqualTo("the-service-token");
        assertThat(seen.get().get("traceparent")).isEqualTo("00-" + TRACE_ID + "-" + SPAN_ID + "-01");
        assertThat(seen.get().get("Content-Type")).isEqualTo("application/json");
    }

    @Test
    void oneClientPerCalledService() {
        String base = "http://127.0.0.1:" + server.actualPort();
        assertThat(clients.to(base, 8)).isSameAs(client);
        assertThat(clients.to(base + "/", 2)).isSameAs(client);
        assertThat(clients.to("http://127.0.0.1:9", 2)).isNotSameAs(client);
    }

    @Test
    void withoutATraceNoTraceparentIsInvented() throws Exception {
        client.exchange(HttpMethod.GET, "/q/health/ready", null, Duration.ofSeconds(5))
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        assertThat(seen.get().get("traceparent")).isNull();
        assertThat(seen.get().get(ServiceToken.HEADER)).isEqualTo("the-service-token");
    }

    @Test
    void aServiceThatDoesNotAnswerFailsTheCallAtItsTimeout() {
        assertThatThrownBy(() -> client.exchange(HttpMethod.GET, "/silent", null, Duration.ofMillis(200))
                        .toCompletionStage()
                        .toCompletableFuture()
                        .get(30, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .hasMessageContaining("timeout");
    }

    @Test
    void theCredentialIsRequiredAndComparedExactly() {
        assertThatThrownBy(() -> new ServiceCredentials(" "))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("switchboard.internal.token");
        ServiceCredentials credentials = new ServiceCredentials("abc");
        assertThat(credentials.accepts("abc")).isTrue();
        assertThat(credentials.accepts("abd")).isFalse();
        assertThat(credentials.accepts("abc ")).isFalse();
        assertThat(credentials.accepts(null)).isFalse();
        assertThat(credentials.toString()).doesNotContain("abc");
    }

    @Test
    void duringARotationTheOtherCredentialIsAcceptedButNeverSent() {
        ServiceCredentials rotating = new ServiceCredentials("new-token", Optional.of(List.of("old-token", " ")));
        assertThat(rotating.accepts("new-token")).isTrue();
        assertThat(rotating.accepts("old-token")).isTrue();
        assertThat(rotating.accepts("")).isFalse();
        assertThat(rotating.accepts(" ")).isFalse();
        assertThat(rotating.accepts("other")).isFalse();
        RequestOptions signed = rotating.sign(new RequestOptions());
        assertThat(signed.getHeaders().get(ServiceToken.HEADER)).isEqualTo("new-token");
    }
}

package dev.switchboard.edge.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.edge.config.EdgeConfig;
import dev.switchboard.edge.service.EdgeException;
import dev.switchboard.internal.InternalClient;
import dev.switchboard.internal.InternalClients;
import dev.switchboard.wire.AuthContext;
import dev.switchboard.wire.AuthorizeRequest;
import dev.switchboard.wire.KeyClaims;
import dev.switchboard.wire.WireCodec;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;

/**
 * auth-service, as the edge needs it: verify a key, reserve credit, release a hold, check cached
 * keys' versions, and forward the management API. auth's 4xx answers (already in the public error
 * shape) become {@link EdgeException}s with the same status; an unreachable auth-service, or one
 * that cannot reach its database, is a 503.
 */
@ApplicationScoped
public class AuthClient {

    private static final Logger LOG = Logger.getLogger(AuthClient.class);

    private final InternalClient http;
    private final Duration timeout;

    public AuthClient(InternalClients clients, EdgeConfig config) {
        this.http = clients.to(config.authUrl(), config.internalPoolSize());
        this.timeout = config.internalTimeout();
    }

    public Future<AuthContext> authorize(AuthorizeRequest request) {
        return call(HttpMethod.POST, "/internal/v1/authorize", WireCodec.encode(request))
                .map(body -> convert(body, AuthContext.class));
    }

    public Future<KeyClaims> verify(String key) {
        return call(HttpMethod.POST, "/internal/v1/keys/verify", WireCodec.encode(new KeyClaims.Verify(key)))
                .map(body -> convert(body, KeyClaims.class));
    }

    /** Current versions of the given keys; absent ones are gone, disabled or expired. */
    public Future<Map<String, Long>> versions(Collection<String> keyIds) {
        return call(HttpMethod.POST, "/internal/v1/keys/versions", WireCodec.encode(Map.of("ids", keyIds)))
                .map(body -> {
                    Map<String, Long> out = new java.util.HashMap<>();
                    body.path("versions")
                            .fields()
                            .forEachRemaining(
                                    e -> out.put(e.getKey(), e.getValue().asLong()));
                    return out;
                });
    }

    /** Best effort: a hold not released here expires on its own. */
    public void release(String holdId) {
        if (holdId == null) {
            return;
        }
        http.exchange(HttpMethod.POST, "/internal/v1/holds/" + holdId + "/release", null, timeout)
                .onFailure(e -> LOG.warnf("hold %s not released (%s); it will expire", holdId, e.getMessage()));
    }

    /** A management-API call, forwarded as is; answers auth's status and JSON body. */
    public Future<InternalClient.Reply> forward(HttpMethod method, String path, Buffer body) {
        return http.exchange(method, path, body, timeout)
                .recover(e -> Future.failedFuture(new EdgeException(503, "Authentication service unavailable")))
                .compose(reply -> reply.status() >= 500
                        ? Future.failedFuture(ErrorBodies.toException(reply, "Authentication service"))
                        : Future.succeededFuture(reply));
    }

    private Future<JsonNode> call(HttpMethod method, String path, byte[] body) {
        return http.exchange(method, path, body == null ? null : Buffer.buffer(body), timeout)
                .recover(e -> Future.failedFuture(new EdgeException(503, "Authentication service unavailable")))
                .compose(reply -> {
                    if (reply.status() == 200) {
                        try {
                            return Future.succeededFuture(
                                    WireCodec.mapper().readTree(reply.body().getBytes()));
                        } catch (java.io.IOException e) {
                            return Future.failedFuture(
                                    new EdgeException(502, "Malformed answer from the authentication service"));
                        }
                    }
                    return Future.failedFuture(ErrorBodies.toException(reply, "Authentication failed"));
                });
    }

    private static <T> T convert(JsonNode body, Class<T> type) {
        return WireCodec.mapper().convertValue(body, type);
    }
}

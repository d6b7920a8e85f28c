package dev.switchboard.edge.client;

import dev.switchboard.edge.config.EdgeConfig;
import dev.switchboard.edge.service.EdgeException;
import dev.switchboard.wire.AuthContext;
import dev.switchboard.wire.AuthorizeRequest;
import dev.switchboard.wire.KeyClaims;
import dev.switchboard.wire.WireCodec;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * auth-service, as the edge needs it: authorize (key + credit hold), verify a key, release a hold.
 * auth's 4xx answers (already in the public error shape) become {@link EdgeException}s with the
 * same status; an unreachable auth-service is a 503.
 */
@ApplicationScoped
public class AuthClient {

    private static final Logger LOG = Logger.getLogger(AuthClient.class);

    private final InternalHttp http;
    private final String base;

    public AuthClient(InternalHttp http, EdgeConfig config) {
        this.http = http;
        this.base = trim(config.authUrl());
    }

    public Future<AuthContext> authorize(AuthorizeRequest request) {
        return call("/internal/v1/authorize", WireCodec.encode(request), AuthContext.class);
    }

    public Future<KeyClaims> verify(String key) {
        return call("/internal/v1/keys/verify", WireCodec.encode(new KeyClaims.Verify(key)), KeyClaims.class);
    }

    /** Best effort: a hold not released here expires on its own. */
    public void release(String holdId) {
        http.exchange(http.options(HttpMethod.POST, base + "/internal/v1/holds/" + holdId + "/release"), null)
                .onFailure(e -> LOG.warnf("hold %s not released (%s); it will expire", holdId, e.getMessage()));
    }

    private <T> Future<T> call(String path, byte[] body, Class<T> type) {
        return http.exchange(http.options(HttpMethod.POST, base + path), Buffer.buffer(body))
                .recover(e -> Future.failedFuture(new EdgeException(503, "Authentication service unavailable")))
                .compose(reply -> {
                    if (reply.status() == 200) {
                        return Future.succeededFuture(WireCodec.mapper().convertValue(parse(reply.body()), type));
                    }
                    return Future.failedFuture(ErrorBodies.toException(reply, "Authentication failed"));
                });
    }

    private static Object parse(Buffer body) {
        try {
            return WireCodec.mapper().readTree(body.getBytes());
        } catch (java.io.IOException e) {
            throw new EdgeException(502, "Malformed answer from the authentication service");
        }
    }

    static String trim(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}

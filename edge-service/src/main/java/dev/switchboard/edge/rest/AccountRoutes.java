package dev.switchboard.edge.rest;

import dev.switchboard.edge.client.AuthClient;
import dev.switchboard.edge.rest.PublicApi.Doc;
import dev.switchboard.edge.service.Authorizer;
import dev.switchboard.edge.service.EdgeException;
import dev.switchboard.internal.InternalClient;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.function.Function;

/**
 * OpenRouter's key and credit endpoints, served by auth-service behind the edge:
 * {@code GET /key} (the calling inference key), {@code GET /credits} and {@code /keys} CRUD (a
 * management key, scoped to its own account). The account id sent to auth-service is always the
 * one taken from the verified caller, so no request can reach another account's keys.
 */
@ApplicationScoped
public class AccountRoutes {

    private final Authorizer authorizer;
    private final AuthClient auth;

    public AccountRoutes(Authorizer authorizer, AuthClient auth) {
        this.authorizer = authorizer;
        this.auth = auth;
    }

    void register(@Observes Router router, PublicApi api) {
        api.get(
                router,
                "/key",
                Doc.of("The calling key: limit, usage, rate limit", "any key", 200, 401, 404),
                ctx -> forward(
                        ctx,
                        authorizer.claims(PublicApi.bearerKey(ctx)),
                        claims -> "/internal/v1/keys/" + claims.keyId(),
                        HttpMethod.GET));
        api.get(
                router,
                "/credits",
                Doc.of("Credit granted to and used by the account", "management key", 200, 401, 403),
                ctx -> managed(ctx, account -> "/internal/v1/accounts/" + account + "/credits", HttpMethod.GET));
        api.get(
                router,
                "/keys",
                Doc.of("The account's inference keys (include_disabled, offset)", "management key", 200, 401, 403),
                ctx -> managed(
                        ctx,
                        account ->
                                "/internal/v1/accounts/" + account + "/keys" + query(ctx, "include_disabled", "offset"),
                        HttpMethod.GET));
        api.post(
                router,
                "/keys",
                Doc.of(
                        "Create an inference key (name, limit, limit_reset, expires_at, rate_limit_rpm, rate_limit_tpm); the key is shown once",
                        "management key",
                        201,
                        400,
                        401,
                        403),
                ctx -> managed(ctx, account -> "/internal/v1/accounts/" + account + "/keys", HttpMethod.POST));
        api.get(
                router,
                "/keys/:hash",
                Doc.of("One inference key", "management key", 200, 401, 403, 404),
                ctx -> managed(ctx, account -> keyPath(ctx, account), HttpMethod.GET));
        api.patch(
                router,
                "/keys/:hash",
                Doc.of(
                        "Change a key (name, disabled, limit, limit_reset, expires_at, rate limits)",
                        "management key",
                        200,
                        400,
                        401,
                        403,
                        404),
                ctx -> managed(ctx, account -> keyPath(ctx, account), HttpMethod.PATCH));
        api.delete(
                router,
                "/keys/:hash",
                Doc.of("Delete a key", "management key", 200, 401, 403, 404),
                ctx -> managed(ctx, account -> keyPath(ctx, account), HttpMethod.DELETE));
    }

    private void managed(RoutingContext ctx, Function<String, String> path, HttpMethod method) {
        forward(
                ctx,
                authorizer.managementClaims(PublicApi.bearerKey(ctx)),
                claims -> path.apply(claims.accountId()),
                method);
    }

    private <T extends dev.switchboard.wire.KeyClaims> void forward(
            RoutingContext ctx, Future<T> caller, Function<T, String> path, HttpMethod method) {
        Buffer body = method == HttpMethod.POST || method == HttpMethod.PATCH
                ? ctx.body().buffer()
                : null;
        if (body != null && body.length() == 0) {
            throw EdgeException.badRequest("A JSON body is required");
        }
        caller.compose(claims -> auth.forward(method, path.apply(claims), body))
                .onSuccess(reply -> respond(ctx, reply))
                .onFailure(ctx::fail);
    }

    private static void respond(RoutingContext ctx, InternalClient.Reply reply) {
        ctx.response()
                .setStatusCode(reply.status())
                .putHeader("Content-Type", "application/json")
                .end(reply.body());
    }

    private static String keyPath(RoutingContext ctx, String account) {
        String hash = ctx.pathParam("hash");
        try {
            UUID.fromString(hash);
        } catch (IllegalArgumentException e) {
            throw new EdgeException(404, "key not found");
        }
        return "/internal/v1/accounts/" + account + "/keys/" + hash;
    }

    private static String query(RoutingContext ctx, String... names) {
        StringBuilder q = new StringBuilder();
        for (String name : names) {
            String value = ctx.request().getParam(name);
            if (value != null) {
                q.append(q.isEmpty() ? '?' : '&')
                        .append(name)
                        .append('=')
                        .append(URLEncoder.encode(value, StandardCharsets.UTF_8));
            }
        }
        return q.toString();
    }
}

package dev.switchboard.edge.rest;

import dev.switchboard.edge.client.AnalyticsClient;
import dev.switchboard.edge.service.Authorizer;
import dev.switchboard.edge.service.EdgeException;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * {@code GET /api/v1/generation?id=}: a generation's metadata and cost, read from ClickHouse by
 * analytics-service, only for the caller's own account.
 */
@ApplicationScoped
public class GenerationRoute {

    private final Authorizer authorizer;
    private final AnalyticsClient analytics;

    public GenerationRoute(Authorizer authorizer, AnalyticsClient analytics) {
        this.authorizer = authorizer;
        this.analytics = analytics;
    }

    void register(@Observes Router router, PublicApi api) {
        api.get(
                router,
                "/generation",
                PublicApi.Doc.of(
                        "One generation of the caller's account, with its billed cost", "any key", 200, 400, 401, 404),
                this::handle);
    }

    private void handle(RoutingContext ctx) {
        String key = PublicApi.bearerKey(ctx);
        String id = ctx.request().getParam("id");
        if (id == null || id.isBlank()) {
            throw new EdgeException(400, "id is required", java.util.Map.of("field", "id"));
        }
        authorizer
                .claims(key)
                .compose(claims -> analytics.generation(id, claims.accountId()))
                .onSuccess(body -> ctx.response()
                        .putHeader("Content-Type", "application/json")
                        .end(body))
                .onFailure(ctx::fail);
    }
}

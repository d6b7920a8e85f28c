package dev.switchboard.edge.rest;

import dev.switchboard.edge.client.AnalyticsClient;
import dev.switchboard.edge.rest.PublicApi.Doc;
import dev.switchboard.edge.service.Authorizer;
import dev.switchboard.edge.service.EdgeException;
import dev.switchboard.internal.InternalClient;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * An account's analytics, computed by analytics-service: {@code GET /activity} (OpenRouter's shape)
 * and {@code GET /dashboard/{view}} (the dashboard's data), both for a management key and always
 * for the account the key belongs to; and the dashboard's page itself under {@code /dashboard/}
 * (static files of analytics-service; the data calls carry the key).
 */
@ApplicationScoped
public class AnalyticsRoutes {

    /** The page's files, the only paths under {@code /dashboard/} passed on to analytics-service. */
    static final Map<String, String> PAGE_FILES = Map.of(
            "", "text/html; charset=utf-8",
            "index.html", "text/html; charset=utf-8",
            "dashboard.js", "text/javascript; charset=utf-8",
            "dashboard.css", "text/css; charset=utf-8",
            "vendor/echarts.min.js", "text/javascript; charset=utf-8");

    private static final Pattern VIEW = Pattern.compile("[a-z]{1,32}");
    private static final List<String> DASHBOARD_PARAMETERS =
            List.of("from", "to", "window", "model", "provider", "key", "status", "limit");

    private final Authorizer authorizer;
    private final AnalyticsClient analytics;

    public AnalyticsRoutes(Authorizer authorizer, AnalyticsClient analytics) {
        this.authorizer = authorizer;
        this.analytics = analytics;
    }

    void register(@Observes Router router, PublicApi api) {
        api.get(
                router,
                "/activity",
                Doc.of(
                        "Requests, tokens and billed spend per UTC day, model and provider: the last 30 days and today (date, api_key_hash)",
                        "management key",
                        200,
                        400,
                        401,
                        403),
                ctx -> forward(ctx, "/internal/v1/activity", List.of("date", "api_key_hash")));
        api.get(
                router,
                "/dashboard/:view",
                Doc.of(
                        "The dashboard's data: generations, latency, reliability or spend (from, to, window, model, provider, key, status, limit)",
                        "management key",
                        200,
                        400,
                        401,
                        403,
                        404),
                ctx -> {
                    String view = ctx.pathParam("view");
                    if (!VIEW.matcher(view).matches()) {
                        throw new EdgeException(404, "no dashboard view " + view);
                    }
                    forward(ctx, "/internal/v1/dashboard/" + view, DASHBOARD_PARAMETERS);
                });
        router.get("/dashboard/*").handler(this::page).failureHandler(PublicApi::failure);
    }

    private void forward(RoutingContext ctx, String path, List<String> passed) {
        StringBuilder query = new StringBuilder();
        for (String name : passed) {
            String value = ctx.request().getParam(name);
            if (value != null) {
                query.append('&').append(name).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
            }
        }
        authorizer
                .managementClaims(PublicApi.bearerKey(ctx))
                .compose(claims -> analytics.get(
                        path + "?account_id=" + URLEncoder.encode(claims.accountId(), StandardCharsets.UTF_8) + query))
                .onSuccess(reply -> answer(ctx, reply, "application/json"))
                .onFailure(ctx::fail);
    }

    private void page(RoutingContext ctx) {
        String path = ctx.request().path();
        if (!path.startsWith("/dashboard/")) {
            // "/dashboard" itself: the page is at "/dashboard/", where its relative links resolve
            ctx.response()
                    .setStatusCode(303)
                    .putHeader("Location", "/dashboard/?view=account")
                    .end();
            return;
        }
        String file = ctx.normalizedPath().length() <= "/dashboard/".length()
                ? ""
                : ctx.normalizedPath().substring("/dashboard/".length());
        String type = PAGE_FILES.get(file);
        if (type == null) {
            throw new EdgeException(404, "Not found");
        }
        analytics
                .get("/dashboard/" + (file.isEmpty() ? "index.html" : file))
                .onSuccess(reply -> {
                    ctx.response()
                            .putHeader(
                                    "Cache-Control", file.startsWith("vendor/") ? "public, max-age=86400" : "no-cache");
                    answer(ctx, reply, reply.ok() ? type : "application/json");
                })
                .onFailure(ctx::fail);
    }

    private static void answer(RoutingContext ctx, InternalClient.Reply reply, String type) {
        if (reply.status() >= 500) {
            ctx.fail(new EdgeException(503, "Analytics service unavailable"));
            return;
        }
        ctx.response()
                .setStatusCode(reply.status())
                .putHeader("Content-Type", type)
                .end(reply.body());
    }
}

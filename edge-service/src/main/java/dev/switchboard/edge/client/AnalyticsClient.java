package dev.switchboard.edge.client;

import dev.switchboard.edge.config.EdgeConfig;
import dev.switchboard.edge.service.EdgeException;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** analytics-service: generation lookups, answered as-is (OpenRouter's shape). */
@ApplicationScoped
public class AnalyticsClient {

    private final InternalHttp http;
    private final String base;

    public AnalyticsClient(InternalHttp http, EdgeConfig config) {
        this.http = http;
        this.base = AuthClient.trim(config.analyticsUrl());
    }

    /** The generation's JSON body for {@code accountId}; a 404 or 400 comes back as the matching exception. */
    public Future<Buffer> generation(String id, String accountId) {
        String uri = base + "/internal/v1/generation?id=" + URLEncoder.encode(id, StandardCharsets.UTF_8)
                + "&account_id=" + URLEncoder.encode(accountId, StandardCharsets.UTF_8);
        return http.exchange(http.options(HttpMethod.GET, uri), null)
                .recover(e -> Future.failedFuture(new EdgeException(503, "Analytics service unavailable")))
                .compose(reply -> reply.status() == 200
                        ? Future.succeededFuture(reply.body())
                        : Future.failedFuture(ErrorBodies.toException(reply, "Generation lookup failed")));
    }
}

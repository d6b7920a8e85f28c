package dev.switchboard.edge.client;

import dev.switchboard.edge.config.EdgeConfig;
import dev.switchboard.edge.service.EdgeException;
import dev.switchboard.internal.InternalClient;
import dev.switchboard.internal.InternalClients;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** analytics-service: generation lookups, activity, the dashboard's page and data, answered as-is. */
@ApplicationScoped
public class AnalyticsClient {

    private final InternalClient http;
    private final Duration timeout;

    public AnalyticsClient(InternalClients clients, EdgeConfig config) {
        this.http = clients.to(config.analyticsUrl(), config.internalPoolSize());
        this.timeout = config.internalTimeout();
    }

    /** The generation's JSON body for {@code accountId}; a 404 or 400 comes back as the matching exception. */
    public Future<Buffer> generation(String id, String accountId) {
        String path = "/internal/v1/generation?id=" + URLEncoder.encode(id, StandardCharsets.UTF_8) + "&account_id="
                + URLEncoder.encode(accountId, StandardCharsets.UTF_8);
        return http.exchange(HttpMethod.GET, path, null, timeout)
                .recover(e -> Future.failedFuture(new EdgeException(503, "Analytics service unavailable")))
                .compose(reply -> reply.status() == 200
                        ? Future.succeededFuture(reply.body())
                        : Future.failedFuture(ErrorBodies.toException(reply, "Generation lookup failed")));
    }

    /** A GET answered as analytics-service answers it (status and body); unreachable → 503. */
    public Future<InternalClient.Reply> get(String pathAndQuery) {
        return http.exchange(HttpMethod.GET, pathAndQuery, null, timeout)
                .recover(e -> Future.failedFuture(new EdgeException(503, "Analytics service unavailable")));
    }
}

package dev.switchboard.auth.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.auth.config.AuthConfig;
import dev.switchboard.auth.service.AuthException;
import dev.switchboard.internal.InternalClient;
import dev.switchboard.internal.InternalClients;
import dev.switchboard.wire.Reconciliation.GenerationPage;
import dev.switchboard.wire.Reconciliation.LedgerPage;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpMethod;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

/**
 * Reads the other money stores for reconciliation, a page at a time: billing's ledger and analytics'
 * ClickHouse rows ({@code /internal/v1/reconcile/*}). A failed or refused page fails the whole run.
 */
@ApplicationScoped
public class MoneyStoresClient {

    private final InternalClient billing;
    private final InternalClient analytics;
    private final ObjectMapper json;
    private final Duration timeout;

    public MoneyStoresClient(InternalClients clients, AuthConfig config, ObjectMapper json) {
        this.billing = clients.to(config.reconcile().billingUrl(), 2);
        this.analytics = clients.to(config.reconcile().analyticsUrl(), 2);
        this.json = json;
        this.timeout = config.reconcile().timeout();
    }

    /** Ledger entries of the window after (generation, sequence). */
    public Uni<LedgerPage> ledger(Instant from, Instant to, String afterGeneration, int afterSequence, int limit) {
        String path = "/internal/v1/reconcile/ledger?" + window(from, to) + "&after_generation="
                + encode(afterGeneration) + "&after_sequence=" + afterSequence + "&limit=" + limit;
        return get(billing, "billing-service", path, LedgerPage.class);
    }

    /** ClickHouse's generations of the window after {@code after}, with their charges. */
    public Uni<GenerationPage> generations(Instant from, Instant to, String after, int limit) {
        String path = "/internal/v1/reconcile/generations?" + window(from, to) + "&after=" + encode(after) + "&limit="
                + limit;
        return get(analytics, "analytics-service", path, GenerationPage.class);
    }

    private <T> Uni<T> get(InternalClient client, String service, String path, Class<T> type) {
        return Uni.createFrom()
                .completionStage(() ->
                        client.exchange(HttpMethod.GET, path, null, timeout).toCompletionStage())
                .onFailure()
                .transform(e -> new AuthException(503, service + " did not answer: " + e.getMessage()))
                .map(reply -> {
                    if (!reply.ok()) {
                        throw new AuthException(
                                502,
                                service + " answered " + reply.status() + ": "
                                        + reply.body().toString(StandardCharsets.UTF_8));
                    }
                    try {
                        return json.readValue(reply.body().getBytes(), type);
                    } catch (IOException e) {
                        throw new AuthException(502, service + " answered an unreadable page: " + e.getMessage());
                    }
                });
    }

    private static String window(Instant from, Instant to) {
        return "from=" + from.toEpochMilli() + "&to=" + to.toEpochMilli();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}

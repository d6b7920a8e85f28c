package dev.switchboard.analytics.query;

import com.clickhouse.client.api.query.GenericRecord;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.analytics.clickhouse.ClickHouseStore;
import dev.switchboard.wire.ErrorClass;
import dev.switchboard.wire.Money;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The operator's statistics per provider and model over a window, computed in ClickHouse from the
 * per-minute rollups: latency and time-to-first-token quantiles, throughput, error and fallback
 * rates and uptime.
 *
 * <p>Uptime counts attempts, not requests: a provider's failed attempt counts against it even when
 * a fallback served the request. It is the share of its attempts that succeeded among those that
 * succeeded or failed on the provider's side (timeouts, rate limits, upstream errors, overload,
 * provider authentication); a request the client got wrong (bad request, context length, content
 * filter) says nothing about the provider and is left out.
 */
@ApplicationScoped
public class Statistics {

    /** Attempt outcomes that are the provider's failure. */
    static final List<String> PROVIDER_FAILURES = List.of(
                    ErrorClass.TIMEOUT,
                    ErrorClass.RATE_LIMITED,
                    ErrorClass.AUTH,
                    ErrorClass.UPSTREAM,
                    ErrorClass.OVERLOADED)
            .stream()
            .map(c -> c.name().toLowerCase(Locale.ROOT))
            .toList();

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ClickHouseStore store;
    private final ProviderNames names;

    public Statistics(ClickHouseStore store, ProviderNames names) {
        this.store = store;
        this.names = names;
    }

    public ObjectNode of(Window window, Filters filters) {
        Map<String, Object> p = filters.windowParameters(window);
        String where = filters.where(false, false, p);
        String range = Sources.OUTCOMES.range();
        // four independent queries, run side by side
        var outcomes = store.queryAsync("""
                SELECT provider, model, sum(m.requests) AS requests, sumIf(m.requests, status = 'success') AS succeeded,
                             sumIf(m.requests, status = 'error') AS failed,
                             sumIf(m.requests, status = 'cancelled') AS cancelled,
                             sumIf(m.requests, fallback) AS fallbacks, sum(m.prompt_tokens) AS prompt_tokens,
                             sum(m.completion_tokens) AS completion_tokens, sum(m.latency_ms_sum) AS latency_ms_sum,
                             sum(m.cost_nanos) AS cost_nanos
                FROM provider_minutes AS m WHERE %s%s GROUP BY provider, model
                ORDER BY requests DESC, provider, model""".formatted(range, where), p);
        var quantiles = store.queryAsync(
                """
                        SELECT provider, model, %s
                        FROM (SELECT provider, model, %s AS lq, %s AS tq FROM %s WHERE %s%s
                              GROUP BY provider, model)""".formatted(
                                Sources.quantileColumns(),
                                Sources.LATENCY.latency(),
                                Sources.LATENCY.ttft(),
                                Sources.LATENCY.table(),
                                Sources.LATENCY.range(),
                                where),
                p);
        var errorClasses = store.queryAsync("""
                        SELECT provider, model, if(error_class = '', 'unknown', error_class) AS error_class,
                               sum(requests) AS requests
                        FROM provider_minutes WHERE status = 'error' AND %s%s GROUP BY provider, model, error_class""".formatted(range, where), p);
        var attemptOutcomes = store.queryAsync("""
                        SELECT provider, model, sum(a.attempts) AS attempts, sumIf(a.attempts, outcome = 'success') AS ok,
                               sumIf(a.attempts, outcome IN %s) AS provider_failures
                        FROM attempt_minutes AS a WHERE %s%s GROUP BY provider, model""".formatted(failures(), range, where), p);
        List<GenericRecord> rows = ClickHouseStore.rows(outcomes);
        Map<String, GenericRecord> latency = new HashMap<>();
        ClickHouseStore.rows(quantiles).forEach(r -> latency.put(key(r), r));
        Map<String, ObjectNode> errors = new HashMap<>();
        ClickHouseStore.rows(errorClasses)
                .forEach(r -> errors.computeIfAbsent(key(r), k -> JSON.createObjectNode())
                        .put(r.getString("error_class"), r.getLong("requests")));
        Map<String, long[]> attempts = new HashMap<>();
        ClickHouseStore.rows(attemptOutcomes)
                .forEach(r -> attempts.put(
                        key(r), new long[] {r.getLong("attempts"), r.getLong("ok"), r.getLong("provider_failures")}));
        ArrayNode data = JSON.createArrayNode();
        for (GenericRecord r : rows) {
            data.add(entry(r, latency.get(key(r)), window, errors.get(key(r)), attempts.remove(key(r))));
        }
        // providers that were only tried (every attempt failed over to another): uptime without requests
        attempts.forEach((k, a) -> {
            String[] pm = k.split("\\|", 2);
            ObjectNode e = data.addObject();
            e.put("provider", pm[0]).put("provider_name", names.of(pm[0])).put("model", pm[1]);
            e.put("requests", 0);
            putAttempts(e, a);
        });
        ObjectNode out = Dashboard.envelope(window);
        return out.set("data", data);
    }

    private ObjectNode entry(GenericRecord r, GenericRecord q, Window window, ObjectNode errors, long[] attempts) {
        long requests = r.getLong("requests");
        ObjectNode e = JSON.createObjectNode();
        e.put("provider", r.getString("provider"));
        e.put("provider_name", names.of(r.getString("provider")));
        e.put("model", r.getString("model"));
        e.put("requests", requests);
        e.put("succeeded", r.getLong("succeeded"));
        e.put("failed", r.getLong("failed"));
        e.put("cancelled", r.getLong("cancelled"));
        e.put("fallbacks", r.getLong("fallbacks"));
        e.put("error_rate", ratio(r.getLong("failed"), requests));
        e.put("fallback_rate", ratio(r.getLong("fallbacks"), requests));
        e.set("errors", errors == null ? JSON.createObjectNode() : errors);
        ObjectNode latency = e.putObject("latency_ms");
        ObjectNode ttft = e.putObject("ttft_ms");
        for (String p : List.of("p50", "p95", "p99")) {
            JsonFields.measured(latency, p, q == null ? -1 : q.getDouble("latency_" + p));
            JsonFields.measured(ttft, p, q == null ? -1 : q.getDouble("ttft_" + p));
        }
        e.put("requests_per_second", round(requests / window.seconds()));
        long latencySum = r.getLong("latency_ms_sum");
        e.put(
                "output_tokens_per_second",
                latencySum == 0 ? 0 : round(r.getLong("completion_tokens") * 1000.0 / latencySum));
        e.put("prompt_tokens", r.getLong("prompt_tokens"));
        e.put("completion_tokens", r.getLong("completion_tokens"));
        e.put("estimated_cost", Money.usd(r.getLong("cost_nanos")));
        putAttempts(e, attempts);
        return e;
    }

    private static void putAttempts(ObjectNode e, long[] attempts) {
        if (attempts == null) {
            e.put("attempts", 0);
            e.putNull("uptime");
            return;
        }
        e.put("attempts", attempts[0]);
        long judged = attempts[1] + attempts[2];
        if (judged == 0) {
            e.putNull("uptime");
        } else {
            e.put("uptime", ratio(attempts[1], judged));
        }
    }

    private static String failures() {
        return PROVIDER_FAILURES.stream().map(c -> "'" + c + "'").collect(Collectors.joining(", ", "(", ")"));
    }

    private static String key(GenericRecord r) {
        return r.getString("provider") + "|" + r.getString("model");
    }

    static double ratio(long part, long whole) {
        return whole == 0 ? 0 : round((double) part / whole);
    }

    private static double round(double value) {
        return Math.round(value * 10_000) / 10_000.0;
    }
}

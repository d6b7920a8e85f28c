package dev.switchboard.analytics.query;

import com.clickhouse.client.api.query.GenericRecord;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.analytics.clickhouse.ClickHouseStore;
import dev.switchboard.analytics.clickhouse.Sql;
import dev.switchboard.catalog.Prices;
import dev.switchboard.catalog.Pricing;
import dev.switchboard.wire.Money;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The dashboard's data, one method per panel, computed in ClickHouse: the generations table, the
 * latency distribution, provider reliability and spend. Blocking (worker threads).
 */
@ApplicationScoped
public class Dashboard {

    public static final int MAX_GENERATIONS = 200;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ClickHouseStore store;

    public Dashboard(ClickHouseStore store) {
        this.store = store;
    }

    /** Newest first, each with its token counts, billed cost and its cost's parts. */
    public ObjectNode generations(Window window, Filters filters, int limit) {
        Map<String, Object> p = filters.windowParameters(window);
        int wanted = Math.max(1, Math.min(limit, MAX_GENERATIONS));
        // twice as many as shown, deduplicated here: a top-N read instead of a merge of the window (FINAL)
        p.put("limit", 2 * wanted);
        List<GenericRecord> read = store.query("""
                SELECT id, account_id, key_id, model, provider, status, error_class, streamed, prompt_tokens, completion_tokens,
                       cached_prompt_tokens, reasoning_tokens, images, latency_ms, ifNull(ttft_ms, -1) AS ttft,
                       attempts, estimated_cost_nanos, prices_json, app_referer, app_title, user,
                       toUnixTimestamp64Milli(completed_at) AS at
                FROM generations
                WHERE %s%s
                ORDER BY completed_at DESC LIMIT {limit:UInt32}""".formatted(Sources.RAW.range(), filters.where(true, true, p)), p);
        // sorted by time alone, ClickHouse skips the parts no newer row can come from (its top-k
        // filtering with the completed_at minmax index); ties are put in id order here
        Set<String> seen = new HashSet<>();
        List<GenericRecord> rows = read.stream()
                .sorted(Comparator.comparingLong((GenericRecord r) -> r.getLong("at"))
                        .reversed()
                        .thenComparing(r -> r.getString("id")))
                .filter(r -> seen.add(r.getString("id")))
                .limit(wanted)
                .toList();
        Map<String, Long> billed = billed(rows);
        ArrayNode data = JSON.createArrayNode();
        for (GenericRecord r : rows) {
            ObjectNode g = data.addObject();
            g.put("id", r.getString("id"));
            g.put("created_at", r.getLong("at"));
            g.put("key", r.getString("key_id"));
            g.put("model", r.getString("model"));
            g.put("provider", r.getString("provider"));
            g.put("status", r.getString("status"));
            JsonFields.text(g, "error_class", r.getString("error_class"));
            g.put("streamed", r.getBoolean("streamed"));
            JsonFields.text(
                    g,
                    "app",
                    r.getString("app_title").isEmpty() ? r.getString("app_referer") : r.getString("app_title"));
            JsonFields.text(g, "user", r.getString("user"));
            g.put("attempts", r.getInteger("attempts"));
            g.put("latency_ms", r.getLong("latency_ms"));
            long ttft = r.getLong("ttft");
            if (ttft < 0) {
                g.putNull("ttft_ms");
            } else {
                g.put("ttft_ms", ttft);
            }
            int prompt = r.getInteger("prompt_tokens");
            int completion = r.getInteger("completion_tokens");
            int cached = r.getInteger("cached_prompt_tokens");
            int reasoning = r.getInteger("reasoning_tokens");
            int images = r.getInteger("images");
            g.put("prompt_tokens", prompt);
            g.put("completion_tokens", completion);
            g.put("cached_prompt_tokens", cached);
            g.put("reasoning_tokens", reasoning);
            g.put("images", images);
            Long cost = billed.get(r.getString("id"));
            if (cost == null) {
                g.putNull("cost");
            } else {
                g.put("cost", Money.usd(cost));
            }
            g.put("cost_nanos", cost == null ? 0 : cost);
            g.set("cost_parts", parts(r.getString("prices_json"), prompt, completion, cached, reasoning, images));
        }
        return envelope(window).set("data", data);
    }

    /** p50/p95/p99 of latency and time to first token per bucket and provider, and a histogram. */
    public ObjectNode latency(Window window, Filters filters) {
        Sources s = Sources.latency(filters);
        Map<String, Object> p = filters.windowParameters(window);
        String where = filters.where(s.raw(), s.raw(), p);
        // the series and the histogram side by side
        var points = store.queryAsync(
                """
                SELECT t, provider, requests, %s
                FROM (SELECT %s AS t, provider, %s AS requests, %s AS lq, %s AS tq
                      FROM %s WHERE %s%s GROUP BY t, provider)
                ORDER BY t, provider""".formatted(
                                Sources.quantileColumns(),
                                s.bucket(),
                                s.requests(),
                                s.latency(),
                                s.ttft(),
                                s.table(),
                                s.range(),
                                where),
                p);
        var bucketCounts = store.queryAsync(
                "SELECT arrayStringConcat(arrayMap(x -> toString(x), %s), ',') AS h FROM %s WHERE %s%s"
                        .formatted(s.histogram(), s.table(), s.range(), where),
                p);
        ArrayNode series = JSON.createArrayNode();
        for (GenericRecord r : ClickHouseStore.rows(points)) {
            ObjectNode point = series.addObject();
            point.put("t", r.getLong("t"));
            point.put("provider", r.getString("provider"));
            point.put("requests", r.getLong("requests"));
            for (String q : List.of("latency_p50", "latency_p95", "latency_p99", "ttft_p50", "ttft_p95", "ttft_p99")) {
                JsonFields.measured(point, q, r.getDouble(q));
            }
        }
        List<GenericRecord> counted = ClickHouseStore.rows(bucketCounts);
        List<Integer> edges = Sources.LATENCY_EDGES;
        long[] counts = new long[edges.size() + 1];
        String h = counted.isEmpty() ? "" : counted.getFirst().getString("h");
        if (h != null && !h.isEmpty()) {
            String[] parts = h.split(",");
            for (int i = 0; i < parts.length && i < counts.length; i++) {
                // index 0 of the counts is the overflow bucket; it goes last
                counts[i == 0 ? edges.size() : i - 1] = Long.parseLong(parts[i]);
            }
        }
        ArrayNode histogram = JSON.createArrayNode();
        for (int i = 0; i < counts.length; i++) {
            ObjectNode b = histogram.addObject();
            b.put("from_ms", i == 0 ? 0 : edges.get(i - 1));
            if (i < edges.size()) {
                b.put("to_ms", edges.get(i));
            } else {
                b.putNull("to_ms");
            }
            b.put("requests", counts[i]);
        }
        ObjectNode out = envelope(window);
        out.set("series", series);
        out.set("histogram", histogram);
        return out;
    }

    /** Per bucket and provider: requests served, served by a fallback, cancelled, and failed by error class. */
    public ObjectNode reliability(Window window, Filters filters) {
        Sources s = Sources.outcomes(filters);
        Map<String, Object> p = filters.windowParameters(window);
        List<GenericRecord> rows = store.query(
                """
                SELECT %s AS t, provider, status, error_class, fallback, %s AS requests
                FROM %s WHERE %s%s
                GROUP BY t, provider, status, error_class, fallback ORDER BY t, provider""".formatted(s.bucket(), s.requests(), s.table(), s.range(), filters.where(s.raw(), true, p)), p);
        Map<String, ObjectNode> points = new LinkedHashMap<>();
        for (GenericRecord r : rows) {
            long t = r.getLong("t");
            String provider = r.getString("provider");
            ObjectNode point = points.computeIfAbsent(t + "|" + provider, k -> {
                ObjectNode n = JSON.createObjectNode();
                n.put("t", t).put("provider", provider);
                n.put("requests", 0).put("succeeded", 0).put("fallbacks", 0).put("cancelled", 0);
                n.putObject("errors");
                return n;
            });
            long n = r.getLong("requests");
            point.put("requests", point.get("requests").asLong() + n);
            switch (r.getString("status")) {
                case "success" -> {
                    point.put("succeeded", point.get("succeeded").asLong() + n);
                    if (r.getBoolean("fallback")) {
                        point.put("fallbacks", point.get("fallbacks").asLong() + n);
                    }
                }
                case "cancelled" ->
                    point.put("cancelled", point.get("cancelled").asLong() + n);
                default -> {
                    String errorClass = r.getString("error_class").isEmpty() ? "unknown" : r.getString("error_class");
                    ObjectNode errors = (ObjectNode) point.get("errors");
                    errors.put(errorClass, errors.path(errorClass).asLong() + n);
                }
            }
        }
        ArrayNode series = JSON.createArrayNode();
        points.values().forEach(series::add);
        return envelope(window).set("series", series);
    }

    /** The key × model pairs the spend table lists: those with the highest spend. */
    static final int SPEND_ROWS = 100;

    /**
     * Billed spend per key and model over the window (the {@link #SPEND_ROWS} highest, with their
     * requests and tokens), and per bucket and model.
     */
    public ObjectNode spend(Window window, Filters filters) {
        Map<String, Object> p = filters.windowParameters(window);
        String range = "minute >= toStartOfMinute(fromUnixTimestamp64Milli({from:Int64}, 'UTC'))"
                + " AND minute < fromUnixTimestamp64Milli({to:Int64}, 'UTC')";
        String where = filters.where(true, false, p);
        p.put("spend_rows", SPEND_ROWS);
        // the series beside the totals and their usage
        var perBucket = store.queryAsync("""
                        SELECT toUnixTimestamp(toStartOfInterval(minute, toIntervalSecond({bucket:UInt32}))) * 1000 AS t,
                               model, sum(cost_nanos) AS cost_nanos
                        FROM %s WHERE true%s GROUP BY t, model ORDER BY t, model""".formatted(Sources.SPEND, where), p);
        List<GenericRecord> totals = store.query("""
                SELECT key_id, model, sum(charges) AS charges, sum(cost_nanos) AS cost_nanos
                FROM %s WHERE true%s GROUP BY key_id, model ORDER BY cost_nanos DESC, key_id, model
                LIMIT {spend_rows:UInt32}""".formatted(Sources.SPEND, where), p);
        // requests and tokens of the pairs shown only (an operator's day has thousands of keys)
        Map<String, long[]> usage = new HashMap<>();
        if (!totals.isEmpty()) {
            String keys = Sql.stringTuple(
                    totals.stream().map(r -> r.getString("key_id")).distinct().toList());
            store.query("""
                            SELECT key_id, model, sum(requests) AS requests, sum(prompt_tokens) AS prompt_tokens,
                                   sum(completion_tokens) AS completion_tokens
                            FROM account_minutes WHERE %s%s AND key_id IN %s GROUP BY key_id, model""".formatted(range, where, keys), p)
                    .forEach(r -> usage.put(r.getString("key_id") + "|" + r.getString("model"), new long[] {
                        r.getLong("requests"), r.getLong("prompt_tokens"), r.getLong("completion_tokens")
                    }));
        }
        ArrayNode byKey = JSON.createArrayNode();
        for (GenericRecord r : totals) {
            ObjectNode row = byKey.addObject();
            row.put("key", r.getString("key_id"));
            row.put("model", r.getString("model"));
            row.put("charges", r.getLong("charges"));
            row.put("cost_nanos", r.getLong("cost_nanos"));
            row.put("cost", Money.usd(r.getLong("cost_nanos")));
            long[] u = usage.getOrDefault(r.getString("key_id") + "|" + r.getString("model"), new long[3]);
            row.put("requests", u[0]);
            row.put("prompt_tokens", u[1]);
            row.put("completion_tokens", u[2]);
        }
        ArrayNode series = JSON.createArrayNode();
        ClickHouseStore.rows(perBucket)
                .forEach(r -> series.addObject()
                        .put("t", r.getLong("t"))
                        .put("model", r.getString("model"))
                        .put("cost_nanos", r.getLong("cost_nanos"))
                        .put("cost", Money.usd(r.getLong("cost_nanos"))));
        ObjectNode out = envelope(window);
        out.set("by_key_and_model", byKey);
        out.set("series", series);
        return out;
    }

    /**
     * What each generation was billed, from its charges: read by account and generation (the charges'
     * sorting key), so only their granules are read, and collapsed as {@code FINAL} would (the latest
     * version of each charge) but over those rows only: by generation id with {@code FINAL} a day of 10
     * million charges took 2.3 s, this way 40 ms.
     */
    private Map<String, Long> billed(List<GenericRecord> generations) {
        Map<String, Long> out = new HashMap<>();
        if (generations.isEmpty()) {
            return out;
        }
        String accounts = Sql.stringTuple(generations.stream()
                .map(g -> g.getString("account_id"))
                .distinct()
                .toList());
        String ids =
                Sql.stringTuple(generations.stream().map(g -> g.getString("id")).toList());
        store.query("SELECT generation_id, sum(cost) AS cost_nanos FROM (SELECT generation_id, sequence,"
                        + " argMax(cost_nanos, ingested_at) AS cost FROM charges WHERE account_id IN " + accounts
                        + " AND generation_id IN " + ids + " GROUP BY generation_id, sequence) GROUP BY generation_id")
                .forEach(r -> out.put(r.getString("generation_id"), r.getLong("cost_nanos")));
        return out;
    }

    /** The cost's parts at the prices the request was routed with; empty when nothing was served. */
    static ObjectNode parts(String pricesJson, int prompt, int completion, int cached, int reasoning, int images) {
        ObjectNode parts = JSON.createObjectNode();
        if (pricesJson == null || pricesJson.isEmpty()) {
            return parts;
        }
        try {
            JsonNode n = JSON.readTree(pricesJson);
            Prices prices = new Prices(
                    n.path("prompt_pico").asLong(),
                    n.path("completion_pico").asLong(),
                    n.path("cached_prompt_pico").asLong(),
                    n.path("reasoning_pico").asLong(),
                    n.path("request_nanos").asLong(),
                    n.path("image_nanos").asLong());
            Pricing.Breakdown b = Pricing.breakdown(prices, prompt, completion, cached, reasoning, images);
            parts.put("prompt", Money.usd(b.promptNanos()));
            parts.put("cached_prompt", Money.usd(b.cachedPromptNanos()));
            parts.put("completion", Money.usd(b.completionNanos()));
            parts.put("reasoning", Money.usd(b.reasoningNanos()));
            parts.put("request", Money.usd(b.requestNanos()));
            parts.put("images", Money.usd(b.imageNanos()));
        } catch (Exception e) {
            // an unreadable prices column leaves the parts out rather than failing the page
        }
        return parts;
    }

    static ObjectNode envelope(Window window) {
        ObjectNode out = JSON.createObjectNode();
        out.put("from", window.fromMillis());
        out.put("to", window.toMillis());
        out.put("bucket_seconds", window.bucketSeconds());
        return out;
    }
}

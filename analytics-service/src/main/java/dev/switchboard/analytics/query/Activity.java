package dev.switchboard.analytics.query;

import com.clickhouse.client.api.query.GenericRecord;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.analytics.clickhouse.ClickHouseStore;
import dev.switchboard.wire.Money;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code GET /activity} in OpenRouter's shape: an account's requests, tokens and billed spend per
 * UTC day × model × provider, from the rollups. OpenRouter answers the last 30 completed days;
 * Switchboard also includes today so far (a gateway's operator wants to see this morning), which
 * {@code date} can narrow to one day. Requests count those that reached a provider.
 */
@ApplicationScoped
public class Activity {

    public static final int DAYS = 30;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ClickHouseStore store;
    private final ProviderNames names;

    public Activity(ClickHouseStore store, ProviderNames names) {
        this.store = store;
        this.names = names;
    }

    /**
     * @param date an optional {@code YYYY-MM-DD} within the last 30 days (or today)
     * @param key  an optional key id (OpenRouter's {@code api_key_hash})
     * @throws IllegalArgumentException with a message for the client
     */
    public ObjectNode of(String account, String date, String key, LocalDate today) {
        LocalDate first = today.minusDays(DAYS);
        LocalDate last = today;
        if (date != null && !date.isBlank()) {
            LocalDate day;
            try {
                day = LocalDate.parse(date.strip());
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("date must be a UTC date, YYYY-MM-DD");
            }
            if (day.isBefore(first) || day.isAfter(today)) {
                throw new IllegalArgumentException("date must be within the last " + DAYS + " days");
            }
            first = day;
            last = day;
        }
        Filters filters = new Filters(account, null, null, key, null);
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("from", first.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli());
        p.put("to", last.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli());
        String range = "minute >= fromUnixTimestamp64Milli({from:Int64}, 'UTC')"
                + " AND minute < fromUnixTimestamp64Milli({to:Int64}, 'UTC') AND provider != ''";
        String where = filters.where(true, false, p);
        Map<String, ObjectNode> items = new TreeMap<>();
        for (GenericRecord r : store.query("""
                SELECT toString(toDate(minute)) AS date, model, provider, sum(requests) AS requests,
                       sum(prompt_tokens) AS prompt_tokens, sum(completion_tokens) AS completion_tokens,
                       sum(reasoning_tokens) AS reasoning_tokens
                FROM account_minutes WHERE %s%s GROUP BY date, model, provider""".formatted(range, where), p)) {
            ObjectNode item = item(items, r);
            item.put("requests", r.getLong("requests"));
            item.put("prompt_tokens", r.getLong("prompt_tokens"));
            item.put("completion_tokens", r.getLong("completion_tokens"));
            item.put("reasoning_tokens", r.getLong("reasoning_tokens"));
        }
        for (GenericRecord r : store.query("""
                SELECT toString(toDate(minute)) AS date, model, provider, sum(cost_nanos) AS cost_nanos
                FROM spend_minutes WHERE %s%s GROUP BY date, model, provider""".formatted(range, where), p)) {
            item(items, r).put("usage", Money.usd(r.getLong("cost_nanos")));
        }
        ArrayNode data = JSON.createArrayNode();
        items.values().forEach(data::add);
        return JSON.createObjectNode().set("data", data);
    }

    private ObjectNode item(Map<String, ObjectNode> items, GenericRecord r) {
        String date = r.getString("date");
        String model = r.getString("model");
        String provider = r.getString("provider");
        return items.computeIfAbsent(date + "|" + model + "|" + provider, k -> {
            ObjectNode item = JSON.createObjectNode();
            item.put("date", date);
            item.put("model", model);
            item.put("model_permaslug", model);
            item.put("endpoint_id", model + "@" + provider);
            item.put("provider_name", names.of(provider));
            item.put("usage", 0.0);
            item.put("byok_usage_inference", 0.0);
            item.put("requests", 0);
            item.put("prompt_tokens", 0);
            item.put("completion_tokens", 0);
            item.put("reasoning_tokens", 0);
            return item;
        });
    }
}

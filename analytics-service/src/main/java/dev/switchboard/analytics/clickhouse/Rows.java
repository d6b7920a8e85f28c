package dev.switchboard.analytics.clickhouse;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.switchboard.events.ChargeV1;
import dev.switchboard.events.EventCodec;
import dev.switchboard.events.ProviderHealthV1;
import dev.switchboard.events.UsageV1;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Events as ClickHouse rows in JSONEachRow form (one object per line, no blank lines). */
public final class Rows {

    private static final JsonFactory JSON = new JsonFactory();
    private static final ObjectWriter PRICES = EventCodec.mapper().writerFor(UsageV1.Prices.class);
    /**
     * An endpoint's prices as JSON, by value: the same few per catalog, so each is written once
     * (cleared when it outgrows {@link #PRICES_KEPT}, as after many catalog reloads).
     */
    private static final Map<UsageV1.Prices, byte[]> PRICES_JSON = new ConcurrentHashMap<>();

    private static final int PRICES_KEPT = 4_096;
    /** DateTime64(3) in the form ClickHouse parses by default, in UTC. */
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

    /** The status of a long stream's interim usage rows, which the rollups skip. */
    public static final String IN_PROGRESS = "in_progress";

    private Rows() {}

    /** The rows' lines, each ended by a newline. */
    public static byte[] jsonEachRow(List<Row> rows) {
        int size = 0;
        for (Row row : rows) {
            size += row.json().length + 1;
        }
        byte[] out = new byte[size];
        int at = 0;
        for (Row row : rows) {
            byte[] line = row.json();
            System.arraycopy(line, 0, out, at, line.length);
            at += line.length;
            out[at++] = '\n';
        }
        return out;
    }

    public static byte[] generation(String eventId, UsageV1 u) {
        return object(g -> {
            g.writeStringField("id", u.generationId());
            g.writeStringField("account_id", u.accountId());
            g.writeStringField("key_id", nullToEmpty(u.keyId()));
            g.writeStringField("requested_model", nullToEmpty(u.requestedModel()));
            g.writeStringField("model", nullToEmpty(u.model()));
            g.writeStringField("provider", nullToEmpty(u.provider()));
            g.writeStringField("upstream_model", nullToEmpty(u.upstreamModel()));
            g.writeStringField("status", u.status());
            g.writeStringField("finish_reason", nullToEmpty(u.finishReason()));
            g.writeStringField("error_class", nullToEmpty(u.errorClass()));
            g.writeBooleanField("streamed", u.streamed());
            g.writeNumberField("prompt_tokens", u.promptTokens());
            g.writeNumberField("completion_tokens", u.completionTokens());
            g.writeNumberField("cached_prompt_tokens", u.cachedPromptTokens());
            g.writeNumberField("reasoning_tokens", u.reasoningTokens());
            g.writeStringField("usage_source", nullToEmpty(u.usageSource()));
            g.writeStringField("routing", nullToEmpty(u.routing()));
            g.writeNumberField("images", Math.min(65_535, u.images()));
            g.writeNumberField("estimated_cost_nanos", u.estimatedCostNanos());
            g.writeNumberField("attempts", Math.min(255, u.attempts().size()));
            g.writeFieldName("attempts_json");
            utf8String(g, attemptsJson(u.attempts()));
            g.writeNumberField("latency_ms", u.latencyMs());
            g.writeStringField("started_at", time(u.startedAt()));
            g.writeStringField("completed_at", time(u.completedAt()));
            g.writeFieldName("prices_json");
            if (u.prices() == null) {
                g.writeString("");
            } else {
                utf8String(g, pricesJson(u.prices()));
            }
            g.writeStringField(
                    "app_referer", u.app() == null ? "" : nullToEmpty(u.app().referer()));
            g.writeStringField(
                    "app_title", u.app() == null ? "" : nullToEmpty(u.app().title()));
            g.writeStringField(
                    "user", u.app() == null ? "" : nullToEmpty(u.app().user()));
            g.writeStringField("event_id", eventId);
            if (u.ttftMs() == null) {
                g.writeNullField("ttft_ms");
            } else {
                g.writeNumberField("ttft_ms", u.ttftMs());
            }
            if (u.counted() == null) {
                g.writeNullField("counted_prompt_tokens");
                g.writeNullField("counted_completion_tokens");
            } else {
                g.writeNumberField("counted_prompt_tokens", u.counted().promptTokens());
                g.writeNumberField("counted_completion_tokens", u.counted().completionTokens());
            }
        });
    }

    public static byte[] charge(ChargeV1 c) {
        return object(g -> {
            g.writeStringField("charge_id", c.chargeId());
            g.writeStringField("generation_id", c.generationId());
            g.writeNumberField("sequence", c.sequence());
            g.writeBooleanField("is_final", c.isFinal());
            g.writeStringField("account_id", c.accountId());
            g.writeStringField("key_id", nullToEmpty(c.keyId()));
            g.writeStringField("model", nullToEmpty(c.model()));
            g.writeStringField("provider", nullToEmpty(c.provider()));
            g.writeNumberField("cost_nanos", c.costNanos());
            g.writeStringField("priced_at", time(c.pricedAt()));
        });
    }

    public static byte[] health(String eventId, ProviderHealthV1 h) {
        return object(g -> {
            g.writeStringField("provider", h.provider());
            g.writeStringField("state", h.state());
            g.writeStringField("previous_state", nullToEmpty(h.previousState()));
            g.writeStringField("error", nullToEmpty(h.error()));
            g.writeStringField("source", nullToEmpty(h.source()));
            g.writeStringField("checked_at", time(h.checkedAt()));
            g.writeStringField("event_id", eventId);
            if (h.latencyMs() == null) {
                g.writeNullField("latency_ms");
            } else {
                g.writeNumberField("latency_ms", h.latencyMs());
            }
        });
    }

    /** The fields of one JSON object, written straight to the generator (no tree in between). */
    @FunctionalInterface
    private interface Fields {
        void write(JsonGenerator g) throws IOException;
    }

    /**
     * The attempts as the event's own mapping writes them (snake_case, nulls left out), field by field:
     * through the mapper it was half the time of a row. RowsTest holds it to the mapper's output for
     * every component of {@link UsageV1.Attempt}.
     */
    static byte[] attemptsJson(List<UsageV1.Attempt> attempts) throws IOException {
        var out = new ByteArrayOutputStream(64 + attempts.size() * 128);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartArray();
            for (UsageV1.Attempt a : attempts) {
                g.writeStartObject();
                stringUnlessNull(g, "provider", a.provider());
                stringUnlessNull(g, "model", a.model());
                stringUnlessNull(g, "outcome", a.outcome());
                if (a.httpStatus() != null) {
                    g.writeNumberField("http_status", a.httpStatus());
                }
                g.writeNumberField("latency_ms", a.latencyMs());
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        return out.toByteArray();
    }

    private static byte[] pricesJson(UsageV1.Prices prices) throws IOException {
        byte[] json = PRICES_JSON.get(prices);
        if (json == null) {
            if (PRICES_JSON.size() >= PRICES_KEPT) {
                PRICES_JSON.clear();
            }
            json = PRICES.writeValueAsBytes(prices);
            PRICES_JSON.put(prices, json);
        }
        return json;
    }

    private static void stringUnlessNull(JsonGenerator g, String field, String value) throws IOException {
        if (value != null) {
            g.writeStringField(field, value);
        }
    }

    /** A JSON text as a string value, escaped from its UTF-8 bytes (no String in between). */
    private static void utf8String(JsonGenerator g, byte[] json) throws IOException {
        g.writeUTF8String(json, 0, json.length);
    }

    private static byte[] object(Fields fields) {
        var out = new ByteArrayOutputStream(512);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            fields.write(g);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** The epoch milliseconds a time column holds for {@code instant} (the epoch for none, as {@link #time}). */
    public static long millis(Instant instant) {
        return instant == null ? 0 : instant.toEpochMilli();
    }

    /** {@code instant} as {@link #TIME} formats it, without the formatter for years 0 to 9999. */
    static String time(Instant instant) {
        Instant t = instant == null ? Instant.EPOCH : instant;
        LocalDateTime d = LocalDateTime.ofEpochSecond(t.getEpochSecond(), t.getNano(), ZoneOffset.UTC);
        int year = d.getYear();
        if (year < 0 || year > 9999) {
            return TIME.format(t);
        }
        char[] c = new char[23];
        digits(c, 0, year, 4);
        c[4] = '-';
        digits(c, 5, d.getMonthValue(), 2);
        c[7] = '-';
        digits(c, 8, d.getDayOfMonth(), 2);
        c[10] = ' ';
        digits(c, 11, d.getHour(), 2);
        c[13] = ':';
        digits(c, 14, d.getMinute(), 2);
        c[16] = ':';
        digits(c, 17, d.getSecond(), 2);
        c[19] = '.';
        digits(c, 20, d.getNano() / 1_000_000, 3);
        return new String(c);
    }

    private static void digits(char[] into, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            into[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}

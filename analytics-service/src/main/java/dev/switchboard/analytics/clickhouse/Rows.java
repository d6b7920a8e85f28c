package dev.switchboard.analytics.clickhouse;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.events.ChargeV1;
import dev.switchboard.events.EventCodec;
import dev.switchboard.events.ProviderHealthV1;
import dev.switchboard.events.UsageV1;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.function.Function;

/** Events as ClickHouse rows in JSONEachRow form (one object per line, no blank lines). */
public final class Rows {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** DateTime64(3) in the form ClickHouse parses by default, in UTC. */
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

    /** The status of a long stream's interim usage rows, which the rollups skip. */
    public static final String IN_PROGRESS = "in_progress";

    private Rows() {}

    public static <T> byte[] jsonEachRow(List<T> items, Function<T, ObjectNode> toRow) {
        var out = new ByteArrayOutputStream(items.size() * 512);
        try {
            for (T item : items) {
                out.write(JSON.writeValueAsBytes(toRow.apply(item)));
                out.write('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public static ObjectNode generation(String eventId, UsageV1 u) {
        ObjectNode row = JSON.createObjectNode()
                .put("id", u.generationId())
                .put("account_id", u.accountId())
                .put("key_id", nullToEmpty(u.keyId()))
                .put("requested_model", nullToEmpty(u.requestedModel()))
                .put("model", nullToEmpty(u.model()))
                .put("provider", nullToEmpty(u.provider()))
                .put("upstream_model", nullToEmpty(u.upstreamModel()))
                .put("status", u.status())
                .put("finish_reason", nullToEmpty(u.finishReason()))
                .put("error_class", nullToEmpty(u.errorClass()))
                .put("streamed", u.streamed())
                .put("prompt_tokens", u.promptTokens())
                .put("completion_tokens", u.completionTokens())
                .put("cached_prompt_tokens", u.cachedPromptTokens())
                .put("reasoning_tokens", u.reasoningTokens())
                .put("usage_source", nullToEmpty(u.usageSource()))
                .put("routing", nullToEmpty(u.routing()))
                .put("images", Math.min(65_535, u.images()))
                .put("estimated_cost_nanos", u.estimatedCostNanos())
                .put("attempts", Math.min(255, u.attempts().size()))
                .put(
                        "attempts_json",
                        EventCodec.mapper().valueToTree(u.attempts()).toString())
                .put("latency_ms", u.latencyMs())
                .put("started_at", time(u.startedAt()))
                .put("completed_at", time(u.completedAt()))
                .put(
                        "prices_json",
                        u.prices() == null
                                ? ""
                                : EventCodec.mapper().valueToTree(u.prices()).toString())
                .put("app_referer", u.app() == null ? "" : nullToEmpty(u.app().referer()))
                .put("app_title", u.app() == null ? "" : nullToEmpty(u.app().title()))
                .put("user", u.app() == null ? "" : nullToEmpty(u.app().user()))
                .put("event_id", eventId);
        if (u.ttftMs() == null) {
            row.putNull("ttft_ms");
        } else {
            row.put("ttft_ms", u.ttftMs());
        }
        if (u.counted() == null) {
            row.putNull("counted_prompt_tokens").putNull("counted_completion_tokens");
        } else {
            row.put("counted_prompt_tokens", u.counted().promptTokens())
                    .put("counted_completion_tokens", u.counted().completionTokens());
        }
        return row;
    }

    public static ObjectNode charge(ChargeV1 c) {
        return JSON.createObjectNode()
                .put("charge_id", c.chargeId())
                .put("generation_id", c.generationId())
                .put("sequence", c.sequence())
                .put("is_final", c.isFinal())
                .put("account_id", c.accountId())
                .put("key_id", nullToEmpty(c.keyId()))
                .put("model", nullToEmpty(c.model()))
                .put("provider", nullToEmpty(c.provider()))
                .put("cost_nanos", c.costNanos())
                .put("priced_at", time(c.pricedAt()));
    }

    public static ObjectNode health(String eventId, ProviderHealthV1 h) {
        ObjectNode row = JSON.createObjectNode()
                .put("provider", h.provider())
                .put("state", h.state())
                .put("previous_state", nullToEmpty(h.previousState()))
                .put("error", nullToEmpty(h.error()))
                .put("source", nullToEmpty(h.source()))
                .put("checked_at", time(h.checkedAt()))
                .put("event_id", eventId);
        if (h.latencyMs() == null) {
            row.putNull("latency_ms");
        } else {
            row.put("latency_ms", h.latencyMs());
        }
        return row;
    }

    /** The epoch milliseconds a time column holds for {@code instant} (the epoch for none, as {@link #time}). */
    public static long millis(Instant instant) {
        return instant == null ? 0 : instant.toEpochMilli();
    }

    static String time(Instant instant) {
        return TIME.format(instant == null ? Instant.EPOCH : instant);
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}

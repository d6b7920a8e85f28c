package dev.switchboard.analytics.clickhouse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.events.EventCodec;
import dev.switchboard.events.UsageV1;
import org.junit.jupiter.api.Test;

import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** The rows' JSON, written field by field, as ClickHouse reads it (the insert itself: AnalyticsTest). */
class RowsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void timesAreWhatTheFormatterWrites() {
        DateTimeFormatter formatter =
                DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneOffset.UTC);
        SplittableRandom random = new SplittableRandom(11);
        for (int i = 0; i < 100_000; i++) {
            Instant t = Instant.ofEpochSecond(random.nextLong(0, 253_402_300_799L), random.nextInt(1_000_000_000));
            assertThat(Rows.time(t)).isEqualTo(formatter.format(t));
        }
        assertThat(Rows.time(null)).isEqualTo("1970-01-01 00:00:00.000");
    }

    @Test
    void aGenerationRowHoldsEveryColumnWithTheEventsAttemptsAndPrices() throws Exception {
        UsageV1 usage = EventCodec.mapper().readValue("""
                {"generation_id": "gen-1", "sequence": 0, "is_final": true, "account_id": "acct", "key_id": "k",
                 "hold_id": "h", "requested_model": "openai/gpt-4o-mini", "model": "openai/gpt-4o-mini",
                 "provider": "openai", "status": "success", "finish_reason": "stop", "streamed": true,
                 "prompt_tokens": 12, "completion_tokens": 3, "cached_prompt_tokens": 0, "reasoning_tokens": 0,
                 "usage_source": "provider", "estimated_cost_nanos": 4200,
                 "attempts": [{"provider": "azure", "model": "gpt-4o-mini", "outcome": "upstream", "http_status": 503,
                               "latency_ms": 40},
                              {"provider": "openai", "model": "gpt-4o-mini", "outcome": "success", "latency_ms": 90}],
                 "ttft_ms": 30, "latency_ms": 130, "started_at": "2026-12-08T01:00:00.100Z",
                 "completed_at": "2026-12-08T01:00:00.230Z", "routing": "weighted", "images": 0,
                 "prices": {"prompt_pico": 150000, "completion_pico": 600000, "cached_prompt_pico": 75000,
                            "reasoning_pico": 0, "request_nanos": 0, "image_nanos": 0},
                 "app": {"referer": "https://app.example", "title": "Tab\\tand \\"quote\\""}}
                """, UsageV1.class);
        byte[] line = Rows.generation("event-1", usage);
        assertThat(line).doesNotContain((byte) '\n');
        JsonNode row = JSON.readTree(line);
        assertThat(row.path("id").asText()).isEqualTo("gen-1");
        assertThat(row.path("completed_at").asText()).isEqualTo("2026-12-08 01:00:00.230");
        assertThat(row.path("attempts").asInt()).isEqualTo(2);
        assertThat(row.path("attempts_json").asText())
                .isEqualTo(EventCodec.mapper().valueToTree(usage.attempts()).toString());
        assertThat(row.path("prices_json").asText())
                .isEqualTo(EventCodec.mapper().valueToTree(usage.prices()).toString());
        assertThat(row.path("app_title").asText()).isEqualTo("Tab\tand \"quote\"");
        assertThat(row.path("user").asText()).isEmpty();
        assertThat(row.path("ttft_ms").asLong()).isEqualTo(30);
        assertThat(row.path("counted_prompt_tokens").isNull()).isTrue();
        assertThat(row.path("event_id").asText()).isEqualTo("event-1");
        List<String> columns =
                List.copyOf(row.propertyStream().map(e -> e.getKey()).toList());
        assertThat(columns).hasSize(32).doesNotHaveDuplicates();
    }

    /** Every component of an attempt set (a value per type), so one added later must be written too. */
    @Test
    void attemptsAreWrittenAsTheEventsMappingWritesThemWithEveryComponent() throws Exception {
        RecordComponent[] components = UsageV1.Attempt.class.getRecordComponents();
        Object[] values = new Object[components.length];
        Class<?>[] types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            types[i] = components[i].getType();
            values[i] = sample(types[i], i);
        }
        UsageV1.Attempt full =
                UsageV1.Attempt.class.getDeclaredConstructor(types).newInstance(values);
        UsageV1.Attempt sparse = new UsageV1.Attempt(null, "m\"\u00e9", null, null, 0);
        for (List<UsageV1.Attempt> attempts :
                List.of(List.of(full, sparse), List.of(sparse), List.<UsageV1.Attempt>of())) {
            assertThat(new String(Rows.attemptsJson(attempts), StandardCharsets.UTF_8))
                    .isEqualTo(EventCodec.mapper().writeValueAsString(attempts));
        }
    }

    private static Object sample(Class<?> type, int i) {
        if (type == String.class) {
            return "value-" + i;
        }
        if (type == Integer.class || type == int.class) {
            return 400 + i;
        }
        if (type == Long.class || type == long.class) {
            return 1_000L + i;
        }
        if (type == Boolean.class || type == boolean.class) {
            return true;
        }
        throw new AssertionError("RowsTest has no sample of " + type + ": add it, and write it in Rows.attemptsJson");
    }

    @Test
    void jsonEachRowIsTheLinesEachEndedByANewline() {
        Row a = Row.plain("{\"a\":1}".getBytes());
        Row b = Row.plain("{\"b\":2}".getBytes());
        assertThat(new String(Rows.jsonEachRow(List.of(a, b)))).isEqualTo("{\"a\":1}\n{\"b\":2}\n");
    }
}
